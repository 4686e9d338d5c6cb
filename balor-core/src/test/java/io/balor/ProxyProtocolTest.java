package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.CertificateConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.ProxyProtocolConfig;
import io.balor.config.TlsConfig;
import io.balor.config.UpstreamConfig;
import io.balor.time.ManualTicker;
import io.balor.tls.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PROXY protocol at a listener, on real sockets: the header of versions 1 and 2 (split at
 * every byte, with TLVs, before TLS) gives the client address that {@code X-Forwarded-For}, the
 * access log and the sessions list show; an untrusted peer, a malformed header and a late one
 * are closed and counted, and nothing reaches an upstream.
 */
class ProxyProtocolTest {

    private static final String GET = "GET /p HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n";

    private final TestResources resources = new TestResources();
    private final ManualTicker ticker = new ManualTicker();
    @TempDir Path dir;
    private HttpUpstream app;

    @BeforeEach
    void upstream() throws IOException {
        app = resources.track(new HttpUpstream("app"));
    }

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private Balor start(ListenerConfig listener) {
        return resources.track(Balor.start(new BalorConfig(List.of(listener),
                        List.of(PoolConfig.of("app", UpstreamConfig.of(app.address())))),
                BalorOptions.defaults().withLoops(2).withTicker(ticker).withAccessLog(AccessLogOptions.MEMORY)));
    }

    private static ListenerConfig web(String... trusted) {
        return ListenerConfig.http("web", "127.0.0.1:0", "app").withProxyProtocol(new ProxyProtocolConfig(List.of(trusted)));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** A version 2 PROXY header for TCP over IPv6 from {@code 2001:db8::7} port 4242, with an ALPN and a NOOP TLV. */
    private static byte[] v2Ipv6() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n', 0x21, 0x21});
        byte[] block = new byte[36 + 5 + 4];
        block[0] = 0x20;
        block[1] = 0x01;
        block[2] = 0x0d;
        block[3] = (byte) 0xb8;
        block[15] = 7;
        block[31] = 1;
        block[32] = 0x10;
        block[33] = (byte) 0x92;   // 4242
        block[35] = (byte) 443;
        System.arraycopy(new byte[] {0x01, 0, 2, 'h', '2', 0x04, 0, 1, 0}, 0, block, 36, 9);
        out.write(block.length >> 8);
        out.write(block.length & 0xff);
        out.writeBytes(block);
        return out.toByteArray();
    }

    /** Writes {@code bytes} in pieces of {@code step}, flushing each (the peer may see every byte apart). */
    private static void dribble(OutputStream out, byte[] bytes, int step) throws IOException {
        for (int at = 0; at < bytes.length; at += step) {
            out.write(bytes, at, Math.min(step, bytes.length - at));
            out.flush();
        }
    }

    @Test
    void version1GivesTheClientAddressWhateverTheSplit() throws Exception {
        Balor balor = start(web("127.0.0.0/8"));
        InetSocketAddress address = balor.boundAddress("web");
        for (int step : new int[] {1, 2, 3, 7, 47, 200}) {
            try (Socket socket = Clients.connect(address)) {
                byte[] header = ascii("PROXY TCP4 203.0.113." + step + " 192.0.2.1 5555 80\r\n");
                byte[] both = new byte[header.length + GET.length()];
                System.arraycopy(header, 0, both, 0, header.length);
                System.arraycopy(ascii(GET), 0, both, header.length, GET.length());
                dribble(socket.getOutputStream(), both, step);
                String response = Clients.readToEnd(socket.getInputStream());
                assertTrue(response.startsWith("HTTP/1.1 200"), step + ": " + response);
            }
            HttpUpstream.Seen seen = app.seen().get(app.seen().size() - 1);
            assertEquals("203.0.113." + step, seen.header("X-forwarded-for"), "step " + step);
        }
        Await.until("the access log names the proxied client", () -> balor.recentAccessLog(100).stream()
                .anyMatch(line -> line.contains("\"client\":\"203.0.113.1\"")));
    }

    @Test
    void version2WithTlvsAndAnIpv6ClientThenTls() throws Exception {
        TestPki ca = TestPki.ca("Balor Test CA");
        Path caFile = dir.resolve("ca.pem");
        ca.writeCaBundle(caFile);
        CertificateConfig certificate = TlsClients.files(dir, "a", ca.leaf("a.example", "127.0.0.1").issue(),
                TestPki.KeyFormat.PKCS8);
        Balor balor = start(web("127.0.0.1").withTls(new TlsConfig(TlsConfig.Mode.TERMINATE, certificate, null)));
        InetSocketAddress address = balor.boundAddress("web");
        for (int step : new int[] {1, 5, 16, 100}) {
            Socket plain = Clients.connect(address);
            dribble(plain.getOutputStream(), v2Ipv6(), step);
            // TLS starts right after the header, on the same connection.
            SSLSocket tls = (SSLSocket) TlsClients.trusting(caFile).getSocketFactory().createSocket(plain, "a.example",
                    address.getPort(), true);
            try (tls) {
                tls.startHandshake();
                tls.getOutputStream().write(ascii(GET));
                tls.getOutputStream().flush();
                String response = Clients.readToEnd(tls.getInputStream());
                assertTrue(response.startsWith("HTTP/1.1 200"), step + ": " + response);
            }
            assertEquals("2001:db8:0:0:0:0:0:7", app.seen().get(app.seen().size() - 1).header("X-forwarded-for"),
                    "step " + step);
        }
    }

    @Test
    void aTcpListenerSeesTheProxiedClientToo() throws Exception {
        TestServer echo = resources.track(TestServer.echo());
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(ListenerConfig.tcp("tcp", "127.0.0.1:0", "echo")
                        .withProxyProtocol(new ProxyProtocolConfig(List.of("127.0.0.1/32")))),
                List.of(PoolConfig.of("echo", UpstreamConfig.of(echo.address())))), BalorOptions.defaults().withTicker(ticker)));
        try (Socket socket = Clients.connect(balor.boundAddress("tcp"))) {
            socket.getOutputStream().write(ascii("PROXY TCP4 198.51.100.9 192.0.2.1 6000 7000\r\nping"));
            byte[] back = socket.getInputStream().readNBytes(4);
            assertEquals("ping", new String(back, StandardCharsets.US_ASCII), "the header is not forwarded");
            List<SessionInfo> sessions = balor.sessions();
            assertEquals(1, sessions.size());
            assertEquals("198.51.100.9:6000", sessions.get(0).client());
        }
    }

    @Test
    void untrustedPeersMalformedAndLateHeadersAreClosedAndCounted() throws Exception {
        Balor untrusting = start(web("10.0.0.0/8", "fd00::/8"));
        try (Socket socket = Clients.connect(untrusting.boundAddress("web"))) {
            socket.getOutputStream().write(ascii("PROXY TCP4 203.0.113.1 192.0.2.1 5555 80\r\n" + GET));
            assertClosed(socket, "a peer not trusted is closed, unanswered");
        }
        assertTrue(untrusting.metrics().contains("balor_proxy_headers_refused_total{listener=\"web\"} 1"),
                untrusting.metrics());
        resources.close();

        app = resources.track(new HttpUpstream("app"));
        Balor balor = start(web("127.0.0.1/32"));
        InetSocketAddress address = balor.boundAddress("web");
        for (String bad : List.of(GET, "PROXY TCP4 203.0.113.1 192.0.2.1 5555\r\n" + GET,
                "PROXY TCP4 203.0.113.1 192.0.2.1 5555 80 " + "x".repeat(120) + "\r\n" + GET)) {
            try (Socket socket = Clients.connect(address)) {
                socket.getOutputStream().write(ascii(bad));
                assertClosed(socket, "closed, unanswered: " + bad.substring(0, 20));
            }
        }
        try (Socket late = Clients.connect(address)) {
            late.getOutputStream().write(ascii("PROXY TCP4 203.0"));
            Await.until("the header session waits", () -> balor.sessions().size() == 1
                    && balor.sessions().get(0).state().equals("proxy-header"));
            ticker.advance(Duration.ofSeconds(6));
            assertClosed(late, "a header not complete within 5 s is closed");
        }
        Await.until("every refusal counted", () -> balor.metrics()
                .contains("balor_proxy_headers_refused_total{listener=\"web\"} 4"));
        assertEquals(0, app.seen().size(), "nothing reached the upstream");
        assertTrue(balor.sessions().isEmpty());
    }

    /**
     * The connection ends with nothing read: an end of stream, or a reset (Balor closed it with
     * the client's bytes unread, which makes the kernel send RST rather than FIN).
     */
    private static void assertClosed(Socket socket, String why) throws IOException {
        socket.setSoTimeout(20_000);
        try {
            assertEquals(-1, socket.getInputStream().read(), why);
        } catch (java.net.SocketException e) {
            assertTrue(String.valueOf(e.getMessage()).contains("reset"), why + ": " + e);
        }
    }
}
