package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.RouteConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Balor refuses or answers itself instead of forwarding, and what it says to the upstream
 * about the client's host (issue 13): raw sockets against a real upstream that records what
 * reaches it.
 */
class HttpStrictnessTest {

    private final TestResources resources = new TestResources();

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private Balor start(HttpUpstream app) {
        return resources.track(Balor.start(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")),
                List.of(PoolConfig.of("app", UpstreamConfig.of(app.address())))), BalorOptions.defaults().withLoops(1)));
    }

    // ---- Host

    /**
     * A Host (or authority) with a {@code ;} or {@code ,} once reached the upstream and the
     * Set-Cookie Domain Balor rewrote ({@code Domain=a.test;Domain=evil}); it is now a 400.
     */
    @Test
    void aHostThatIsNotAHostNameIsRefusedWith400AndNeverForwarded() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(app);
        InetSocketAddress web = balor.boundAddress("web");
        for (String request : List.of(
                "GET /cookie HTTP/1.1\r\nHost: a.test;Domain=evil\r\nConnection: close\r\n\r\n",
                "GET /cookie HTTP/1.1\r\nHost: a.test,evil.test\r\nConnection: close\r\n\r\n",
                "GET /cookie HTTP/1.1\r\nHost: a.test%3BDomain=evil\r\nConnection: close\r\n\r\n",
                "GET http://a.test;Domain=evil/cookie HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n",
                "GET http://a.test,evil.test/cookie HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n")) {
            String answer = raw(web, request);
            assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), request + " -> " + answer);
            assertFalse(answer.contains("evil"), answer);
        }
        assertEquals(0, app.seen().size(), "nothing reached the upstream");

        String good = raw(web, "GET /cookie HTTP/1.1\r\nHost: a.test:8080\r\nConnection: close\r\n\r\n");
        assertTrue(good.startsWith("HTTP/1.1 200 ") && good.toLowerCase().contains("set-cookie: sid=42; domain=a.test; path=/\r\n"),
                good);
    }

    /**
     * An absolute-form target is routed by its authority (RFC 9112 §3.2.2), and the upstream is
     * told that host in Host and X-Forwarded-Host; the ignored Host field once went on in
     * X-Forwarded-Host.
     */
    @Test
    void anAbsoluteFormTargetsAuthorityIsTheHostUpstreamIsTold() throws Exception {
        HttpUpstream a = resources.track(new HttpUpstream("a"));
        HttpUpstream b = resources.track(new HttpUpstream("b"));
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", null)
                        .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(RouteConfig.of("a.test", "a"),
                                RouteConfig.of("b.test", "b"))))),
                List.of(PoolConfig.of("a", UpstreamConfig.of(a.address())), PoolConfig.of("b", UpstreamConfig.of(b.address())))),
                BalorOptions.defaults().withLoops(1)));
        String answer = raw(balor.boundAddress("web"),
                "GET http://b.test/x HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
        assertTrue(answer.endsWith("b GET /x 0"), "routed by the authority: " + answer);
        HttpUpstream.Seen seen = b.seen().get(0);
        assertEquals("b.test", seen.header("Host"));
        assertEquals("b.test", seen.header("X-forwarded-host"));
        assertEquals(0, a.seen().size());
    }

    // ---- Max-Forwards, OPTIONS, TRACE (RFC 9110 §7.6.2, §9.3.7, §9.3.8)

    /** Balor is the final recipient of an OPTIONS with {@code Max-Forwards: 0}: it answers, and keeps the connection. */
    @Test
    void optionsWithMaxForwardsZeroIsAnsweredByBalorItself() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(app);
        try (Socket client = Clients.connect(balor.boundAddress("web"))) {
            InputStream in = client.getInputStream();
            for (String target : List.of("*", "/x")) {
                client.getOutputStream().write(("OPTIONS " + target + " HTTP/1.1\r\nHost: a\r\nMax-Forwards: 0\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String head = Clients.readHead(in);
                assertEquals("HTTP/1.1 200 OK\r\nAllow: GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH\r\n"
                        + "Content-Length: 0\r\n\r\n", head, "OPTIONS " + target);
            }
            client.getOutputStream().write("GET /after HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String after = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(after.startsWith("HTTP/1.1 200 ") && after.endsWith("app GET /after 0"), after);
        }
        assertEquals(1, app.seen().size(), "only the GET reached the upstream: " + app.seen());
        Await.until("three responses counted", () -> balor.listenerStats().get(0).requests() == 3);
    }

    @Test
    void optionsWithMaxForwardsAboveZeroIsForwardedLessOne() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(app);
        InetSocketAddress web = balor.boundAddress("web");
        String answer = raw(web, "OPTIONS /x HTTP/1.1\r\nHost: a\r\nMax-Forwards: 10\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200 ") && answer.endsWith("app OPTIONS /x 0"), answer);
        assertEquals("9", app.seen().get(0).header("Max-forwards"));
        raw(web, "GET /y HTTP/1.1\r\nHost: a\r\nMax-Forwards: 0\r\nConnection: close\r\n\r\n");
        assertEquals("0", app.seen().get(1).header("Max-forwards"), "on other methods Balor leaves it alone");
    }

    @Test
    void anInvalidMaxForwardsOnOptionsIs400() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(app);
        String answer = raw(balor.boundAddress("web"), "OPTIONS /x HTTP/1.1\r\nHost: a\r\nMax-Forwards: 1, 0\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertEquals(0, app.seen().size());
    }

    /** TRACE reflects cookies and credentials back (cross-site tracing): refused by policy, whatever its Max-Forwards. */
    @Test
    void traceIsRefusedWith405AndNeverForwarded() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(app);
        for (String maxForwards : List.of("", "Max-Forwards: 0\r\n", "Max-Forwards: 3\r\n")) {
            String answer = raw(balor.boundAddress("web"), "TRACE / HTTP/1.1\r\nHost: a\r\n" + maxForwards
                    + "Cookie: secret=1\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 405 Method Not Allowed\r\n"), answer);
            assertTrue(answer.contains("\r\nAllow: GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH\r\n"), answer);
            assertFalse(answer.contains("secret"), answer);
        }
        assertEquals(0, app.seen().size());
    }

    // ---- helpers

    static String raw(InetSocketAddress address, String request) throws IOException {
        try (Socket socket = Clients.connect(address)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
