package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
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

    // ---- helpers

    static String raw(InetSocketAddress address, String request) throws IOException {
        try (Socket socket = Clients.connect(address)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Reads up to and including the blank line that ends a head. */
    static String readHead(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        while (!text.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after: " + text);
            }
            text.append((char) b);
        }
        return text.toString();
    }
}
