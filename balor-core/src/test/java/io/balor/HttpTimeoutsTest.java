package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;
import io.balor.config.UpstreamTimeouts;
import io.balor.time.ManualTicker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTP timeouts and limits, with time driven by a manual ticker: 408, 504, 413, keep-alive close. */
class HttpTimeoutsTest {

    private final TestResources resources = new TestResources();
    private final ManualTicker ticker = new ManualTicker();

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private Balor start(String upstream, HttpSettings http) {
        return resources.track(Balor.start(new BalorConfig(
                List.of(ListenerConfig.http("web", "127.0.0.1:0", "app").withHttp(http)),
                List.of(PoolConfig.of("app", UpstreamConfig.of(upstream)))),
                BalorOptions.defaults().withLoops(1).withTicker(ticker)));
    }

    /** Moves time past {@code step} and wakes the loop so that it sees it. */
    private void pass(Balor balor, Duration step) {
        ticker.advance(step);
        balor.sessions();
    }

    @Test
    void aSlowRequestHeadGets408() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(app.address(), HttpSettings.DEFAULT);
        try (Socket client = Clients.connect(balor.boundAddress("web"))) {
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n".getBytes(StandardCharsets.US_ASCII));
            Await.until("the partial head is read", () -> "idle".equals(state(balor)));
            pass(balor, Duration.ofSeconds(9));
            assertEquals(1, balor.sessions().size());
            pass(balor, Duration.ofSeconds(2));
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
        }
        assertEquals(0, app.seen().size());
    }

    @Test
    void anUpstreamThatDoesNotAnswerGets504() throws Exception {
        TestServer silent = resources.track(new TestServer(socket -> socket.getInputStream().readAllBytes()));
        Balor balor = start(silent.address(), HttpSettings.DEFAULT);
        try (Socket client = Clients.connect(balor.boundAddress("web"))) {
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Await.until("the request is forwarded", () -> silent.accepted() == 1 && "exchange".equals(state(balor)));
            pass(balor, Duration.ofSeconds(59));
            assertEquals(1, balor.sessions().size());
            pass(balor, Duration.ofSeconds(2));
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 504 Gateway Timeout\r\n"), answer);
        }
    }

    @Test
    void aPoolsOwnResponseTimeoutWinsOverTheListeners() throws Exception {
        TestServer silent = resources.track(new TestServer(socket -> socket.getInputStream().readAllBytes()));
        Balor balor = resources.track(Balor.start(new BalorConfig(
                List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")),
                List.of(PoolConfig.of("app", UpstreamConfig.of(silent.address()))
                        .withTimeouts(new UpstreamTimeouts(null, Duration.ofSeconds(5))))),
                BalorOptions.defaults().withLoops(1).withTicker(ticker)));
        try (Socket client = Clients.connect(balor.boundAddress("web"))) {
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Await.until("the request is forwarded", () -> silent.accepted() == 1 && "exchange".equals(state(balor)));
            pass(balor, Duration.ofSeconds(6));
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 504 "), "the pool's 5 s, not the listener's 60 s: " + answer);
        }
    }

    @Test
    void bodiesOverTheLimitGet413() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(app.address(), HttpSettings.DEFAULT.withMaxBodyBytes(1000));
        assertTrue(raw(balor, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1001\r\n\r\n").startsWith("HTTP/1.1 413 "));
        assertTrue(raw(balor, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n")
                .startsWith("HTTP/1.1 413 "), "a chunk announcing more than the limit is refused before its data");
        assertEquals(0, app.seen().size());
        assertTrue(raw(balor, "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n"
                + "x".repeat(1000)).startsWith("HTTP/1.1 200 "));
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterItsTimeout() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(app.address(), HttpSettings.DEFAULT);
        try (Socket client = Clients.connect(balor.boundAddress("web"))) {
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buffer = new byte[4096];
            assertTrue(client.getInputStream().read(buffer) > 0);
            Await.until("the exchange is over", () -> "idle".equals(state(balor)));
            pass(balor, Duration.ofSeconds(61));
            Await.until("the idle client is closed", () -> balor.sessions().isEmpty());
        }
    }

    private static String state(Balor balor) {
        List<SessionInfo> sessions = balor.sessions();
        return sessions.size() == 1 ? sessions.get(0).state() : null;
    }

    private static String raw(Balor balor, String text) throws IOException {
        try (Socket socket = Clients.connect(balor.boundAddress("web"))) {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
