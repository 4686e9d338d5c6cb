package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.CertificateConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.StickyConfig;
import io.balor.config.TlsConfig;
import io.balor.config.UpstreamConfig;
import io.balor.time.ManualTicker;
import io.balor.tls.TestPki;
import io.balor.tls.TestPki.KeyFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A TLS-terminating HTTP listener end to end: protocol versions, cipher suites and ALPN as openssl
 * and curl see them, session resumption, the handshake timeout (on a manual ticker), and HTTP
 * through TLS (forwarded headers, Secure cookies, 64 MiB bodies, pipelining, clients that leave).
 * Certificate selection and reload: {@link TlsCertificatesTest}.
 */
class TlsTerminationTest {

    private static final int BIG = 64 * 1024 * 1024;
    private static final String REQUEST = "GET /hello HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n";

    private final TestResources resources = new TestResources();
    @TempDir Path dir;
    private TestPki ca;
    private Path caFile;
    private CertificateConfig certificate;
    private HttpUpstream app;

    @BeforeEach
    void pki() throws Exception {
        ca = TestPki.ca("Balor Test CA");
        caFile = dir.resolve("ca.pem");
        ca.writeCaBundle(caFile);
        // 127.0.0.1 too: java.net.http cannot be pointed at a.example, and sends no SNI to an address
        certificate = TlsClients.files(dir, "a", ca.leaf("a.example", "127.0.0.1").commonName("cert-a").issue(),
                KeyFormat.PKCS8);
        app = resources.track(new HttpUpstream("app"));
    }

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private Balor start(BalorOptions options, ListenerConfig... listeners) {
        return resources.track(Balor.start(new BalorConfig(List.of(listeners),
                List.of(PoolConfig.of("app", UpstreamConfig.of(app.address())))), options));
    }

    private ListenerConfig tls(String name) {
        return ListenerConfig.http(name, "127.0.0.1:0", "app").withTls(new TlsConfig(TlsConfig.Mode.TERMINATE,
                certificate, null));
    }

    private int port(Balor balor) {
        return balor.boundAddress("web").getPort();
    }

    private TlsClients.Run sClient(int port, String input, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-servername", "a.example", "-CAfile", caFile.toString()));
        all.addAll(List.of(args));
        return TlsClients.sClient(dir, port, input, all.toArray(String[]::new));
    }

    // ---- protocol versions, suites, ALPN

    @Test
    void tls12And13AreAcceptedWithAeadSuitesOnly() throws Exception {
        int port = port(start(BalorOptions.defaults().withLoops(1), tls("web")));
        TlsClients.Run v13 = sClient(port, null, "-tls1_3");
        assertTrue(v13.has("New, TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256"), v13.toString());
        assertTrue(v13.has("Verify return code: 0 (ok)"), v13.toString());
        TlsClients.Run v12 = sClient(port, null, "-tls1_2");
        assertTrue(v12.has("New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256"), v12.toString());
        TlsClients.Run chacha = sClient(port, null, "-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305");
        assertTrue(chacha.has("New, TLSv1.2, Cipher is ECDHE-ECDSA-CHACHA20-POLY1305"), chacha.toString());
        TlsClients.Run cbc = sClient(port, null, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA");
        assertNotEquals(0, cbc.exit(), cbc.toString());
        assertTrue(cbc.has("New, (NONE), Cipher is (NONE)") && cbc.has("handshake failure"), cbc.toString());
    }

    @Test
    void tls10And11AreRefused() throws Exception {
        int port = port(start(BalorOptions.defaults().withLoops(1), tls("web")));
        String[][] old = {{"-tls1", "0301"}, {"-tls1_1", "0302"}};
        for (String[] version : old) {
            // OpenSSL 3 needs security level 0 to offer these at all: check that it really does.
            String offered = offeredVersion(version[0], "-cipher", "DEFAULT@SECLEVEL=0");
            Assumptions.assumeTrue(version[1].equals(offered), "this openssl cannot offer " + version[0]
                    + " (its ClientHello says " + offered + ")");
            TlsClients.Run run = sClient(port, null, version[0], "-cipher", "DEFAULT@SECLEVEL=0");
            assertNotEquals(0, run.exit(), run.toString());
            assertTrue(run.has("New, (NONE), Cipher is (NONE)"), run.toString());
            assertTrue(run.has("protocol version"), "a protocol_version alert: " + run);
        }
        assertTrue(sClient(port, null, "-tls1_2", "-cipher", "DEFAULT@SECLEVEL=0").has("New, TLSv1.2"));
    }

    /** The legacy version in the ClientHello {@code openssl s_client args} sends (hex), or what it sent instead. */
    private String offeredVersion(String... args) throws Exception {
        byte[] start = TlsClients.helloStart(args);
        return start.length < 11 || start[0] != 0x16 || start[5] != 1 ? "no ClientHello"
                : HexFormat.of().formatHex(start, 9, 11);
    }

    @Test
    void alpnPicksHttp2FirstAndJdkAndCurlSpeakIt() throws Exception {
        int port = port(start(BalorOptions.defaults().withLoops(1), tls("web")));
        String resolve = "a.example:" + port + ":127.0.0.1";
        TlsClients.Run verbose = TlsClients.curl(dir, "-v", "-o", "/dev/null", "--cacert", caFile.toString(),
                "--resolve", resolve, "https://a.example:" + port + "/alpn");
        assertTrue(verbose.has("ALPN: server accepted h2"), verbose.toString());
        TlsClients.Run curl = TlsClients.curl(dir, "--cacert", caFile.toString(), "-w", "[%{http_version} %{num_connects}]",
                "--resolve", resolve, "https://a.example:" + port + "/alpn", "https://a.example:" + port + "/again");
        assertEquals("app GET /alpn 0[2 1]app GET /again 0[2 0]", curl.output(), curl.toString());
        assertTrue(sClient(port, null, "-alpn", "http/1.1").has("ALPN protocol: http/1.1"), "HTTP/1.1 when only it is offered");

        HttpClient client = HttpClient.newBuilder().sslContext(TlsClients.trusting(caFile))
                .version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                + "/jdk")).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, response.version());
        assertEquals("app GET /jdk 0", response.body());
        HttpResponse<String> posted = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                + "/jdk-post")).timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("app POST /jdk-post 100000", posted.body());
    }

    @Test
    void withHttp2OffAlpnPicksHttp11AndIgnoresAnOfferOfH2Alone() throws Exception {
        int port = port(start(BalorOptions.defaults().withLoops(1), tls("web").withHttp(HttpSettings.DEFAULT.withHttp2(false))));
        String resolve = "a.example:" + port + ":127.0.0.1";
        TlsClients.Run verbose = TlsClients.curl(dir, "-v", "-o", "/dev/null", "--cacert", caFile.toString(),
                "--resolve", resolve, "https://a.example:" + port + "/alpn");
        assertTrue(verbose.has("ALPN: offers h2,http/1.1") && verbose.has("ALPN: server accepted http/1.1"),
                verbose.toString());
        // Two requests on one connection (num_connects 0 for the second): HTTP/1.1 both times.
        TlsClients.Run curl = TlsClients.curl(dir, "--cacert", caFile.toString(), "-w", "[%{http_version} %{num_connects}]",
                "--resolve", resolve, "https://a.example:" + port + "/alpn", "https://a.example:" + port + "/again");
        assertEquals("app GET /alpn 0[1.1 1]app GET /again 0[1.1 0]", curl.output(), curl.toString());

        TlsClients.Run http11 = sClient(port, null, "-alpn", "http/1.1");
        assertTrue(http11.has("ALPN protocol: http/1.1"), http11.toString());
        // Only h2 offered: Balor answers without ALPN (as nginx and HAProxy do) rather than with a
        // no_application_protocol alert; the client then decides. One that sends HTTP/1.1 anyway is served.
        TlsClients.Run h2 = sClient(port, REQUEST, "-alpn", "h2", "-ign_eof");
        assertTrue(h2.has("New, TLSv1.3") && h2.has("No ALPN negotiated"), h2.toString());
        assertTrue(h2.has("HTTP/1.1 200 OK") && h2.has("app GET /hello 0"), h2.toString());
        // One that speaks HTTP/2 regardless gets an HTTP/1.1 505 and the connection closed, not a hang.
        TlsClients.Run preface = sClient(port, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "-alpn", "h2", "-ign_eof");
        assertTrue(preface.has("HTTP/1.1 505 HTTP Version Not Supported"), preface.toString());
        assertEquals(0, app.seen().stream().filter(s -> s.method().equals("PRI")).count());

        // java.net.http prefers HTTP/2 and settles for HTTP/1.1.
        HttpClient client = HttpClient.newBuilder().sslContext(TlsClients.trusting(caFile))
                .version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                + "/jdk")).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_1_1, response.version());
        assertEquals("app GET /jdk 0", response.body());
    }

    @Test
    void keyUpdatesAreFollowedAndRenegotiationIsRefused() throws Exception {
        int port = port(start(BalorOptions.defaults().withLoops(1), tls("web")));
        // TLS 1.3: 'K' sends a KeyUpdate asking Balor to update its keys too (RFC 8446 §4.6.3).
        try (TlsClients.Interactive client = new TlsClients.Interactive(dir, List.of("openssl", "s_client",
                "-connect", "127.0.0.1:" + port, "-servername", "a.example", "-tls1_3"))) {
            client.send("GET /1 HTTP/1.1\r\nHost: a.example\r\n\r\n");
            client.await("app GET /1 0", 1);
            for (int i = 2; i <= 4; i++) {
                client.send("K\n");
                client.await("KEYUPDATE", i - 1);
                client.send("GET /" + i + " HTTP/1.1\r\nHost: a.example\r\n\r\n");
                client.await("app GET /" + i + " 0", 1);
            }
        }
        // TLS 1.2: 'R' asks for a renegotiation, which Balor refuses (as nginx and HAProxy do) by
        // closing the connection; the listener goes on serving.
        try (TlsClients.Interactive client = new TlsClients.Interactive(dir, List.of("openssl", "s_client",
                "-connect", "127.0.0.1:" + port, "-servername", "a.example", "-tls1_2"))) {
            client.send("GET /5 HTTP/1.1\r\nHost: a.example\r\n\r\n");
            client.await("app GET /5 0", 1);
            client.send("R\n");
            client.await("RENEGOTIATING", 1);
            client.awaitEnd();
            assertEquals(1, TlsClients.Interactive.count(client.output(), "depth=0 CN = cert-a"), "no second handshake:\n" + client.output());
        }
        try (TlsClients.Interactive client = new TlsClients.Interactive(dir, List.of("openssl", "s_client",
                "-connect", "127.0.0.1:" + port, "-servername", "a.example", "-tls1_2"))) {
            client.send("GET /6 HTTP/1.1\r\nHost: a.example\r\n\r\n");
            client.await("app GET /6 0", 1);
        }
    }

    // ---- session resumption

    @Test
    void sessionsAreResumedWithTls12AndTls13ButNotAcrossACertificateReload() throws Exception {
        Balor balor = start(BalorOptions.defaults().withLoops(2), tls("web"));
        int port = port(balor);
        Path session12 = dir.resolve("s12.pem");
        TlsClients.Run first12 = sClient(port, null, "-tls1_2", "-sess_out", session12.toString());
        assertTrue(first12.has("New, TLSv1.2"), first12.toString());
        TlsClients.Run again12 = sClient(port, null, "-tls1_2", "-sess_in", session12.toString());
        assertTrue(again12.has("Reused, TLSv1.2"), again12.toString());

        // TLS 1.3 tickets come after the handshake: s_client must read some data to get one.
        Path session13 = dir.resolve("s13.pem");
        TlsClients.Run first13 = sClient(port, REQUEST, "-tls1_3", "-ign_eof", "-sess_out", session13.toString());
        assertTrue(first13.has("New, TLSv1.3") && first13.has("app GET /hello 0"), first13.toString());
        TlsClients.Run again13 = sClient(port, REQUEST, "-tls1_3", "-ign_eof", "-sess_in", session13.toString());
        assertTrue(again13.has("Reused, TLSv1.3") && again13.has("app GET /hello 0"), again13.toString());

        // A ticket from before a reload does not bring the old certificate back.
        TestPki.Leaf next = ca.leaf("a.example", "127.0.0.1").commonName("cert-a2").issue();
        next.writeCert(Path.of(certificate.certFile()), true);
        next.writeKey(Path.of(certificate.keyFile()), KeyFormat.PKCS8);
        balor.reloadCertificates();
        TlsClients.Run after12 = sClient(port, null, "-tls1_2", "-sess_in", session12.toString());
        assertTrue(after12.has("New, TLSv1.2") && after12.has("subject=CN = cert-a2"), after12.toString());
        TlsClients.Run after13 = sClient(port, REQUEST, "-tls1_3", "-ign_eof", "-sess_in", session13.toString());
        assertTrue(after13.has("New, TLSv1.3") && after13.has("subject=CN = cert-a2"), after13.toString());
    }

    // ---- handshake timeout

    @Test
    void aClientThatDoesNotFinishItsHandshakeIsClosedAfterTheDefaultTimeout() throws Exception {
        ManualTicker ticker = new ManualTicker();
        Balor balor = start(BalorOptions.defaults().withLoops(1).withTicker(ticker), tls("web"));
        InetSocketAddress web = balor.boundAddress("web");
        try (Socket silent = Clients.connect(web); Socket half = Clients.connect(web);
             Socket late = Clients.connect(web)) {
            byte[] hello = clientHello();
            half.getOutputStream().write(hello, 0, hello.length / 2);
            Await.until("three connections are accepted", () -> balor.sessions().size() == 3);
            assertTrue(balor.listenerStats().stream().anyMatch(s -> s.accepted() == 3));

            pass(balor, ticker, Duration.ofSeconds(9));
            assertEquals(3, balor.sessions().size(), "nobody is closed before 10 s");
            // Within the timeout a handshake can still finish, and then the timer no longer applies.
            // (The client is done when it has sent its Finished, Balor when it has read it: a
            // request answered shows that it has, before time moves on.)
            try (SSLSocket tls = layer(late, "a.example")) {
                TlsClients.send(tls, "GET /first HTTP/1.1\r\nHost: a.example\r\n\r\n");
                assertEquals("app GET /first 0", TlsClients.readResponse(tls.getInputStream()).text());
                pass(balor, ticker, Duration.ofSeconds(2));
                assertEquals(-1, silent.getInputStream().read(), "a silent client is closed after 10 s");
                assertEquals(-1, half.getInputStream().read(), "a client with half a ClientHello is closed too");
                TlsClients.send(tls, REQUEST);
                TlsClients.Response response = TlsClients.readResponse(tls.getInputStream());
                assertEquals("app GET /hello 0", response.text());
            }
            Await.until("the sessions are gone", () -> balor.sessions().isEmpty());
        }
    }

    @Test
    void aConfiguredHandshakeTimeoutApplies() throws Exception {
        ManualTicker ticker = new ManualTicker();
        Balor balor = start(BalorOptions.defaults().withLoops(1).withTicker(ticker), ListenerConfig.http("web",
                "127.0.0.1:0", "app").withTls(new TlsConfig(TlsConfig.Mode.TERMINATE, certificate, Duration.ofSeconds(2))));
        try (Socket silent = Clients.connect(balor.boundAddress("web"))) {
            Await.until("the connection is accepted", () -> balor.sessions().size() == 1);
            pass(balor, ticker, Duration.ofMillis(1500));
            assertEquals(1, balor.sessions().size());
            silent.setSoTimeout(1);
            try {
                silent.getInputStream().read();
                throw new AssertionError("the connection was closed before its 2 s");
            } catch (SocketTimeoutException expected) {
                // still open, nothing sent
            }
            silent.setSoTimeout(20_000);
            pass(balor, ticker, Duration.ofMillis(600));
            assertEquals(-1, silent.getInputStream().read());
        }
    }

    @Test
    void plainHttpOnTheTlsPortIsClosedWithoutAnAnswer() throws Exception {
        Balor balor = start(BalorOptions.defaults().withLoops(1), tls("web"));
        try (Socket socket = Clients.connect(balor.boundAddress("web"))) {
            TlsClients.send(socket, "GET / HTTP/1.1\r\nHost: a.example\r\n\r\n");
            byte[] answer = socket.getInputStream().readAllBytes();
            assertEquals("", new String(answer, StandardCharsets.ISO_8859_1));
        }
        assertEquals(0, app.seen().size());
        Await.until("the session is gone", () -> balor.sessions().isEmpty());
        TlsClients.Run after = sClient(port(balor), REQUEST, "-ign_eof");
        assertTrue(after.has("app GET /hello 0"), after.toString());
    }

    @Test
    void aCorruptRecordEndsOnlyItsConnection() throws Exception {
        Balor balor = start(BalorOptions.defaults().withLoops(1), tls("web"));
        InetSocketAddress web = balor.boundAddress("web");
        try (Socket plain = Clients.connect(web); SSLSocket tls = layer(plain, "a.example");
             SSLSocket bystander = TlsClients.open(web, "a.example", TlsClients.trusting(caFile))) {
            TlsClients.send(tls, "GET /1 HTTP/1.1\r\nHost: a.example\r\n\r\n");
            assertEquals("app GET /1 0", TlsClients.readResponse(tls.getInputStream()).text());
            byte[] forged = new byte[5 + 64];
            new Random(1).nextBytes(forged);
            forged[0] = 23;   // application_data, TLS 1.2 record version, 64 bytes that will not authenticate
            forged[1] = 3;
            forged[2] = 3;
            forged[3] = 0;
            forged[4] = 64;
            plain.getOutputStream().write(forged);
            try {
                int b = tls.getInputStream().read();
                assertEquals(-1, b, "nothing but the end");
            } catch (SSLException alert) {
                assertTrue(alert.getMessage().contains("bad_record_mac"), alert.toString());
            }
            TlsClients.send(bystander, "GET /2 HTTP/1.1\r\nHost: a.example\r\n\r\n");
            assertEquals("app GET /2 0", TlsClients.readResponse(bystander.getInputStream()).text());
        }
        Await.until("the sessions are gone", () -> balor.sessions().isEmpty());
    }

    @Test
    void aTls13HalfCloseStillGetsItsResponse() throws Exception {
        Balor balor = start(BalorOptions.defaults().withLoops(1), tls("web"));
        try (SSLSocket socket = TlsClients.open(balor.boundAddress("web"), "a.example", TlsClients.trusting(caFile))) {
            assertEquals("TLSv1.3", socket.getSession().getProtocol());
            TlsClients.send(socket, "GET /half HTTP/1.1\r\nHost: a.example\r\n\r\n");
            socket.shutdownOutput();   // close_notify: TLS 1.3 closes one direction only (RFC 8446 §6.1)
            assertEquals("app GET /half 0", TlsClients.readResponse(socket.getInputStream()).text());
            assertEquals(-1, socket.getInputStream().read());
        }
        Await.until("the session is gone", () -> balor.sessions().isEmpty());
    }

    /** Moves time on and lets the loop run its timers: a loop task runs after the iteration that saw the time. */
    private static void pass(Balor balor, ManualTicker ticker, Duration step) {
        ticker.advance(step);
        balor.sessions();
        balor.sessions();
    }

    /** A real ClientHello as the JDK sends it for a.example (read off a socket that never answers). */
    private byte[] clientHello() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = Clients.connect((InetSocketAddress) server.getLocalSocketAddress())) {
            server.setSoTimeout(10_000);
            SSLSocket tls = (SSLSocket) TlsClients.trusting(caFile).getSocketFactory().createSocket(client,
                    "a.example", server.getLocalPort(), false);
            tls.setSoTimeout(200);
            Thread writer = new Thread(() -> {
                try {
                    tls.startHandshake();
                } catch (IOException expected) {
                    // the fake server never answers
                }
            });
            writer.start();
            try (Socket accepted = server.accept()) {
                accepted.setSoTimeout(10_000);
                InputStream in = accepted.getInputStream();
                byte[] header = in.readNBytes(5);
                int length = (header[3] & 0xff) << 8 | (header[4] & 0xff);
                byte[] hello = new byte[5 + length];
                System.arraycopy(header, 0, hello, 0, 5);
                assertEquals(length, in.readNBytes(hello, 5, length));
                return hello;
            } finally {
                writer.join(10_000);
            }
        }
    }

    private SSLSocket layer(Socket plain, String serverName) throws Exception {
        SSLSocket tls = (SSLSocket) TlsClients.trusting(caFile).getSocketFactory().createSocket(plain,
                serverName, plain.getPort(), false);
        tls.startHandshake();
        return tls;
    }

    // ---- HTTP through TLS

    @Test
    void theUpstreamSeesHttpsAndTheStickyCookieIsSecure() throws Exception {
        HttpUpstream other = resources.track(new HttpUpstream("other"));
        HttpSettings sticky = HttpSettings.DEFAULT.withSticky(new StickyConfig(StickyConfig.Strategy.COOKIE, null));
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(tls("web").withHttp(sticky),
                ListenerConfig.http("plain", "127.0.0.1:0", "app").withHttp(sticky)),
                List.of(PoolConfig.of("app", UpstreamConfig.of(app.address()), UpstreamConfig.of(other.address())))),
                BalorOptions.defaults().withLoops(2)));
        HttpClient client = HttpClient.newBuilder().sslContext(TlsClients.trusting(caFile))
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> secure = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                + port(balor) + "/s")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, secure.statusCode());
        String cookie = secure.headers().firstValue("set-cookie").orElseThrow();
        assertTrue(cookie.startsWith("BALOR_STICKY=") && cookie.endsWith("; Secure"), cookie);
        HttpResponse<String> plain = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + balor.boundAddress("plain").getPort() + "/p")).build(), HttpResponse.BodyHandlers.ofString());
        String plainCookie = plain.headers().firstValue("set-cookie").orElseThrow();
        assertTrue(!plainCookie.contains("Secure"), plainCookie);

        List<HttpUpstream.Seen> seen = new ArrayList<>(app.seen());
        seen.addAll(other.seen());
        HttpUpstream.Seen s = seen.stream().filter(x -> x.path().equals("/s")).findFirst().orElseThrow();
        HttpUpstream.Seen p = seen.stream().filter(x -> x.path().equals("/p")).findFirst().orElseThrow();
        assertEquals("https", s.header("X-forwarded-proto"));
        assertEquals("127.0.0.1", s.header("X-forwarded-for"));
        assertEquals("http", p.header("X-forwarded-proto"));
    }

    @Test
    void sixtyFourMebibytesUpAndDownIntact() throws Exception {
        TestServer big = resources.track(bigUpstream());
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(tls("web"), tls("big").withPool("big")),
                List.of(PoolConfig.of("app", UpstreamConfig.of(app.address())),
                        PoolConfig.of("big", UpstreamConfig.of(big.address())))), BalorOptions.defaults().withLoops(2)));

        // Up (and echoed back down) with java.net.http.
        byte[] upload = new byte[BIG];
        new Random(7).nextBytes(upload);
        HttpClient client = HttpClient.newBuilder().sslContext(TlsClients.trusting(caFile))
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<InputStream> echoed = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                        + port(balor) + "/echo")).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, echoed.statusCode());
        MessageDigest down = TlsClients.digest();
        long length;
        try (InputStream in = new DigestInputStream(echoed.body(), down)) {
            length = in.transferTo(OutputStream.nullOutputStream());
        }
        assertEquals(BIG, length);
        String sent = TlsClients.sha256(upload);
        assertEquals(sent, TlsClients.sha256(app.seen().get(0).body()), "the upstream got the body intact");
        assertEquals(sent, HexFormat.of().formatHex(down.digest()), "and the client got it back intact");

        // Down with curl, from an upstream that streams it.
        Path file = dir.resolve("big.bin");
        int port = balor.boundAddress("big").getPort();
        TlsClients.Run curl = TlsClients.curl(dir, "--cacert", caFile.toString(), "-o", file.toString(),
                "-w", "%{http_code} %{size_download}", "--resolve", "a.example:" + port + ":127.0.0.1",
                "https://a.example:" + port + "/big/" + BIG);
        assertEquals("200 " + BIG, curl.output(), curl.toString());
        assertEquals(pattern(BIG), TlsClients.sha256(Files.readAllBytes(file)));
    }

    @Test
    void recordsSplitAtEverySizeAreReassembled() throws Exception {
        Balor balor = start(BalorOptions.defaults().withLoops(1), tls("web"));
        SSLContext trust = TlsClients.trusting(caFile);
        for (int chunk : new int[] {1, 2, 3, 5, 7, 13, 100, 1000}) {
            try (TlsClients.ChunkedClient client = new TlsClients.ChunkedClient(balor.boundAddress("web"), "a.example",
                    trust, chunk)) {
                client.write("GET /c" + chunk + " HTTP/1.1\r\nHost: a.example\r\n\r\n"
                        + "POST /d" + chunk + " HTTP/1.1\r\nHost: a.example\r\nContent-Length: 3000\r\n\r\n"
                        + "x".repeat(3000));
                assertEquals("app GET /c" + chunk + " 0", TlsClients.readResponse(client.in()).text());
                assertEquals("app POST /d" + chunk + " 3000", TlsClients.readResponse(client.in()).text());
            }
        }
    }

    @Test
    void aClientHelloInSeveralRecordsIsReadWhole() throws Exception {
        int port = port(start(BalorOptions.defaults().withLoops(1), tls("web")));
        StringBuilder alpn = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            alpn.append("x-protocol-").append(i).append("-with-a-long-name,");
        }
        alpn.append("http/1.1");
        String[] args = {"-servername", "a.example", "-max_send_frag", "512", "-alpn", alpn.toString()};
        byte[] start = TlsClients.helloStart(args);
        int recordLength = (start[3] & 0xff) << 8 | (start[4] & 0xff);
        int helloLength = (start[6] & 0xff) << 16 | (start[7] & 0xff) << 8 | (start[8] & 0xff);
        assertTrue(recordLength <= 512 && helloLength > 3 * 512, "split: record " + recordLength + ", hello " + helloLength);

        TlsClients.Run run = TlsClients.sClient(dir, port, REQUEST, "-servername", "a.example", "-max_send_frag", "512",
                "-alpn", alpn.toString(), "-ign_eof", "-CAfile", caFile.toString());
        assertTrue(run.has("subject=CN = cert-a") && run.has("ALPN protocol: http/1.1"), run.toString());
        assertTrue(run.has("app GET /hello 0"), run.toString());
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
        Balor balor = start(BalorOptions.defaults().withLoops(2), tls("web"));
        SSLContext trust = TlsClients.trusting(caFile);
        try (SSLSocket socket = TlsClients.open(balor.boundAddress("web"), "a.example", trust)) {
            TlsClients.send(socket, "GET /p1 HTTP/1.1\r\nHost: a.example\r\n\r\n"
                    + "POST /p2 HTTP/1.1\r\nHost: a.example\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /p3 HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n");
            InputStream in = socket.getInputStream();
            assertEquals("app GET /p1 0", TlsClients.readResponse(in).text());
            assertEquals("app POST /p2 5", TlsClients.readResponse(in).text());
            assertEquals("app GET /p3 0", TlsClients.readResponse(in).text());
            assertEquals(-1, in.read(), "closed after the third, as it asked");
        }
        assertEquals(List.of("/p1", "/p2", "/p3"), app.seen().stream().map(HttpUpstream.Seen::path).toList());
    }

    @Test
    void aClientThatLeavesMidResponseDoesNotHurtTheListener() throws Exception {
        TestServer big = resources.track(bigUpstream());
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(tls("web").withPool("big")),
                List.of(PoolConfig.of("big", UpstreamConfig.of(big.address())))), BalorOptions.defaults().withLoops(1)));
        SSLContext trust = TlsClients.trusting(caFile);
        InetSocketAddress web = balor.boundAddress("web");
        for (int round = 0; round < 3; round++) {
            try (SSLSocket socket = TlsClients.open(web, "a.example", trust)) {
                TlsClients.send(socket, "GET /big/" + BIG + " HTTP/1.1\r\nHost: a.example\r\n\r\n");
                byte[] some = socket.getInputStream().readNBytes(1 << 20);
                assertEquals(1 << 20, some.length);
            }   // closed with most of the response unread
            try (SSLSocket socket = TlsClients.open(web, "a.example", trust)) {
                TlsClients.send(socket, "GET /big/10 HTTP/1.1\r\nHost: a.example\r\n\r\n");
            }   // closed before any answer
        }
        Await.until("the abandoned sessions end", () -> balor.sessions().isEmpty());
        try (SSLSocket socket = TlsClients.open(web, "a.example", trust)) {
            TlsClients.send(socket, "GET /big/100000 HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n");
            TlsClients.Response response = TlsClients.readResponse(socket.getInputStream());
            assertEquals(pattern(100_000), TlsClients.sha256(response.body()));
        }
    }

    /**
     * An upstream that answers {@code GET /big/N} with N bytes of {@link #pattern}, streamed, on
     * keep-alive connections.
     */
    private static TestServer bigUpstream() throws IOException {
        return new TestServer(socket -> {
            InputStream in = socket.getInputStream();
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            while (true) {
                StringBuilder head = new StringBuilder();
                while (head.indexOf("\r\n\r\n") < 0) {
                    int b = in.read();
                    if (b < 0) {
                        socket.close();
                        return;
                    }
                    head.append((char) b);
                }
                String path = head.substring(head.indexOf(" ") + 1, head.indexOf(" HTTP/"));
                int size = Integer.parseInt(path.substring("/big/".length()));
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                pattern(size, out);
                out.flush();
            }
        });
    }

    /** {@code size} pseudo-random bytes, the same every time. */
    private static void pattern(int size, OutputStream out) throws IOException {
        Random random = new Random(size);
        byte[] chunk = new byte[1 << 16];
        for (int left = size; left > 0; left -= chunk.length) {
            random.nextBytes(chunk);
            out.write(chunk, 0, Math.min(left, chunk.length));
        }
    }

    /** SHA-256 of {@link #pattern(int, OutputStream)}. */
    private static String pattern(int size) throws IOException {
        MessageDigest digest = TlsClients.digest();
        pattern(size, new DigestOutputStream(OutputStream.nullOutputStream(), digest));
        return HexFormat.of().formatHex(digest.digest());
    }
}
