package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.CertificateConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.RouteConfig;
import io.balor.config.TlsConfig;
import io.balor.config.UpstreamConfig;
import io.balor.time.ManualTicker;
import io.balor.tls.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP listeners with TLS, end to end: SNI passthrough (the ClientHello is read, not consumed;
 * the bytes reach a TLS upstream untouched, so its own certificate and ALPN reach the client)
 * and termination (plaintext to plain upstreams, routed by SNI with per-host certificates).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpTlsTest {

    private final TestResources resources = new TestResources();
    private final TestPki ca = TestPki.ca("Test CA");
    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private static final List<RouteConfig> ROUTES = List.of(RouteConfig.of("a.example", "poolA"),
            RouteConfig.of("*.b.example", "poolB"));

    private Balor start(ListenerConfig listener, List<PoolConfig> pools, BalorOptions options) {
        return resources.track(Balor.start(new BalorConfig(List.of(listener), pools), options));
    }

    private static ListenerConfig passthrough(String defaultPool) {
        return ListenerConfig.tcp("l4", "127.0.0.1:0", defaultPool).withTls(TlsConfig.passthrough())
                .withHttp(HttpSettings.DEFAULT.withRoutes(ROUTES));
    }

    private static ListenerStats stats(Balor balor) {
        return balor.listenerStats().stream().filter(s -> s.name().equals("l4")).findFirst().orElseThrow();
    }

    // ---- B1: passthrough

    @Test
    void passthroughRoutesBySniAndTheUpstreamsOwnCertificateReachesTheClient() throws Exception {
        TestPki.Leaf leafA = ca.issue("a.example");
        TestPki.Leaf leafB = ca.issue("x.b.example");
        TestPki.Leaf leafDefault = ca.issue("default.example");
        TlsLineServer a = resources.track(new TlsLineServer("A", leafA));
        TlsLineServer b = resources.track(new TlsLineServer("B", leafB));
        TlsLineServer fallback = resources.track(new TlsLineServer("D", leafDefault));
        Balor balor = start(passthrough("fallback"), List.of(PoolConfig.of("poolA", UpstreamConfig.of(a.address())),
                PoolConfig.of("poolB", UpstreamConfig.of(b.address())),
                PoolConfig.of("fallback", UpstreamConfig.of(fallback.address()))), BalorOptions.defaults().withLoops(2));
        InetSocketAddress at = balor.boundAddress("l4");

        record Case(String sni, String answer, TestPki.Leaf leaf) {
        }
        for (Case c : List.of(new Case("a.example", "A", leafA), new Case("x.b.example", "B", leafB),
                new Case("X.B.Example", "B", leafB), new Case("deep.x.b.example", "B", leafB),
                new Case("b.example", "D", leafDefault), new Case("unknown.example", "D", leafDefault),
                new Case(null, "D", leafDefault))) {
            try (SSLSocket socket = tls(at, c.sni())) {
                assertEquals(c.leaf().certificate(), socket.getSession().getPeerCertificates()[0],
                        c.sni() + ": the upstream's own certificate");
                assertEquals(c.answer() + " alpn=", readLine(socket.getInputStream()), String.valueOf(c.sni()));
            }
        }
        assertEquals(List.of("a.example"), a.serverNames(), "the ClientHello arrived with its SNI");
        assertEquals(List.of("x.b.example", "X.B.Example", "deep.x.b.example"), b.serverNames(),
                "the ClientHello is forwarded as sent (case kept)");
    }

    @Test
    void opensslThroughPassthroughVerifiesTheUpstreamsCertificate() throws Exception {
        TlsLineServer a = resources.track(new TlsLineServer("A", ca.issue("a.example")));
        Balor balor = start(passthrough(null), List.of(PoolConfig.of("poolA", UpstreamConfig.of(a.address())),
                PoolConfig.of("poolB", UpstreamConfig.of(a.address()))), BalorOptions.defaults().withLoops(1));
        Path bundle = dir.resolve("ca.pem");
        ca.writeCaBundle(bundle);

        String out = run("openssl", "s_client", "-connect", "127.0.0.1:" + balor.boundAddress("l4").getPort(),
                "-servername", "a.example", "-verify_hostname", "a.example", "-CAfile", bundle.toString(),
                "-verify_return_error", "-brief", "-ign_eof");

        assertTrue(out.contains("Verification: OK"), out);
        assertTrue(out.contains("A alpn="), out);
    }

    @Test
    void aNameWithoutARouteAndNoDefaultPoolClosesTheConnectionWithoutAByte() throws Exception {
        TlsLineServer a = resources.track(new TlsLineServer("A", ca.issue("a.example")));
        Balor balor = start(passthrough(null), List.of(PoolConfig.of("poolA", UpstreamConfig.of(a.address())),
                PoolConfig.of("poolB", UpstreamConfig.of(a.address()))), BalorOptions.defaults().withLoops(1));

        for (String name : new String[] {"unknown.example", null}) {
            try (Socket socket = Clients.connect(balor.boundAddress("l4"))) {
                socket.getOutputStream().write(clientHello(name));
                assertEquals(-1, socket.getInputStream().read(), "closed, nothing sent: " + name);
            }
        }
        assertEquals(0, a.accepted());
        assertEquals(2, stats(balor).unavailable());
    }

    @Test
    void aClientThatDoesNotSpeakTlsIsClosed() throws Exception {
        TlsLineServer a = resources.track(new TlsLineServer("A", ca.issue("a.example")));
        Balor balor = start(passthrough("poolA"), List.of(PoolConfig.of("poolA", UpstreamConfig.of(a.address())),
                PoolConfig.of("poolB", UpstreamConfig.of(a.address()))), BalorOptions.defaults().withLoops(1));

        try (Socket socket = Clients.connect(balor.boundAddress("l4"))) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: a.example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(-1, socket.getInputStream().read());
        }
        assertEquals(0, a.accepted(), "nothing reaches the default pool either");
        Await.until("the session ends", () -> balor.sessions().isEmpty());
    }

    @Test
    void halfAClientHelloIsClosedAtTheHelloTimeoutAndNotBefore() throws Exception {
        ManualTicker ticker = new ManualTicker();
        TlsLineServer a = resources.track(new TlsLineServer("A", ca.issue("a.example")));
        Balor balor = start(passthrough("poolA"), List.of(PoolConfig.of("poolA", UpstreamConfig.of(a.address())),
                PoolConfig.of("poolB", UpstreamConfig.of(a.address()))),
                BalorOptions.defaults().withLoops(1).withTicker(ticker));
        byte[] hello = clientHello("a.example");

        try (Socket socket = Clients.connect(balor.boundAddress("l4"))) {
            socket.getOutputStream().write(hello, 0, hello.length / 2);
            Await.until("the half hello is read", () -> balor.sessions().size() == 1
                    && balor.sessions().get(0).bytesFromClient() == hello.length / 2);
            ticker.advance(Duration.ofMillis(9_900));
            assertEquals(1, balor.sessions().size(), "still waiting for the rest of the hello");
            assertEquals(0, a.accepted());
            ticker.advance(Duration.ofMillis(200));
            // Each call wakes the loop; one woken mid-iteration still holds the time it read
            // before the advance (and would sleep on it), so wake it until it has seen the time.
            Await.until("the session ends at the hello timeout", () -> balor.sessions().isEmpty());
            assertEquals(-1, socket.getInputStream().read(), "closed at the hello timeout");
        }
        assertEquals(0, a.accepted());
    }

    @Test
    void aHelloCompletedBeforeTheTimeoutIsForwardedByteForByteAndOutlivesIt() throws Exception {
        ManualTicker ticker = new ManualTicker();
        byte[] hello = clientHello("a.example");
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        TestServer upstream = resources.track(new TestServer(socket -> {
            received.complete(socket.getInputStream().readNBytes(hello.length));
            socket.getOutputStream().write("thanks".getBytes(StandardCharsets.US_ASCII));
            socket.getInputStream().read();   // until the client goes
            socket.close();
        }));
        Balor balor = start(passthrough(null), List.of(PoolConfig.of("poolA", UpstreamConfig.of(upstream.address())),
                PoolConfig.of("poolB", UpstreamConfig.of(upstream.address()))),
                BalorOptions.defaults().withLoops(1).withTicker(ticker));

        try (Socket socket = Clients.connect(balor.boundAddress("l4"));
             Socket sentinel = Clients.connect(balor.boundAddress("l4"))) {
            socket.getOutputStream().write(hello, 0, 7);   // the record header and a little
            sentinel.getOutputStream().write(hello, 0, 7);   // never more: its hello timer must fire
            Await.until("the start of both hellos is read", () -> balor.sessions().size() == 2
                    && balor.sessions().stream().allMatch(s -> s.bytesFromClient() == 7));
            ticker.advance(Duration.ofSeconds(9));
            socket.getOutputStream().write(hello, 7, hello.length - 7);
            assertArrayEquals(hello, received.get(10, TimeUnit.SECONDS), "the ClientHello is forwarded untouched");
            ticker.advance(Duration.ofSeconds(5));
            // The sentinel's timer was due with the first one's: once it has closed, the loop has
            // seen the time at which the first one's would have fired had it not been cancelled.
            Await.until("the sentinel is closed at its hello timeout", () -> balor.sessions().size() == 1);
            assertEquals(-1, sentinel.getInputStream().read());
            assertEquals("thanks", new String(socket.getInputStream().readNBytes(6), StandardCharsets.US_ASCII),
                    "the hello timer was cancelled once the hello was in");
            assertEquals(1, balor.sessions().size());
            assertEquals(1, upstream.accepted());
        }
    }

    @Test
    void aClientHelloSplitOverTwoRecordsIsRoutedByItsNameAndForwardedAsSent() throws Exception {
        byte[] hello = splitIntoTwoRecords(clientHello("x.b.example"));
        CompletableFuture<byte[]> atB = new CompletableFuture<>();
        TestServer a = resources.track(new TestServer(socket -> socket.close()));
        TestServer b = resources.track(new TestServer(socket -> {
            atB.complete(socket.getInputStream().readNBytes(hello.length));
            socket.close();
        }));
        Balor balor = start(passthrough(null), List.of(PoolConfig.of("poolA", UpstreamConfig.of(a.address())),
                PoolConfig.of("poolB", UpstreamConfig.of(b.address()))), BalorOptions.defaults().withLoops(1));

        try (Socket socket = Clients.connect(balor.boundAddress("l4"))) {
            for (byte one : hello) {
                socket.getOutputStream().write(one);   // and byte by byte, as slowly as the socket goes
            }
            assertArrayEquals(hello, atB.get(10, TimeUnit.SECONDS));
        }
        assertEquals(0, a.accepted());
    }

    /** The same handshake message in two handshake records (RFC 8446 §5.1 allows the split). */
    private static byte[] splitIntoTwoRecords(byte[] record) {
        int length = record.length - 5;
        int first = length / 2;
        ByteBuffer out = ByteBuffer.allocate(record.length + 5);
        out.put(record[0]).put(record[1]).put(record[2]).putShort((short) first).put(record, 5, first);
        out.put(record[0]).put(record[1]).put(record[2]).putShort((short) (length - first)).put(record, 5 + first, length - first);
        return out.array();
    }

    @Test
    void aRefusedUpstreamFailsOverAndTheHelloStillGoesFirst() throws Exception {
        TestPki.Leaf leaf = ca.issue("a.example");
        TlsLineServer a = resources.track(new TlsLineServer("A", leaf));
        Balor balor = start(passthrough(null), List.of(
                PoolConfig.of("poolA", UpstreamConfig.of(TestServer.refusingAddress()), UpstreamConfig.of(a.address())),
                PoolConfig.of("poolB", UpstreamConfig.of(a.address()))), BalorOptions.defaults().withLoops(1));

        for (int i = 0; i < 4; i++) {
            try (SSLSocket socket = tls(balor.boundAddress("l4"), "a.example")) {
                assertEquals(leaf.certificate(), socket.getSession().getPeerCertificates()[0]);
                assertEquals("A alpn=", readLine(socket.getInputStream()));
            }
        }
        assertEquals(2, stats(balor).connectFailures(), "round robin picked the refusing upstream every other time");
    }

    @Test
    void h2IsNegotiatedEndToEndThroughPassthrough() throws Exception {
        TestPki.Leaf leaf = ca.issue("a.example");
        TlsLineServer a = resources.track(new TlsLineServer("A", leaf, "h2"));
        Balor balor = start(passthrough(null), List.of(PoolConfig.of("poolA", UpstreamConfig.of(a.address())),
                PoolConfig.of("poolB", UpstreamConfig.of(a.address()))), BalorOptions.defaults().withLoops(1));

        try (SSLSocket socket = tls(balor.boundAddress("l4"), "a.example", "h2", "http/1.1")) {
            assertEquals("h2", socket.getApplicationProtocol());
            assertEquals("A alpn=h2", readLine(socket.getInputStream()), "the upstream negotiated h2 itself");
        }
    }

    // ---- B2: termination to a plain upstream

    private String[] certificate(String file, String... names) {
        TestPki.Leaf leaf = ca.issue(names);
        leaf.writeCert(dir.resolve(file + ".pem"), true);
        leaf.writeKey(dir.resolve(file + ".key"), TestPki.KeyFormat.PKCS8);
        return new String[] {dir.resolve(file + ".pem").toString(), dir.resolve(file + ".key").toString()};
    }

    private Balor terminating(String upstream) {
        String[] cert = certificate("app", "app.example");
        return start(ListenerConfig.tcp("l4", "127.0.0.1:0", "app").withTls(TlsConfig.terminate(cert[0], cert[1])),
                List.of(PoolConfig.of("app", UpstreamConfig.of(upstream))), BalorOptions.defaults().withLoops(2));
    }

    @Test
    void terminationCarriesAMebibyteEachWayToAPlainEchoUpstream() throws Exception {
        TestServer echo = resources.track(TestServer.echo());
        Balor balor = terminating(echo.address());
        byte[] data = new byte[1024 * 1024];
        new Random(7).nextBytes(data);

        try (SSLSocket socket = tls(balor.boundAddress("l4"), "app.example", "h2", "http/1.1")) {
            assertEquals("", socket.getApplicationProtocol(), "no ALPN on TCP termination");
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    for (int off = 0; off < data.length; off += 10_000) {
                        out.write(data, off, Math.min(10_000, data.length - off));
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            byte[] back = socket.getInputStream().readNBytes(data.length);
            writer.get(20, TimeUnit.SECONDS);
            assertEquals(sha256(data), sha256(back));
        }
        assertEquals(1, echo.accepted());
    }

    @Test
    void aTls13HalfCloseReachesTheUpstreamAsEndOfStreamAndItsAnswerStillArrives() throws Exception {
        TestServer counter = resources.track(countingUpstream());
        Balor balor = terminating(counter.address());
        byte[] data = new byte[100_000];
        new Random(3).nextBytes(data);

        try (SSLSocket socket = tls(balor.boundAddress("l4"), "app.example")) {
            assertEquals("TLSv1.3", socket.getSession().getProtocol());
            socket.getOutputStream().write(data);
            socket.shutdownOutput();   // close_notify, then FIN: TLS 1.3 half-close
            String answer = Clients.readToEnd(socket.getInputStream());
            assertEquals("got " + data.length + " " + sha256(data), answer,
                    "the upstream saw end of stream after every byte, and its answer came back after it");
        }
    }

    @Test
    void aTls12CloseNotifyClosesBothDirections() throws Exception {
        TestServer counter = resources.track(countingUpstream());
        Balor balor = terminating(counter.address());

        try (SSLSocket old = tls12(balor.boundAddress("l4"), "app.example")) {
            assertEquals("TLSv1.2", old.getSession().getProtocol());
            old.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            old.shutdownOutput();
            // RFC 5246 §7.2.1: TLS 1.2 has no half-close; the receiver of a close_notify answers
            // with its own and discards pending writes, so the upstream's later answer is lost.
            assertEquals("", readOrReset(old.getInputStream()));
        }
        Await.until("the session ends", () -> balor.sessions().isEmpty());
    }

    // ---- B3: termination routed by SNI, a certificate per host

    @Test
    void terminationRoutesBySniWithACertificatePerHost() throws Exception {
        TestServer a = resources.track(TestServer.named("A"));
        TestServer b = resources.track(TestServer.named("B"));
        TestServer other = resources.track(TestServer.named("D"));
        String[] own = certificate("default", "default.example");
        String[] certA = certificate("a", "a.example");
        String[] certB = certificate("b", "*.b.example");
        Balor balor = start(ListenerConfig.tcp("l4", "127.0.0.1:0", "fallback")
                        .withTls(TlsConfig.terminate(own[0], own[1]))
                        .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(
                                RouteConfig.of("a.example", "poolA").withTls(new CertificateConfig(certA[0], certA[1])),
                                RouteConfig.of("*.b.example", "poolB").withTls(new CertificateConfig(certB[0], certB[1]))))),
                List.of(PoolConfig.of("poolA", UpstreamConfig.of(a.address())),
                        PoolConfig.of("poolB", UpstreamConfig.of(b.address())),
                        PoolConfig.of("fallback", UpstreamConfig.of(other.address()))),
                BalorOptions.defaults().withLoops(2));

        record Case(String sni, String answer, String certificateName) {
        }
        for (Case c : List.of(new Case("a.example", "A", "a.example"), new Case("x.b.example", "B", "*.b.example"),
                new Case("unknown.example", "D", "default.example"), new Case(null, "D", "default.example"))) {
            try (SSLSocket socket = tls(balor.boundAddress("l4"), c.sni(), "h2")) {
                X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
                assertEquals("CN=" + c.certificateName(), served.getSubjectX500Principal().getName(), String.valueOf(c.sni()));
                assertEquals("", socket.getApplicationProtocol());
                assertEquals(c.answer(), Clients.readToEnd(socket.getInputStream()), String.valueOf(c.sni()));
            }
        }
        assertEquals(1, a.accepted());
        assertEquals(1, b.accepted());
        assertEquals(2, other.accepted());
    }

    @Test
    void withCertificatesOnRoutesOnlyAnUnknownNameIsRefusedInTheHandshake() throws Exception {
        TestServer a = resources.track(TestServer.named("A"));
        String[] certA = certificate("a", "a.example");
        Balor balor = start(ListenerConfig.tcp("l4", "127.0.0.1:0", null)
                        .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(
                                RouteConfig.of("a.example", "poolA").withTls(new CertificateConfig(certA[0], certA[1]))))),
                List.of(PoolConfig.of("poolA", UpstreamConfig.of(a.address()))), BalorOptions.defaults().withLoops(1));

        try (SSLSocket socket = tls(balor.boundAddress("l4"), "a.example")) {
            assertEquals("A", Clients.readToEnd(socket.getInputStream()));
        }
        javax.net.ssl.SSLHandshakeException refused = org.junit.jupiter.api.Assertions.assertThrows(
                javax.net.ssl.SSLHandshakeException.class, () -> tls(balor.boundAddress("l4"), "other.example").close());
        assertTrue(String.valueOf(refused.getMessage()).contains("unrecognized_name"), refused.toString());
        assertEquals(1, a.accepted());
    }

    @Test
    void terminationWithoutADefaultPoolClosesAnUnroutedNameAfterTheHandshake() throws Exception {
        TestServer a = resources.track(TestServer.named("A"));
        String[] own = certificate("default", "default.example");
        Balor balor = start(ListenerConfig.tcp("l4", "127.0.0.1:0", null).withTls(TlsConfig.terminate(own[0], own[1]))
                        .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(RouteConfig.of("a.example", "poolA")))),
                List.of(PoolConfig.of("poolA", UpstreamConfig.of(a.address()))), BalorOptions.defaults().withLoops(1));

        try (SSLSocket socket = tls(balor.boundAddress("l4"), "other.example")) {
            assertEquals("", readOrReset(socket.getInputStream()), "no pool: closed with nothing sent");
        }
        try (SSLSocket socket = tls(balor.boundAddress("l4"), "a.example")) {
            assertEquals("A", Clients.readToEnd(socket.getInputStream()));
        }
        assertEquals(1, a.accepted());
        assertEquals(1, stats(balor).unavailable());
    }

    // ---- helpers

    /** Reads everything until EOF, then answers {@code got N sha256} and closes. */
    private static TestServer countingUpstream() throws IOException {
        return new TestServer(socket -> {
            try (socket) {
                byte[] all = socket.getInputStream().readAllBytes();
                socket.getOutputStream().write(("got " + all.length + " " + sha256(all)).getBytes(StandardCharsets.US_ASCII));
            }
        });
    }

    private static String readOrReset(InputStream in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            in.transferTo(out);
        } catch (IOException e) {
            // a reset or an alert: the answer is what came before it
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    private SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.certificate());
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A TLS client trusting the test CA, with {@code sni} (none when null) and ALPN offers; handshaken. */
    private SSLSocket tls(InetSocketAddress at, String sni, String... alpn) throws IOException {
        return handshake(at, sni, null, alpn);
    }

    private SSLSocket tls12(InetSocketAddress at, String sni) throws IOException {
        return handshake(at, sni, "TLSv1.2");
    }

    private SSLSocket handshake(InetSocketAddress at, String sni, String protocol, String... alpn) throws IOException {
        Socket plain = Clients.connect(at);
        SSLSocket socket = (SSLSocket) clientContext().getSocketFactory().createSocket(plain, "127.0.0.1", at.getPort(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        if (alpn.length > 0) {
            parameters.setApplicationProtocols(alpn);
        }
        if (protocol != null) {
            parameters.setProtocols(new String[] {protocol});
        }
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    /** The bytes of a real ClientHello (JDK client engine) with {@code sni}, or none when null. */
    private byte[] clientHello(String sni) throws IOException {
        SSLEngine engine = clientContext().createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        return Arrays.copyOf(out.array(), out.position());
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.append((char) b);
        }
        return line.toString();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command with its stdin closed; its output (stdout and stderr), within 20 s. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 20 s");
        }
        return output.join();
    }

    /**
     * A TLS upstream for passthrough: a blocking {@link SSLServerSocket} with its own
     * certificate (and ALPN protocols, if given) on 127.0.0.1. Per connection: the handshake,
     * then one line {@code NAME alpn=PROTOCOL}, then close_notify and close.
     */
    static final class TlsLineServer implements AutoCloseable {
        private final String name;
        private final SSLServerSocket server;
        private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "tls-upstream");
            thread.setDaemon(true);
            return thread;
        });
        private final List<String> serverNames = new CopyOnWriteArrayList<>();
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final AtomicInteger accepted = new AtomicInteger();

        TlsLineServer(String name, TestPki.Leaf leaf, String... alpn) throws IOException {
            this.name = name;
            SSLContext context = HttpsUpstream.serverContext(leaf.chain().toArray(new X509Certificate[0]),
                    leaf.keyPair().getPrivate(), serverNames::add);
            server = (SSLServerSocket) context.getServerSocketFactory()
                    .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            if (alpn.length > 0) {
                SSLParameters parameters = server.getSSLParameters();
                parameters.setApplicationProtocols(alpn);
                server.setSSLParameters(parameters);
            }
            threads.execute(this::acceptLoop);
        }

        String address() {
            return "127.0.0.1:" + server.getLocalPort();
        }

        int accepted() {
            return accepted.get();
        }

        /** The SNI of each full handshake, as the upstream received it. */
        List<String> serverNames() {
            return serverNames.stream().filter(n -> !n.isEmpty()).toList();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                SSLSocket socket;
                try {
                    socket = (SSLSocket) server.accept();
                } catch (IOException e) {
                    return;
                }
                accepted.incrementAndGet();
                sockets.add(socket);
                threads.execute(() -> serve(socket));
            }
        }

        private void serve(SSLSocket socket) {
            try (socket) {
                socket.setSoTimeout(20_000);
                socket.startHandshake();
                String line = name + " alpn=" + socket.getApplicationProtocol() + "\n";
                socket.getOutputStream().write(line.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            } catch (IOException e) {
                // the client went away
            } finally {
                sockets.remove(socket);
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
            threads.shutdownNow();
        }
    }
}
