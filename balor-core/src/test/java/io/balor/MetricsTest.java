package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.RateLimitConfig;
import io.balor.config.RouteConfig;
import io.balor.config.UpstreamConfig;
import io.balor.metrics.PrometheusParser;
import io.balor.time.ManualTicker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code Balor.metrics()} against the requests really sent, read with a strict parser. */
class MetricsTest {

    private final TestResources resources = new TestResources();
    private final ManualTicker ticker = new ManualTicker();

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private static String get(InetSocketAddress address, String host) throws IOException {
        try (Socket socket = Clients.connect(address)) {
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).substring(9, 12);
        }
    }

    @Test
    void countersAndTheDurationHistogramMatchWhatWasSent() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        TestServer echo = resources.track(TestServer.echo());
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(
                ListenerConfig.http("web", "127.0.0.1:0", null).withRateLimit(RateLimitConfig.of(0.001, 8))
                        .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(RouteConfig.of("app.example", "app")))),
                ListenerConfig.tcp("l4", "127.0.0.1:0", "echo")),
                List.of(PoolConfig.of("app", UpstreamConfig.of(app.address())),
                        PoolConfig.of("echo", UpstreamConfig.of(echo.address())))),
                BalorOptions.defaults().withLoops(2).withTicker(ticker)));
        InetSocketAddress web = balor.boundAddress("web");
        for (int i = 0; i < 5; i++) {
            assertEquals("200", get(web, "app.example"));
        }
        for (int i = 0; i < 3; i++) {
            assertEquals("404", get(web, "nowhere.example"));
        }
        assertEquals("429", get(web, "app.example"), "the listener's 8 tokens are spent (5 answered, 3 not found)");
        // One request whose head takes 30 ms of ticker time: it lands in the 0.05 s bucket.
        try (Socket slow = Clients.connect(web)) {
            slow.getOutputStream().write("GET / HTTP/1.1\r\nHost: app".getBytes(StandardCharsets.US_ASCII));
            Await.until("the partial head is read", () -> balor.sessions().stream()
                    .anyMatch(s -> s.listener().equals("web") && s.bytesFromClient() > 0));
            ticker.advance(Duration.ofMillis(30));
            slow.getOutputStream().write(".example\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(slow.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 429"), answer);
        }
        try (Socket tcp = Clients.connect(balor.boundAddress("l4"))) {
            assertEquals("x", Clients.roundTrip(tcp, "x"));
        }

        Await.until("every response is counted", () -> PrometheusParser.parse(balor.metrics())
                .value("balor_http_request_duration_seconds_count", "listener", "web") == 10);
        PrometheusParser metrics = PrometheusParser.parse(balor.metrics());
        assertEquals(5, metrics.value("balor_http_requests_total", "listener", "web", "status", "200"));
        assertEquals(3, metrics.value("balor_http_requests_total", "listener", "web", "status", "404"));
        assertEquals(2, metrics.value("balor_http_requests_total", "listener", "web", "status", "429"));
        assertEquals(2, metrics.value("balor_rate_limited_total", "listener", "web"));
        assertEquals("histogram", metrics.type("balor_http_request_duration_seconds"));
        assertEquals(9, metrics.value("balor_http_request_duration_seconds_bucket", "listener", "web", "le", "0.025"),
                "nine took no ticker time");
        assertEquals(10, metrics.value("balor_http_request_duration_seconds_bucket", "listener", "web", "le", "0.05"));
        assertEquals(0.03, metrics.value("balor_http_request_duration_seconds_sum", "listener", "web"), 1e-9);
        assertEquals(10, metrics.value("balor_tcp_connections_total", "listener", "web"));
        assertEquals(1, metrics.value("balor_tcp_connections_total", "listener", "l4"));
        assertTrue(Double.isNaN(metrics.value("balor_http_requests_total", "listener", "l4", "status", "200")),
                "TCP listeners have no HTTP families");
    }

    @Test
    void aRequestRefusedBeforeItIsForwardedIsTimedFromTheFirstByteOfItsHead() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(
                ListenerConfig.http("web", "127.0.0.1:0", null)
                        .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(RouteConfig.of("app.example", "app"))))),
                List.of(PoolConfig.of("app", UpstreamConfig.of(app.address())))),
                BalorOptions.defaults().withLoops(1).withTicker(ticker)));
        InetSocketAddress web = balor.boundAddress("web");
        for (String method : List.of("GET", "TRACE")) {   // no route (404), and one Balor answers itself (405)
            try (Socket slow = Clients.connect(web)) {
                slow.getOutputStream().write((method + " / HTTP/1.1\r\nHost: nowhere").getBytes(StandardCharsets.US_ASCII));
                Await.until("the partial head is read", () -> balor.sessions().stream()
                        .anyMatch(s -> s.bytesFromClient() > 0 && "idle".equals(s.state())));
                ticker.advance(Duration.ofMillis(30));
                slow.getOutputStream().write(".example\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(slow.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(answer.startsWith(method.equals("GET") ? "HTTP/1.1 404" : "HTTP/1.1 405"), answer);
            }
        }
        Await.until("both answers are counted", () -> PrometheusParser.parse(balor.metrics())
                .value("balor_http_request_duration_seconds_count", "listener", "web") == 2);
        assertEquals(0.06, PrometheusParser.parse(balor.metrics())
                .value("balor_http_request_duration_seconds_sum", "listener", "web"), 1e-9, "30 ms each, from the head's first byte");
    }

    @Test
    void latencyQuantilesCoverTheLastMinute() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")),
                List.of(PoolConfig.of("app", UpstreamConfig.of(app.address())))),
                BalorOptions.defaults().withLoops(1).withTicker(ticker)));
        InetSocketAddress web = balor.boundAddress("web");
        assertEquals(0, balor.latency().get(0).count(), "nothing yet");
        for (int i = 0; i < 4; i++) {
            assertEquals("200", get(web, "a"));
        }
        ticker.advance(Duration.ofSeconds(30));
        LatencySummary first = awaitCount(balor, 4);
        assertEquals(0.0005, first.p50(), 1e-9, "four requests of no ticker time: the middle of the first bucket");
        assertEquals(30, first.windowSeconds(), 1e-9);

        ticker.advance(Duration.ofSeconds(40));
        assertEquals(4, balor.latency().get(0).count(), "the base is still the snapshot at the start");
        for (int i = 0; i < 2; i++) {
            slowRequest(balor, web, Duration.ofMillis(30));
        }
        ticker.advance(Duration.ofSeconds(30));
        LatencySummary later = awaitCount(balor, 2);
        assertEquals(70.06, later.windowSeconds(), 1e-9, "the base moved to the snapshot taken at 30 s (the slow heads took 60 ms)");
        assertTrue(later.p50() > 0.025 && later.p50() <= 0.05, "the 30 ms requests' bucket: " + later);
    }

    private static LatencySummary awaitCount(Balor balor, long count) {
        LatencySummary[] last = new LatencySummary[1];
        Await.until("a window of " + count + " requests", () -> (last[0] = balor.latency().get(0)).count() == count);
        return last[0];
    }

    private void slowRequest(Balor balor, InetSocketAddress web, Duration headTime) throws IOException {
        try (Socket slow = Clients.connect(web)) {
            slow.getOutputStream().write("GET / HTTP/1.1\r\nHost: a".getBytes(StandardCharsets.US_ASCII));
            Await.until("the partial head is read", () -> balor.sessions().stream()
                    .anyMatch(s -> s.bytesFromClient() > 0 && "idle".equals(s.state())));
            ticker.advance(headTime);
            slow.getOutputStream().write("\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(slow.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
    }

    @Test
    void theParserRefusesBrokenText() {
        String good = "# HELP a_total A.\n# TYPE a_total counter\na_total{l=\"x\"} 1\n";
        PrometheusParser.parse(good);
        assertThrows(AssertionError.class, () -> PrometheusParser.parse("a_total 1\n"), "no TYPE");
        assertThrows(AssertionError.class, () -> PrometheusParser.parse(good + "a_total{l=\"x\"} 2\n"), "repeated");
        assertThrows(AssertionError.class, () -> PrometheusParser.parse(good.replace("\"x\"", "x")), "unquoted");
        assertThrows(AssertionError.class, () -> PrometheusParser.parse("# HELP h H.\n# TYPE h histogram\n"
                + "h_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n"), "not cumulative");
        assertThrows(AssertionError.class, () -> PrometheusParser.parse("# HELP h H.\n# TYPE h histogram\n"
                + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n"), "+Inf differs from _count");
    }
}
