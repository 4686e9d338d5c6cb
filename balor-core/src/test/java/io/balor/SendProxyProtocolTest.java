package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.PoolConfig.ProxyVersion;
import io.balor.config.ProxyProtocolConfig;
import io.balor.config.UpstreamConfig;
import io.balor.config.UpstreamTlsConfig;
import io.balor.tls.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pool's {@code send_proxy_protocol}, end to end on real sockets against an upstream that
 * reads the header itself ({@link ProxyHeaderUpstream}): the header comes first and names the
 * client and the listener it connected to, for TCP and HTTP listeners and both versions; what
 * follows is unchanged; HTTP connections that carried a header are reused by their own client
 * only and closed with its session, and one made without is not taken after an apply that turns
 * sending on; an https upstream reads the header
 * before the ClientHello; a header Balor accepted from a trusted proxy is what it forwards.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SendProxyProtocolTest {

    private final TestResources resources = new TestResources();
    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    /** One loop: every connection shares one keep-alive cache, so reuse across clients would show. */
    private Balor start(ListenerConfig listener, PoolConfig pool) {
        return resources.track(Balor.start(new BalorConfig(List.of(listener), List.of(pool)),
                BalorOptions.defaults().withLoops(1)));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static String get(Socket socket, String path) throws IOException {
        socket.getOutputStream().write(ascii("GET " + path + " HTTP/1.1\r\nHost: app.example\r\n\r\n"));
        InputStream in = socket.getInputStream();
        String head = Clients.readHead(in);
        assertTrue(head.startsWith("HTTP/1.1 200"), head);
        int at = head.toLowerCase(java.util.Locale.ROOT).indexOf("content-length: ") + 16;
        int length = Integer.parseInt(head.substring(at, head.indexOf("\r\n", at)));
        return new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }

    /** The header a client at {@code client} sends through a listener at {@code listener}: loopback both. */
    private static void assertNames(ProxyHeaderUpstream.Header header, int version, Socket client,
                                    InetSocketAddress listener) {
        assertEquals(version, header.version(), header.raw());
        assertEquals("127.0.0.1", header.source(), header.raw());
        assertEquals(client.getLocalPort(), header.sourcePort(), header.raw());
        assertEquals("127.0.0.1", header.destination(), header.raw());
        assertEquals(listener.getPort(), header.destinationPort(), header.raw());
    }

    @ParameterizedTest
    @EnumSource(ProxyVersion.class)
    void aTcpListenerSendsTheHeaderThenTheBytesUnchanged(ProxyVersion version) throws Exception {
        ProxyHeaderUpstream echo = resources.track(new ProxyHeaderUpstream(ProxyHeaderUpstream.Mode.ECHO));
        Balor balor = start(ListenerConfig.tcp("tcp", "127.0.0.1:0", "echo"),
                PoolConfig.of("echo", UpstreamConfig.of(echo.address())).withSendProxyProtocol(version));
        InetSocketAddress listener = balor.boundAddress("tcp");
        try (Socket client = Clients.connect(listener)) {
            assertEquals("ping\r\nPROXY pong", Clients.roundTrip(client, "ping\r\nPROXY pong"));
            assertEquals(1, echo.headers().size());
            ProxyHeaderUpstream.Header header = echo.headers().get(0);
            assertNames(header, version.number(), client, listener);
            if (version == ProxyVersion.V1) {
                assertEquals("PROXY TCP4 127.0.0.1 127.0.0.1 " + client.getLocalPort() + " " + listener.getPort()
                        + "\r\n", header.raw());
            } else {
                assertEquals(28, header.raw().length(), "16 fixed bytes and the IPv4 block, no TLVs");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ProxyVersion.class)
    void httpConnectionsThatCarriedAHeaderArePrivateToTheirClient(ProxyVersion version) throws Exception {
        ProxyHeaderUpstream app = resources.track(new ProxyHeaderUpstream(ProxyHeaderUpstream.Mode.HTTP));
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "app"),
                PoolConfig.of("app", UpstreamConfig.of(app.address())).withSendProxyProtocol(version));
        InetSocketAddress listener = balor.boundAddress("web");
        try (Socket first = Clients.connect(listener); Socket second = Clients.connect(listener)) {
            assertEquals("conn=1 path=/a", get(first, "/a"));
            assertEquals("conn=2 path=/b", get(second, "/b"), "another client: another connection, its own header");
            assertEquals("conn=1 path=/c", get(first, "/c"), "the same client's next request: its own connection again");
            assertEquals("conn=2 path=/d", get(second, "/d"));

            assertEquals(2, app.headers().size(), "one header per connection");
            assertNames(app.headers().get(0), version.number(), first, listener);
            assertNames(app.headers().get(1), version.number(), second, listener);
            List<ProxyHeaderUpstream.Request> requests = app.requests();
            assertEquals(List.of("GET /a HTTP/1.1", "GET /b HTTP/1.1", "GET /c HTTP/1.1", "GET /d HTTP/1.1"),
                    requests.stream().map(ProxyHeaderUpstream.Request::line).toList());
            assertEquals(0, app.closedByPeer().size(), "kept alive while their clients are");
        }
        Await.until("each private upstream connection closed when its client's session ended",
                () -> app.closedByPeer().size() == 2);
    }

    @Test
    void aClientKeepsAPrivateConnectionToEachUpstreamItUsesUpToFive() throws Exception {
        // Upstreams taken in turn. Through "two", each request of the one client goes to the
        // other upstream, and its private connection to each is taken again. Through "six", the
        // sixth kept connection closes the oldest, so the seventh request connects afresh.
        List<ProxyHeaderUpstream> up = new java.util.ArrayList<>();
        List<UpstreamConfig> upstreams = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            up.add(resources.track(new ProxyHeaderUpstream(ProxyHeaderUpstream.Mode.HTTP)));
            upstreams.add(UpstreamConfig.of(up.get(i).address()));
        }
        Balor balor = resources.track(Balor.start(new BalorConfig(
                List.of(ListenerConfig.http("two", "127.0.0.1:0", "two"), ListenerConfig.http("six", "127.0.0.1:0", "six")),
                List.of(new PoolConfig("two", upstreams.subList(0, 2)).withSendProxyProtocol(ProxyVersion.V2),
                        new PoolConfig("six", upstreams.subList(2, 8)).withSendProxyProtocol(ProxyVersion.V2))),
                BalorOptions.defaults().withLoops(1)));
        try (Socket client = Clients.connect(balor.boundAddress("two"))) {
            for (String path : List.of("/a", "/b", "/c", "/d")) {
                get(client, path);
            }
            assertEquals(1, up.get(0).headers().size(), "one connection to each, taken again");
            assertEquals(1, up.get(1).headers().size());
            assertEquals(2, up.get(0).requests().size());
            assertEquals(2, up.get(1).requests().size());
        }
        Await.until("both close with their client",
                () -> up.get(0).closedByPeer().size() == 1 && up.get(1).closedByPeer().size() == 1);

        try (Socket client = Clients.connect(balor.boundAddress("six"))) {
            for (int i = 0; i < 7; i++) {
                get(client, "/" + i);
            }
            int connections = 0;
            for (ProxyHeaderUpstream upstream : up.subList(2, 8)) {
                connections += upstream.headers().size();
            }
            assertEquals(7, connections, "six connections, then one more for the upstream whose connection made room");
        }
    }

    @Test
    void withoutTheOptionTheSameUpstreamConnectionServesBothClients() throws Exception {
        // The control for the test above: the upstream HTTP answers keep the connection reusable.
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "app"),
                PoolConfig.of("app", UpstreamConfig.of(app.address())));
        try (Socket first = Clients.connect(balor.boundAddress("web"));
             Socket second = Clients.connect(balor.boundAddress("web"))) {
            get(first, "/a");
            get(second, "/b");
        }
        assertEquals(1, app.connections(), "kept alive and reused across clients");
    }

    @Test
    void anApplyThatTurnsSendingOnNeverReusesAConnectionMadeWithout() throws Exception {
        // A keep-alive upstream that reads no PROXY header: a header shows as the start of a request head.
        List<String> heads = new java.util.concurrent.CopyOnWriteArrayList<>();
        TestServer app = resources.track(new TestServer(socket -> {
            try (socket) {
                while (true) {
                    heads.add(Clients.readHead(socket.getInputStream()));
                    socket.getOutputStream().write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                }
            }
        }));
        ListenerConfig web = ListenerConfig.http("web", "127.0.0.1:0", "app");
        PoolConfig plain = PoolConfig.of("app", UpstreamConfig.of(app.address()));
        Balor balor = start(web, plain);
        InetSocketAddress listener = balor.boundAddress("web");
        try (Socket client = Clients.connect(listener)) {
            assertEquals("ok", get(client, "/warm"));   // leaves an idle connection in the cache, under the id the apply keeps
        }
        balor.apply(new BalorConfig(List.of(web), List.of(plain.withSendProxyProtocol(ProxyVersion.V1))));
        try (Socket client = Clients.connect(listener)) {
            assertEquals("ok", get(client, "/after"));
            assertEquals(2, app.accepted(), "the idle connection made without a header was not taken");
            assertTrue(heads.get(1).startsWith("PROXY TCP4 127.0.0.1 127.0.0.1 " + client.getLocalPort() + " "
                    + listener.getPort() + "\r\nGET /after HTTP/1.1\r\n"), heads.get(1));
        }
        assertTrue(heads.get(0).startsWith("GET /warm HTTP/1.1\r\n"), "no header without the option: " + heads.get(0));
    }

    @Test
    void anHttpsUpstreamReadsTheHeaderBeforeTheClientHello() throws Exception {
        TestPki ca = TestPki.ca("CA");
        TestPki.Leaf leaf = ca.issue("app.example");
        javax.net.ssl.SSLContext context = HttpsUpstream.serverContext(leaf.chain().toArray(new X509Certificate[0]),
                leaf.keyPair().getPrivate(), sni -> { });
        ProxyHeaderUpstream app = resources.track(new ProxyHeaderUpstream(ProxyHeaderUpstream.Mode.HTTPS, context));
        Path caFile = dir.resolve("ca.pem");
        ca.writeCaBundle(caFile);
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "app"),
                PoolConfig.of("app", UpstreamConfig.of("https://127.0.0.1:" + app.port()))
                        .withTls(UpstreamTlsConfig.trusting(caFile.toString())).withSendProxyProtocol(ProxyVersion.V2));
        InetSocketAddress listener = balor.boundAddress("web");
        try (Socket client = Clients.connect(listener)) {
            assertEquals("conn=1 path=/secure", get(client, "/secure"), "the TLS handshake followed the header");
            assertEquals(1, app.headers().size());
            assertNames(app.headers().get(0), 2, client, listener);
        }
    }

    @Test
    void aHeaderAcceptedFromATrustedProxyIsTheOneForwarded() throws Exception {
        ProxyHeaderUpstream app = resources.track(new ProxyHeaderUpstream(ProxyHeaderUpstream.Mode.HTTP));
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "app")
                        .withProxyProtocol(new ProxyProtocolConfig(true, List.of("127.0.0.0/8"))),
                PoolConfig.of("app", UpstreamConfig.of(app.address())).withSendProxyProtocol(ProxyVersion.V2));
        try (Socket proxy = Clients.connect(balor.boundAddress("web"))) {
            proxy.getOutputStream().write(ascii("PROXY TCP4 192.0.2.7 198.51.100.1 5555 8443\r\n"));
            assertEquals("conn=1 path=/x", get(proxy, "/x"));
        }
        ProxyHeaderUpstream.Header header = app.headers().get(0);
        assertEquals(2, header.version());
        assertEquals("192.0.2.7", header.source());
        assertEquals(5555, header.sourcePort());
        assertEquals("198.51.100.1", header.destination(), "the address the client connected to, from the header");
        assertEquals(8443, header.destinationPort());
    }

    @Test
    void anIpv6ClientNamedByAVersion1HeaderIsForwardedInVersion2ThroughATcpListener() throws Exception {
        ProxyHeaderUpstream echo = resources.track(new ProxyHeaderUpstream(ProxyHeaderUpstream.Mode.ECHO));
        Balor balor = start(ListenerConfig.tcp("tcp", "127.0.0.1:0", "echo")
                        .withProxyProtocol(new ProxyProtocolConfig(List.of("127.0.0.1"))),
                PoolConfig.of("echo", UpstreamConfig.of(echo.address())).withSendProxyProtocol(ProxyVersion.V2));
        try (Socket proxy = Clients.connect(balor.boundAddress("tcp"))) {
            proxy.getOutputStream().write(ascii("PROXY TCP6 2001:db8::7 2001:db8::1 4242 443\r\n"));
            assertEquals("hello", Clients.roundTrip(proxy, "hello"));
        }
        ProxyHeaderUpstream.Header header = echo.headers().get(0);
        assertEquals(2, header.version());
        assertEquals("2001:db8:0:0:0:0:0:7", header.source());
        assertEquals(4242, header.sourcePort());
        assertEquals("2001:db8:0:0:0:0:0:1", header.destination());
        assertEquals(443, header.destinationPort());
    }

    @Test
    void acceptFalseReadsNoHeaderAndTheSocketsPeerIsTheClient() throws Exception {
        ProxyHeaderUpstream app = resources.track(new ProxyHeaderUpstream(ProxyHeaderUpstream.Mode.HTTP));
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "app")
                        .withProxyProtocol(new ProxyProtocolConfig(false, List.of())),
                PoolConfig.of("app", UpstreamConfig.of(app.address())).withSendProxyProtocol(ProxyVersion.V1));
        InetSocketAddress listener = balor.boundAddress("web");
        try (Socket client = Clients.connect(listener)) {
            assertEquals("conn=1 path=/plain", get(client, "/plain"), "a plain request, no header expected");
            assertNames(app.headers().get(0), 1, client, listener);
        }
    }
}
