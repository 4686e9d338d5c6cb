package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;
import io.balor.config.UpstreamTlsConfig;
import io.balor.time.ManualTicker;
import io.balor.tls.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP listeners speaking TLS to {@code https://} upstreams, end to end against the JDK's HTTPS
 * server ({@link HttpsUpstream}): verification (CA bundle, JDK trust store, off), the name sent
 * as SNI and verified (client's Host, fixed, upstream address), keep-alive per name, failover
 * and large bodies.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UpstreamTlsTest {

    private static final int LOOPS = 2;

    private final TestResources resources = new TestResources();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private Balor start(PoolConfig pool) {
        return resources.track(Balor.start(new BalorConfig(
                List.of(ListenerConfig.http("web", "127.0.0.1:0", pool.name())), List.of(pool)),
                BalorOptions.defaults().withLoops(LOOPS)));
    }

    private String caBundle(TestPki ca, String file) {
        Path path = dir.resolve(file);
        ca.writeCaBundle(path);
        return path.toString();
    }

    private RawClient connect(Balor balor) throws IOException {
        return resources.track(new RawClient(balor.boundAddress("web")));
    }

    /** One request on a connection of its own. */
    private Reply get(Balor balor, String host, String path) throws IOException {
        try (RawClient raw = new RawClient(balor.boundAddress("web"))) {
            return raw.get(host, path);
        }
    }

    private static ListenerStats stats(Balor balor) {
        return balor.listenerStats().stream().filter(s -> s.name().equals("web")).findFirst().orElseThrow();
    }

    // ---- A1: verification

    @Test
    void aTrustedCaBundleVerifiesTheUpstreamAndTheClientsHostIsSentAsSni() throws Exception {
        TestPki ca = TestPki.ca("Upstream CA");
        HttpsUpstream app = resources.track(new HttpsUpstream("app", ca.issue("app.example")));
        Balor balor = start(PoolConfig.of("app", UpstreamConfig.of(app.address()))
                .withTls(UpstreamTlsConfig.trusting(caBundle(ca, "ca.pem"))));

        Reply reply = get(balor, "app.example", "/hello");

        assertEquals(200, reply.status(), reply.text());
        assertEquals("app GET /hello 0 host=app.example sni=app.example", reply.text());
        HttpsUpstream.Seen seen = app.seen().get(0);
        assertEquals("app.example", seen.host());
        assertEquals("app.example", seen.sni());
        assertEquals(List.of("app.example"), app.handshakeNames());
    }

    @Test
    void anUpstreamCertificateFromAnotherCaIsAFailedConnectAnd502() throws Exception {
        TestPki trusted = TestPki.ca("Trusted CA");
        TestPki other = TestPki.ca("Other CA");
        HttpsUpstream app = resources.track(new HttpsUpstream("app", other.issue("app.example")));
        Balor balor = start(PoolConfig.of("app", UpstreamConfig.of(app.address()))
                .withTls(UpstreamTlsConfig.trusting(caBundle(trusted, "ca.pem"))));

        Reply reply = get(balor, "app.example", "/");

        assertEquals(502, reply.status(), reply.text());
        assertEquals(List.of(), app.seen(), "no request reaches an upstream that failed verification");
        assertEquals(1, stats(balor).connectFailures());
        assertEquals(1, stats(balor).unavailable());
    }

    @Test
    void withVerificationOffASelfSignedUpstreamServes() throws Exception {
        HttpsUpstream app = resources.track(HttpsUpstream.selfSigned("app", TestPki.ca("self-signed.example")));
        Balor balor = start(PoolConfig.of("app", UpstreamConfig.of(app.address()))
                .withTls(UpstreamTlsConfig.insecure()));

        Reply reply = get(balor, "whatever.example", "/x");

        assertEquals(200, reply.status(), reply.text());
        assertEquals("app GET /x 0 host=whatever.example sni=whatever.example", reply.text());
    }

    @Test
    void theJdkTrustStoreDoesNotTrustATestCaSo502() throws Exception {
        TestPki ca = TestPki.ca("Test CA");
        HttpsUpstream app = resources.track(new HttpsUpstream("app", ca.issue("app.example", "127.0.0.1")));
        Balor balor = start(PoolConfig.of("app", UpstreamConfig.of(app.address())));   // DEFAULT tls

        Reply reply = get(balor, "app.example", "/");

        assertEquals(502, reply.status(), reply.text());
        assertEquals(List.of(), app.seen());
        assertEquals(1, app.handshakeNames().size(), "Balor did reach the upstream and start a handshake");
    }

    // ---- A2: the name, for upstreams addressed by IP

    @Test
    void anIpAddressedUpstreamIsVerifiedAgainstTheClientsHostWithoutItsPort() throws Exception {
        TestPki ca = TestPki.ca("CA");
        HttpsUpstream app = resources.track(new HttpsUpstream("app", ca.issue("app.example")));
        Balor balor = start(PoolConfig.of("app", UpstreamConfig.of(app.address()))
                .withTls(UpstreamTlsConfig.trusting(caBundle(ca, "ca.pem"))));

        Reply reply = get(balor, "app.example:8443", "/a");
        assertEquals(200, reply.status(), reply.text());
        assertEquals("app GET /a 0 host=app.example:8443 sni=app.example", reply.text(),
                "SNI is the Host without its port; the Host itself is forwarded as sent");

        Reply upper = get(balor, "APP.Example.:8443", "/b");
        assertEquals(200, upper.status(), upper.text());
        assertEquals("app GET /b 0 host=APP.Example.:8443 sni=app.example", upper.text(),
                "SNI is lower-cased and loses a trailing dot; the Host is untouched");
    }

    @Test
    void aHostTheUpstreamCertificateDoesNotNameIs502() throws Exception {
        TestPki ca = TestPki.ca("CA");
        HttpsUpstream app = resources.track(new HttpsUpstream("app", ca.issue("app.example")));
        Balor balor = start(PoolConfig.of("app", UpstreamConfig.of(app.address()))
                .withTls(UpstreamTlsConfig.trusting(caBundle(ca, "ca.pem"))));

        Reply reply = get(balor, "other.example", "/");

        assertEquals(502, reply.status(), reply.text());
        assertEquals(List.of(), app.seen());
        assertEquals(List.of("other.example"), app.handshakeNames(), "the handshake asked for the client's Host");
        assertEquals(200, get(balor, "app.example", "/").status(), "the upstream itself is fine");
    }

    @Test
    void aFixedServerNameIsSentAndVerifiedWhateverTheHost() throws Exception {
        TestPki ca = TestPki.ca("CA");
        HttpsUpstream app = resources.track(new HttpsUpstream("app", ca.issue("app.example")));
        Balor balor = start(PoolConfig.of("app", UpstreamConfig.of(app.address()))
                .withTls(UpstreamTlsConfig.trusting(caBundle(ca, "ca.pem")).withServerName("app.example")));

        for (String host : List.of("other.example", "third.example:81", "app.example")) {
            Reply reply = get(balor, host, "/");
            assertEquals(200, reply.status(), host + ": " + reply.text());
            assertEquals("app GET / 0 host=" + host + " sni=app.example", reply.text());
        }
        assertTrue(app.connections() <= LOOPS, "one name: connections are reused across Hosts: " + app.connections());
    }

    @Test
    void withoutAHostTheUpstreamsAddressIsVerifiedAgainstItsIpSanWithoutSni() throws Exception {
        TestPki ca = TestPki.ca("CA");
        HttpsUpstream withIp = resources.track(new HttpsUpstream("ip", ca.issue("app.example", "127.0.0.1")));
        HttpsUpstream withoutIp = resources.track(new HttpsUpstream("name", ca.issue("app.example")));
        String bundle = caBundle(ca, "ca.pem");
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(
                ListenerConfig.http("web", "127.0.0.1:0", "ip"),
                ListenerConfig.http("web2", "127.0.0.1:0", "name")), List.of(
                PoolConfig.of("ip", UpstreamConfig.of(withIp.address())).withTls(UpstreamTlsConfig.trusting(bundle)),
                PoolConfig.of("name", UpstreamConfig.of(withoutIp.address())).withTls(UpstreamTlsConfig.trusting(bundle)))),
                BalorOptions.defaults().withLoops(LOOPS)));

        try (RawClient raw = new RawClient(balor.boundAddress("web"))) {
            Reply reply = raw.send("GET /old HTTP/1.0\r\n\r\n");
            assertEquals(200, reply.status(), reply.text());
            assertTrue(reply.text().startsWith("ip GET /old 0 host="), reply.text());
            assertEquals("", withIp.seen().get(0).sni(), "an IP literal is sent no SNI");
        }
        try (RawClient raw = new RawClient(balor.boundAddress("web2"))) {
            Reply reply = raw.send("GET /old HTTP/1.0\r\n\r\n");
            assertEquals(502, reply.status(), "127.0.0.1 is not in the certificate: " + reply.text());
        }
        assertEquals(List.of(), withoutIp.seen());
    }

    @Test
    void aHostThatCannotBeAnSniNameIsSentNoSniWhenVerificationIsOff() throws Exception {
        HttpsUpstream app = resources.track(HttpsUpstream.selfSigned("app", TestPki.ca("self")));
        Balor balor = start(PoolConfig.of("app", UpstreamConfig.of(app.address()))
                .withTls(UpstreamTlsConfig.insecure()));

        for (int i = 0; i < 3; i++) {
            Reply reply = get(balor, "under_score.internal", "/u");
            assertEquals(200, reply.status(), reply.text());
            assertEquals("app GET /u 0 host=under_score.internal sni=", reply.text());
        }
    }

    @Test
    void aPoolThatSendsTheUpstreamsHostStillVerifiesTheClientsHost() throws Exception {
        TestPki ca = TestPki.ca("CA");
        HttpsUpstream app = resources.track(new HttpsUpstream("app", ca.issue("app.example")));
        Balor balor = start(PoolConfig.of("app", UpstreamConfig.of(app.address()))
                .withHostHeader(PoolConfig.HostHeader.UPSTREAM)
                .withTls(UpstreamTlsConfig.trusting(caBundle(ca, "ca.pem"))));

        Reply reply = get(balor, "app.example", "/");

        assertEquals(200, reply.status(), reply.text());
        assertEquals("127.0.0.1:" + app.port(), app.seen().get(0).host(), "the upstream's own authority as Host");
        assertEquals("app.example", app.seen().get(0).sni(), "SNI still follows the client's Host (as specified)");
    }

    @Test
    void onlyHttp11IsOfferedByAlpnUpstream() throws Exception {
        TestPki ca = TestPki.ca("CA");
        TestPki.Leaf leaf = ca.issue("app.example");
        CompletableFuture<List<String>> offered = new CompletableFuture<>();
        SSLServerSocket server = (SSLServerSocket) HttpsUpstream.serverContext(
                leaf.chain().toArray(new X509Certificate[0]), leaf.keyPair().getPrivate(), sni -> { })
                .getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        resources.track(server);
        Thread thread = new Thread(() -> {
            try (SSLSocket socket = (SSLSocket) server.accept()) {
                socket.setHandshakeApplicationProtocolSelector((engine, protocols) -> {
                    offered.complete(List.copyOf(protocols));
                    return protocols.contains("http/1.1") ? "http/1.1" : null;
                });
                readHead(socket.getInputStream());
                socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                socket.getInputStream().read();   // until Balor closes or the test ends
            } catch (IOException ignored) {
                // closed by the test
            }
        }, "alpn-upstream");
        thread.setDaemon(true);
        thread.start();
        Balor balor = start(PoolConfig.of("app", UpstreamConfig.of("https://127.0.0.1:" + server.getLocalPort()))
                .withTls(UpstreamTlsConfig.trusting(caBundle(ca, "ca.pem"))));

        Reply reply = get(balor, "app.example", "/");

        assertEquals(200, reply.status(), reply.text());
        assertEquals("ok", reply.text());
        assertEquals(List.of("http/1.1"), offered.get(10, TimeUnit.SECONDS));
    }

    // ---- A3: keep-alive per server name

    @Test
    void sequentialRequestsWithOneHostReuseTheUpstreamTlsConnection() throws Exception {
        TestPki ca = TestPki.ca("CA");
        HttpsUpstream app = resources.track(new HttpsUpstream("app", ca.issue("app.example")));
        Balor balor = start(PoolConfig.of("app", UpstreamConfig.of(app.address()))
                .withTls(UpstreamTlsConfig.trusting(caBundle(ca, "ca.pem"))));

        for (int i = 0; i < 50; i++) {
            Reply reply = get(balor, "app.example", "/r" + i);   // a new client connection each time
            assertEquals(200, reply.status(), reply.text());
            assertEquals("app GET /r" + i + " 0 host=app.example sni=app.example", reply.text());
        }

        assertEquals(50, app.seen().size());
        assertTrue(app.connections() <= LOOPS, "at most one upstream connection per loop: " + app.connections());
        assertTrue(app.handshakes() <= LOOPS, "at most one full handshake per loop: " + app.handshakes());
    }

    @Test
    void alternatingHostsUseAConnectionPerNameEachWithItsOwnSni() throws Exception {
        TestPki ca = TestPki.ca("CA");
        HttpsUpstream app = resources.track(new HttpsUpstream("app", ca.issue("a.example", "b.example")));
        Balor balor = start(PoolConfig.of("app", UpstreamConfig.of(app.address()))
                .withTls(UpstreamTlsConfig.trusting(caBundle(ca, "ca.pem"))));

        RawClient raw = connect(balor);   // one client connection: one loop, one keep-alive cache
        for (int i = 0; i < 20; i++) {
            String host = i % 2 == 0 ? "a.example" : "b.example";
            Reply reply = raw.get(host, "/r" + i);
            assertEquals(200, reply.status(), reply.text());
            assertEquals("app GET /r" + i + " 0 host=" + host + " sni=" + host, reply.text());
        }

        for (HttpsUpstream.Seen seen : app.seen()) {
            assertEquals(seen.host(), seen.sni(), "each request went on a connection made for its own name");
        }
        assertEquals(2, app.connections(), "one upstream connection per name, each reused");
        assertEquals(List.of("a.example", "b.example"), app.handshakeNames());
    }

    @Test
    void aKeptAliveConnectionIsNotReusedOnceAnApplyTightensThePoolsTls() throws Exception {
        TestPki trusted = TestPki.ca("Trusted CA");
        HttpsUpstream app = resources.track(new HttpsUpstream("app", TestPki.ca("Rogue CA").issue("app.example")));
        PoolConfig pool = PoolConfig.of("app", UpstreamConfig.of(app.address())).withTls(UpstreamTlsConfig.insecure());
        ListenerConfig listener = ListenerConfig.http("web", "127.0.0.1:0", "app");
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(listener), List.of(pool)),
                BalorOptions.defaults().withLoops(1)));
        assertEquals(200, get(balor, "app.example", "/before").status(), "verification off: the rogue certificate serves");

        balor.apply(new BalorConfig(List.of(listener),
                List.of(pool.withTls(UpstreamTlsConfig.trusting(caBundle(trusted, "ca.pem"))))));
        Reply after = get(balor, "app.example", "/after");

        assertEquals(502, after.status(), "the connection made without verification must not carry requests"
                + " once the pool verifies: " + after.text());
        assertEquals(1, app.seen().size());
    }

    @Test
    void anApplyThatLeavesThePoolsTlsAloneKeepsItsConnectionsReusable() throws Exception {
        TestPki ca = TestPki.ca("CA");
        HttpsUpstream app = resources.track(new HttpsUpstream("app", ca.issue("app.example")));
        PoolConfig pool = PoolConfig.of("app", UpstreamConfig.of(app.address()))
                .withTls(UpstreamTlsConfig.trusting(caBundle(ca, "ca.pem")));
        ListenerConfig listener = ListenerConfig.http("web", "127.0.0.1:0", "app");
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(listener), List.of(pool)),
                BalorOptions.defaults().withLoops(1)));
        assertEquals(200, get(balor, "app.example", "/before").status());

        balor.apply(new BalorConfig(List.of(listener, ListenerConfig.http("other", "127.0.0.1:0", "app")),
                List.of(pool)));
        assertEquals(200, get(balor, "app.example", "/after").status());
        assertEquals(1, app.connections(), "the same pool TLS settings and CA file: the kept connection is reused");
    }

    @Test
    void aTlsUpstreamThatNeverFinishesItsHandshakeIsAFailedConnectAtTheConnectTimeout() throws Exception {
        ManualTicker ticker = new ManualTicker();
        TestServer silent = resources.track(new TestServer(socket -> socket.getInputStream().readAllBytes()));
        TestPki ca = TestPki.ca("CA");
        HttpsUpstream app = resources.track(new HttpsUpstream("app", ca.issue("app.example")));
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")),
                List.of(PoolConfig.of("app", UpstreamConfig.of("https://" + silent.address()),
                        UpstreamConfig.of(app.address())).withTls(UpstreamTlsConfig.trusting(caBundle(ca, "ca.pem"))))),
                BalorOptions.defaults().withLoops(1).withTicker(ticker)));

        try (RawClient raw = new RawClient(balor.boundAddress("web"))) {
            CompletableFuture<Reply> reply = CompletableFuture.supplyAsync(() -> {
                try {
                    return raw.get("app.example", "/slow");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Await.until("the handshake with the silent upstream is under way", () -> silent.accepted() == 1
                    && balor.sessions().size() == 1 && "connecting".equals(balor.sessions().get(0).state()));
            ticker.advance(Duration.ofMillis(4_900));
            assertEquals("connecting", balor.sessions().get(0).state(), "still within the connect timeout");
            ticker.advance(Duration.ofMillis(200));
            // Each call wakes the loop; one woken mid-iteration still holds the time it read
            // before the advance (and would sleep on it), so wake it until it has seen the time.
            Await.until("the connect timeout fired", () -> {
                balor.sessions();
                return stats(balor).connectFailures() == 1;
            });
            Reply answer = reply.get(20, TimeUnit.SECONDS);
            assertEquals(200, answer.status(), answer.text());
            assertTrue(answer.text().startsWith("app GET /slow 0"), answer.text());
        }
        assertEquals(1, stats(balor).connectFailures());
    }

    // ---- A4: mixed pools and failover

    @Test
    void aPoolMixesPlainAndTlsUpstreams() throws Exception {
        TestPki ca = TestPki.ca("CA");
        HttpUpstream plain = resources.track(new HttpUpstream("plain"));
        HttpsUpstream secure = resources.track(new HttpsUpstream("secure", ca.issue("app.example")));
        Balor balor = start(PoolConfig.of("app", UpstreamConfig.of(plain.address()), UpstreamConfig.of(secure.address()))
                .withTls(UpstreamTlsConfig.trusting(caBundle(ca, "ca.pem"))));

        int plainCount = 0;
        int secureCount = 0;
        for (int i = 0; i < 10; i++) {
            Reply reply = get(balor, "app.example", "/m" + i);
            assertEquals(200, reply.status(), reply.text());
            if (reply.text().startsWith("plain GET /m" + i + " 0")) {
                plainCount++;
            } else {
                assertEquals("secure GET /m" + i + " 0 host=app.example sni=app.example", reply.text());
                secureCount++;
            }
        }
        // Each loop balances on its own and the connections spread over the loops: both serve.
        assertTrue(plainCount > 0 && secureCount > 0, plainCount + " plain, " + secureCount + " secure");
        assertEquals("app.example", plain.seen().get(0).header("Host"));
    }

    @Test
    void anUpstreamThatFailsVerificationFailsOverToTheNext() throws Exception {
        TestPki ca = TestPki.ca("CA");
        HttpsUpstream bad = resources.track(new HttpsUpstream("bad", TestPki.ca("Rogue CA").issue("app.example")));
        HttpsUpstream good = resources.track(new HttpsUpstream("good", ca.issue("app.example")));
        Balor balor = start(PoolConfig.of("app", UpstreamConfig.of(bad.address()), UpstreamConfig.of(good.address()))
                .withTls(UpstreamTlsConfig.trusting(caBundle(ca, "ca.pem"))));

        for (int i = 0; i < 10; i++) {
            Reply reply = get(balor, "app.example", "/f" + i);
            assertEquals(200, reply.status(), reply.text());
            assertEquals("good GET /f" + i + " 0 host=app.example sni=app.example", reply.text());
        }
        assertEquals(List.of(), bad.seen());
        assertTrue(bad.handshakeNames().size() >= 1, "the bad upstream was tried");
        assertEquals(bad.handshakeNames().size(), stats(balor).connectFailures(), "each failed handshake is a failed connect");
        assertEquals(0, stats(balor).unavailable());
    }

    // ---- A5: volume through TLS

    @Test
    void aLargeResponseAndALargeUploadPassThroughTlsIntact() throws Exception {
        TestPki ca = TestPki.ca("CA");
        // java.net.http sends Host 127.0.0.1:port: the name is the IP, checked against the IP SAN.
        HttpsUpstream app = resources.track(new HttpsUpstream("app", ca.issue("app.example", "127.0.0.1")));
        Balor balor = start(PoolConfig.of("app", UpstreamConfig.of(app.address()))
                .withTls(UpstreamTlsConfig.trusting(caBundle(ca, "ca.pem"))));
        int size = 8 * 1024 * 1024;
        URI base = URI.create("http://127.0.0.1:" + balor.boundAddress("web").getPort());

        HttpResponse<byte[]> download = client.send(HttpRequest.newBuilder(base.resolve("/big/" + size)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, download.statusCode());
        assertEquals(size, download.body().length);
        assertEquals(sha256(HttpsUpstream.bigBody(size)), sha256(download.body()));

        byte[] upload = HttpsUpstream.bigBody(size - 7);
        HttpResponse<byte[]> echoed = client.send(HttpRequest.newBuilder(base.resolve("/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, echoed.statusCode());
        assertEquals(sha256(upload), sha256(echoed.body()));
        assertEquals(size - 7, app.seen().get(1).bodyLength(), "the upstream got the whole upload");
    }

    @Test
    void aLargeResponseToASlowReaderKeepsItsBytesAcrossBackpressure() throws Exception {
        TestPki ca = TestPki.ca("CA");
        HttpsUpstream app = resources.track(new HttpsUpstream("app", ca.issue("app.example")));
        Balor balor = start(PoolConfig.of("app", UpstreamConfig.of(app.address()))
                .withTls(UpstreamTlsConfig.trusting(caBundle(ca, "ca.pem"))));
        int size = 8 * 1024 * 1024;

        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);   // a small window: Balor's buffers fill and reading pauses
            socket.connect(balor.boundAddress("web"), 5_000);
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET /big/" + size + " HTTP/1.1\r\nHost: app.example\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(socket.getInputStream(), 1024);
            readHead(in);
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] chunk = new byte[1024];
            long total = 0;
            int n;
            while ((n = in.read(chunk)) > 0) {
                digest.update(chunk, 0, n);
                total += n;
            }
            assertEquals(size, total);
            assertEquals(sha256(HttpsUpstream.bigBody(size)), HexFormat.of().formatHex(digest.digest()));
        }
    }

    @Test
    void aChunkedResponseIsReframedThroughTls() throws Exception {
        TestPki ca = TestPki.ca("CA");
        HttpsUpstream app = resources.track(new HttpsUpstream("app", ca.issue("app.example")));
        Balor balor = start(PoolConfig.of("app", UpstreamConfig.of(app.address()))
                .withTls(UpstreamTlsConfig.trusting(caBundle(ca, "ca.pem"))));
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            expected.append("line ").append(i).append('\n');
        }

        RawClient raw = connect(balor);
        for (int round = 0; round < 3; round++) {
            Reply reply = raw.get("app.example", "/chunked");
            assertEquals(200, reply.status(), reply.text());
            assertTrue(reply.head().toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked"), reply.head());
            assertEquals(expected.toString(), reply.text());
        }
        assertEquals(1, app.connections(), "the chunked responses ended cleanly, so the connection was reused");
    }

    // ---- TLS closure (RFC 9112 §9.8)

    @Test
    void aCloseDelimitedResponseCutWithoutCloseNotifyIsNotPassedOnAsComplete() throws Exception {
        TestPki ca = TestPki.ca("CA");
        TestPki.Leaf leaf = ca.issue("app.example");
        javax.net.ssl.SSLContext context = HttpsUpstream.serverContext(leaf.chain().toArray(new X509Certificate[0]),
                leaf.keyPair().getPrivate(), sni -> { });
        // Answers a response whose body runs until close, then drops TCP without close_notify
        // (what an attacker injecting a FIN produces): the response is truncated, not complete.
        TestServer truncating = resources.track(new TestServer(plain -> {
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, null, plain.getPort(), false);
            tls.setUseClientMode(false);
            readHead(tls.getInputStream());
            tls.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\npartial"
                    .getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().flush();
            plain.close();   // the TCP socket under the TLS one: FIN, no close_notify
        }));
        Balor balor = start(PoolConfig.of("app", UpstreamConfig.of("https://" + truncating.address()))
                .withTls(UpstreamTlsConfig.trusting(caBundle(ca, "ca.pem"))));

        try (Socket socket = Clients.connect(balor.boundAddress("web"))) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: app.example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // Until the client is closed, or the response looks complete (the connection then stays open).
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            int b;
            while (!read.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n0\r\n\r\n") && (b = in.read()) >= 0) {
                read.write(b);
            }
            String answer = read.toString(StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            assertTrue(!answer.endsWith("\r\n0\r\n\r\n"), "a truncated body must not get a last chunk: " + answer);
        }
    }

    // ---- WebSocket: the 101 hands a TLS upstream connection to a tunnel

    @Test
    void aWebSocketToAnHttpsUpstreamEchoesThroughTheTunnel() throws Exception {
        TestPki ca = TestPki.ca("CA");
        TestServer echo = resources.track(WebSocketEchoServer.start());
        TlsFront front = resources.track(new TlsFront(ca.issue("app.example", "127.0.0.1"), echo.socketAddress()));
        Balor balor = start(PoolConfig.of("ws", UpstreamConfig.of("https://127.0.0.1:" + front.port()))
                .withTls(UpstreamTlsConfig.trusting(caBundle(ca, "ca.pem"))));

        java.util.concurrent.LinkedBlockingQueue<Object> received = new java.util.concurrent.LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        java.net.http.WebSocket.Listener listener = new java.net.http.WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();
            private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

            @Override
            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket socket, CharSequence data,
                                                                 boolean last) {
                text.append(data);
                if (last) {
                    received.add(text.toString());
                    text.setLength(0);
                }
                socket.request(1);
                return null;
            }

            @Override
            public java.util.concurrent.CompletionStage<?> onBinary(java.net.http.WebSocket socket,
                                                                   java.nio.ByteBuffer data, boolean last) {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                binary.writeBytes(bytes);
                if (last) {
                    received.add(binary.toByteArray());
                    binary.reset();
                }
                socket.request(1);
                return null;
            }

            @Override
            public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket socket, int status,
                                                                  String reason) {
                closed.complete(status);
                return null;
            }
        };
        URI uri = URI.create("ws://127.0.0.1:" + balor.boundAddress("web").getPort() + "/chat");
        java.net.http.WebSocket socket = client.newWebSocketBuilder().buildAsync(uri, listener).get(10, TimeUnit.SECONDS);

        socket.sendText("hello over tls", true).get(10, TimeUnit.SECONDS);
        assertEquals("hello over tls", received.poll(10, TimeUnit.SECONDS));
        byte[] large = HttpsUpstream.bigBody(512 * 1024 + 5);
        socket.sendBinary(java.nio.ByteBuffer.wrap(large), true).get(10, TimeUnit.SECONDS);
        Object back = received.poll(20, TimeUnit.SECONDS);
        assertTrue(back instanceof byte[], String.valueOf(back));
        assertEquals(sha256(large), sha256((byte[]) back));
        socket.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        assertEquals(java.net.http.WebSocket.NORMAL_CLOSURE, closed.get(10, TimeUnit.SECONDS));
        Await.until("the tunnel ends", () -> balor.sessions().isEmpty());
        assertEquals(1, front.accepted());
    }

    // ---- helpers

    /**
     * A TLS front for a plain test server: an {@link SSLServerSocket} with a TestPki certificate
     * that relays each connection's plaintext to {@code target} (two blocking threads each).
     */
    static final class TlsFront implements AutoCloseable {
        private final SSLServerSocket server;
        private final InetSocketAddress target;
        private final java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "tls-front");
            thread.setDaemon(true);
            return thread;
        });
        private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();

        TlsFront(TestPki.Leaf leaf, InetSocketAddress target) throws IOException {
            this.target = target;
            server = (SSLServerSocket) HttpsUpstream.serverContext(leaf.chain().toArray(new X509Certificate[0]),
                    leaf.keyPair().getPrivate(), sni -> { })
                    .getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            threads.execute(this::acceptLoop);
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            return accepted.get();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket tls = server.accept();
                    accepted.incrementAndGet();
                    Socket plain = new Socket(target.getAddress(), target.getPort());
                    sockets.add(tls);
                    sockets.add(plain);
                    threads.execute(() -> pipe(tls, plain));
                    threads.execute(() -> pipe(plain, tls));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static void pipe(Socket from, Socket to) {
            try {
                from.getInputStream().transferTo(to.getOutputStream());
            } catch (IOException ignored) {
                // either side went away
            }
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing anyway
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


    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    /** A response: status, head text, decoded body. */
    record Reply(int status, String head, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    /** A blocking HTTP/1.1 client on one connection: sends any Host, reads length, chunked or close framing. */
    static final class RawClient implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;

        RawClient(InetSocketAddress address) throws IOException {
            socket = Clients.connect(address);
            in = new BufferedInputStream(socket.getInputStream());
        }

        Reply get(String host, String path) throws IOException {
            return send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        }

        Reply send(String request) throws IOException {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed in the response head: " + head.toString(StandardCharsets.ISO_8859_1));
                }
                head.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(text.substring(9, 12));
            String lower = text.toLowerCase(Locale.ROOT);
            byte[] body;
            int length = lower.indexOf("\r\ncontent-length:");
            if (lower.contains("\r\ntransfer-encoding: chunked")) {
                body = chunked();
            } else if (length >= 0) {
                int end = lower.indexOf("\r\n", length + 2);
                body = in.readNBytes(Integer.parseInt(text.substring(length + 17, end).trim()));
            } else {
                body = in.readAllBytes();
            }
            return new Reply(status, text, body);
        }

        private byte[] chunked() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                int size = Integer.parseInt(line().split(";")[0].trim(), 16);
                if (size == 0) {
                    while (!line().isEmpty()) {
                        // trailer fields
                    }
                    return body.toByteArray();
                }
                body.write(in.readNBytes(size));
                line();
            }
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new IOException("closed in a chunk");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
