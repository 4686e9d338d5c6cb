package io.balor.admin.acme;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Let's Encrypt's test CA for tests: Debian's {@code pebble} and {@code pebble-challtestsrv} run
 * as child processes on loopback, as {@code shared/TESTING.md} describes. Pebble's own HTTPS
 * certificate (a throwaway CA and a {@code localhost}/{@code 127.0.0.1} leaf) is made with the
 * {@code openssl} CLI in the given work directory; every port is picked free at start;
 * challtestsrv answers every A query with 127.0.0.1 and serves DNS-01 TXT records set through its
 * management API; Pebble validates with {@code PEBBLE_VA_NOSLEEP=1}, keeps its default 5 %
 * {@code badNonce} rejection unless the environment given says otherwise, and resolves through
 * challtestsrv only. {@link #start} returns once the directory answers; {@link #close} kills
 * both processes. Owned by one test class (start in {@code @BeforeAll}, close in
 * {@code @AfterAll}); its accessors are safe from any thread.
 *
 * <pre>{@code
 * try (PebbleServer pebble = PebbleServer.start(tempDir, httpPort)) {
 *     AcmeClient client = new AcmeClient(pebble.directoryUrl(),
 *             AcmeOptions.DEFAULTS.withTrustedCaFile(pebble.caBundle()));
 *     ...
 * }
 * }</pre>
 */
public final class PebbleServer implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final int START_ATTEMPTS = 3;

    private final Path dir;
    private final Process challtestsrv;
    private final Process pebble;
    private final int listenPort;
    private final int managementPort;
    private final int challtestsrvPort;
    private final int dnsPort;
    private final int httpPort;
    private final HttpClient http;

    private PebbleServer(Path dir, Process challtestsrv, Process pebble, int listenPort, int managementPort,
                         int challtestsrvPort, int dnsPort, int httpPort, HttpClient http) {
        this.dir = dir;
        this.challtestsrv = challtestsrv;
        this.pebble = pebble;
        this.listenPort = listenPort;
        this.managementPort = managementPort;
        this.challtestsrvPort = challtestsrvPort;
        this.dnsPort = dnsPort;
        this.httpPort = httpPort;
        this.http = http;
    }

    /**
     * Starts Pebble validating HTTP-01 on {@code 127.0.0.1:httpPort}, with the default settings
     * (5 % {@code badNonce}, no External Account Binding).
     */
    public static PebbleServer start(Path workDir, int httpPort) throws IOException {
        return start(workDir, httpPort, Map.of(), Map.of());
    }

    /**
     * Starts Pebble as {@link #start(Path, int)} does, with extra environment for it (such as
     * {@code PEBBLE_WFE_NONCEREJECT=0}) and, when {@code externalAccountMacKeys} (key id to
     * base64url HMAC key) is not empty, External Account Binding required.
     */
    public static PebbleServer start(Path workDir, int httpPort, Map<String, String> pebbleEnvironment,
                                     Map<String, String> externalAccountMacKeys) throws IOException {
        Path dir = Files.createDirectories(workDir.resolve("pebble"));
        makeTlsCertificate(dir);
        IOException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return launch(dir, httpPort, pebbleEnvironment, externalAccountMacKeys);
            } catch (IOException e) {
                last = e;       // most likely a picked port taken meanwhile: pick again
            }
        }
        throw last;
    }

    /** Pebble's ACME directory, {@code https://127.0.0.1:PORT/dir}. */
    public URI directoryUrl() {
        return URI.create("https://127.0.0.1:" + listenPort + "/dir");
    }

    /** The PEM CA that Pebble's HTTPS certificate chains to: what an ACME client must trust. */
    public Path caBundle() {
        return dir.resolve("tls-ca.pem");
    }

    /** Pebble's management interface ({@code /roots/0}, {@code /intermediates/0} ...), HTTPS. */
    public URI managementUrl() {
        return URI.create("https://127.0.0.1:" + managementPort);
    }

    /** challtestsrv's management API ({@code /set-txt}, {@code /clear-txt} ...), plain HTTP. */
    public URI challtestsrvUrl() {
        return URI.create("http://127.0.0.1:" + challtestsrvPort);
    }

    /** The port (UDP and TCP) challtestsrv answers DNS on, which Pebble resolves through. */
    public int dnsPort() {
        return dnsPort;
    }

    /** Where Pebble's validator connects for HTTP-01. */
    public int httpPort() {
        return httpPort;
    }

    /** The root Pebble issues under in this run ({@code GET /roots/0}: it changes per start). */
    public X509Certificate issuingRoot() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(managementUrl().resolve("/roots/0"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("pebble /roots/0: HTTP " + response.statusCode());
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(response.body()));
        } catch (java.security.cert.CertificateException e) {
            throw new IOException("pebble /roots/0 is not a certificate", e);
        }
    }

    /** An HTTP client that trusts {@link #caBundle()} (for the management interface). */
    public HttpClient httpClient() {
        return http;
    }

    /** Both processes' output so far, for a failure message. */
    public String logs() {
        return tail(dir.resolve("pebble.log")) + "\n" + tail(dir.resolve("challtestsrv.log"));
    }

    /** Kills both processes and waits (bounded) for them to go. */
    @Override
    public void close() {
        stop(pebble);
        stop(challtestsrv);
    }

    private static PebbleServer launch(Path dir, int httpPort, Map<String, String> environment,
                                       Map<String, String> macKeys) throws IOException {
        int listenPort = freeTcpPort();
        int managementPort = freeTcpPort();
        int tlsPort = freeTcpPort();
        int challtestsrvPort = freeTcpPort();
        int dnsPort = freeDnsPort();
        Process challtestsrv = new ProcessBuilder("pebble-challtestsrv",
                "-management", "127.0.0.1:" + challtestsrvPort, "-dns01", "127.0.0.1:" + dnsPort,
                "-http01", "", "-https01", "", "-tlsalpn01", "", "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "")
                .redirectErrorStream(true).redirectOutput(dir.resolve("challtestsrv.log").toFile()).start();
        Process pebble = null;
        try {
            Files.writeString(dir.resolve("pebble-config.json"), config(listenPort, managementPort, httpPort, tlsPort, macKeys));
            ProcessBuilder builder = new ProcessBuilder("pebble", "-config", "pebble-config.json",
                    "-dnsserver", "127.0.0.1:" + dnsPort, "-strict=false")
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("pebble.log").toFile());
            builder.environment().put("PEBBLE_VA_NOSLEEP", "1");
            builder.environment().putAll(environment);
            pebble = builder.start();
            HttpClient http = HttpClient.newBuilder().sslContext(trusting(dir.resolve("tls-ca.pem")))
                    .connectTimeout(Duration.ofSeconds(2)).build();
            PebbleServer server = new PebbleServer(dir, challtestsrv, pebble, listenPort, managementPort,
                    challtestsrvPort, dnsPort, httpPort, http);
            server.awaitReady();
            return server;
        } catch (IOException | RuntimeException e) {
            stop(pebble);
            stop(challtestsrv);
            throw e;
        }
    }

    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        boolean dnsUp = false;
        while (System.nanoTime() - deadline < 0) {
            if (!pebble.isAlive() || !challtestsrv.isAlive()) {
                throw new IOException("pebble or challtestsrv exited at start:\n" + logs());
            }
            if (!dnsUp) {
                dnsUp = accepts(challtestsrvPort);
            }
            if (dnsUp && answers(directoryUrl())) {
                return;
            }
            LockSupport.parkNanos(20_000_000);      // the polling interval, not a guess at start-up time
        }
        throw new IOException("pebble not ready within " + READY_TIMEOUT + ":\n" + logs());
    }

    private boolean answers(URI url) {
        try {
            return http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String config(int listenPort, int managementPort, int httpPort, int tlsPort, Map<String, String> macKeys) {
        StringBuilder keys = new StringBuilder();
        for (Map.Entry<String, String> key : macKeys.entrySet()) {
            keys.append(keys.length() == 0 ? "" : ", ").append('"').append(key.getKey()).append("\": \"")
                    .append(key.getValue()).append('"');
        }
        return "{ \"pebble\": {\n"
                + "  \"listenAddress\": \"127.0.0.1:" + listenPort + "\",\n"
                + "  \"managementListenAddress\": \"127.0.0.1:" + managementPort + "\",\n"
                + "  \"certificate\": \"tls-cert.pem\", \"privateKey\": \"tls-key.pem\",\n"
                + "  \"httpPort\": " + httpPort + ", \"tlsPort\": " + tlsPort + ",\n"
                + "  \"ocspResponderURL\": \"\",\n"
                + "  \"externalAccountBindingRequired\": " + !macKeys.isEmpty() + ",\n"
                + "  \"externalAccountMACKeys\": {" + keys + "}\n"
                + "} }\n";
    }

    /** A throwaway CA and a leaf for localhost and 127.0.0.1 signed by it, with the openssl CLI. */
    private static void makeTlsCertificate(Path dir) throws IOException {
        Files.writeString(dir.resolve("tls-ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                + "basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n");
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "tls-ca-key.pem", "-out", "tls-ca.pem", "-days", "2", "-subj", "/CN=Pebble test TLS CA");
        openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "tls-key.pem", "-out", "tls.csr", "-subj", "/CN=localhost");
        openssl(dir, "x509", "-req", "-in", "tls.csr", "-CA", "tls-ca.pem", "-CAkey", "tls-ca-key.pem",
                "-CAcreateserial", "-out", "tls-cert.pem", "-days", "2", "-extfile", "tls-ext.cnf");
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Path log = dir.resolve("openssl.log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("openssl " + args[0] + " did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("openssl " + String.join(" ", args) + " failed:\n" + tail(log));
        }
    }

    private static SSLContext trusting(Path caPem) throws IOException {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot trust " + caPem, e);
        }
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A port free for both UDP and TCP on 127.0.0.1 (challtestsrv's DNS listens on both). */
    private static int freeDnsPort() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                int port = udp.getLocalPort();
                try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                    return port;
                } catch (IOException taken) {
                    // TCP side in use: try another
                }
            }
        }
        throw new IOException("no port free for both UDP and TCP on 127.0.0.1");
    }

    private static void stop(Process process) {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no " + log.getFileName() + ")";
        }
    }
}
