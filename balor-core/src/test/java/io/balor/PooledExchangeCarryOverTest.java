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
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A loop's exchanges are reused by one client after another: what one client's request left in
 * an exchange (its path, method, route, pool, upstream) must not show up in the access-log record
 * or the route and pool counters of the next client's head, refused before it was whole. One loop,
 * so the second client gets the exchange the first one gave back; real sockets.
 */
class PooledExchangeCarryOverTest {

    private final TestResources resources = new TestResources();

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private static String send(InetSocketAddress address, String raw) throws IOException {
        try (Socket socket = Clients.connect(address)) {
            socket.getOutputStream().write(raw.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).substring(9, 12);
        }
    }

    @Test
    void aRefusedHeadDoesNotLogThePreviousClientsRequest() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();   // nothing listens there afterwards: connects are refused (502)
        }
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", null)
                        .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(new RouteConfig("app.example", "/api", "app"))))),
                List.of(PoolConfig.of("app", UpstreamConfig.of("127.0.0.1:" + dead)))),
                BalorOptions.defaults().withLoops(1).withAccessLog(AccessLogOptions.MEMORY)));
        InetSocketAddress web = balor.boundAddress("web");

        // Client A's exchange is not sampled (but for a 1 in 10,000 chance): it never reaches the
        // log, which is when its path used to stay behind in the exchange.
        balor.accessLogSampling(1);
        assertEquals("502", send(web, "GET /api/secret?token=s3cr3t HTTP/1.1\r\nHost: app.example\r\n"
                + "Connection: close\r\n\r\n"));
        balor.accessLogSampling(10_000);
        // Client B, a new connection on the same (only) loop: a request line with a bare LF.
        assertEquals("400", send(web, "GET /b HTTP/1.1\nHost: b.example\r\n\r\n"));

        Await.until("the 400 line", () -> balor.recentAccessLog(100).stream().anyMatch(l -> l.contains("\"status\":400")));
        String line = balor.recentAccessLog(100).stream().filter(l -> l.contains("\"status\":400")).findFirst().orElseThrow();
        assertFalse(line.contains("s3cr3t"), "client A's path in client B's record: " + line);
        assertTrue(line.contains("\"route\":null"), "client A's route in client B's record: " + line);
    }

    /** Every exchange sampled: the path is not carried over, but the previous client's route, pool and method are. */
    @Test
    void aRefusedHeadIsNotCountedUnderThePreviousClientsRoute() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", null)
                        .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(new RouteConfig("app.example", "/api", "app"))))),
                List.of(PoolConfig.of("app", UpstreamConfig.of("127.0.0.1:" + dead)))),
                BalorOptions.defaults().withLoops(1).withAccessLog(AccessLogOptions.MEMORY)));
        InetSocketAddress web = balor.boundAddress("web");
        assertEquals("502", send(web, "POST /api/x HTTP/1.1\r\nHost: app.example\r\nContent-Length: 0\r\n"
                + "Connection: close\r\n\r\n"));
        assertEquals("400", send(web, "GET /b HTTP/1.1\nHost: b.example\r\n\r\n"));
        Await.until("the 400 line", () -> balor.recentAccessLog(100).stream().anyMatch(l -> l.contains("\"status\":400")));
        String line = balor.recentAccessLog(100).stream().filter(l -> l.contains("\"status\":400")).findFirst().orElseThrow();
        assertTrue(line.contains("\"route\":null") && !line.contains("POST"), "client A's route/method in client B's record: " + line);
    }
}
