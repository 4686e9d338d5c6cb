package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.RateLimitConfig;
import io.balor.config.RouteConfig;
import io.balor.config.UpstreamConfig;
import io.balor.time.ManualTicker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Token-bucket rate limits on real sockets, with time driven by a manual ticker. */
class RateLimitTest {

    private final TestResources resources = new TestResources();
    private final ManualTicker ticker = new ManualTicker();

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private Balor start(ListenerConfig... listeners) throws IOException {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        TestServer echo = resources.track(TestServer.echo());
        return resources.track(Balor.start(new BalorConfig(List.of(listeners),
                List.of(PoolConfig.of("app", UpstreamConfig.of(app.address())),
                        PoolConfig.of("echo", UpstreamConfig.of(echo.address())))),
                BalorOptions.defaults().withLoops(2).withTicker(ticker)));
    }

    /** One request on its own connection from {@code from}; the status line and Retry-After. */
    private static String get(Balor balor, String from, String host, String path) throws IOException {
        InetSocketAddress target = balor.boundAddress("web");
        try (Socket socket = new Socket(target.getAddress(), target.getPort(), InetAddress.getByName(from), 0)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            String status = answer.substring(9, 12);
            int at = answer.indexOf("Retry-After: ");
            return at < 0 ? status : status + " retry " + answer.substring(at + 13, answer.indexOf('\r', at));
        }
    }

    private static long limited(Balor balor, String listener) {
        return balor.listenerStats().stream().filter(s -> s.name().equals(listener)).findFirst().orElseThrow()
                .rateLimited();
    }

    /** Issue 12: the 429 carries its reason phrase (a raw socket reads the status line as sent). */
    @Test
    void theTooManyRequestsAnswerHasItsReasonPhrase() throws Exception {
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "app").withRateLimit(RateLimitConfig.of(0.1, 1)));
        assertEquals("HTTP/1.1 200 OK", statusLine(balor), "the upstream's own line");
        assertEquals("HTTP/1.1 429 Too Many Requests", statusLine(balor));
    }

    private static String statusLine(Balor balor) throws IOException {
        try (Socket socket = Clients.connect(balor.boundAddress("web"))) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return answer.substring(0, answer.indexOf("\r\n"));
        }
    }

    @Test
    void aBurstPassesThenTheRateHoldsAndRetryAfterSaysWhenTheNextTokenIsDue() throws Exception {
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "app")
                .withRateLimit(RateLimitConfig.of(0.1, 3)));   // one token every 10 s, three saved
        for (int i = 0; i < 3; i++) {
            assertEquals("200", get(balor, "127.0.0.1", "a", "/" + i));
        }
        assertEquals("429 retry 10", get(balor, "127.0.0.1", "a", "/over"), "the next token is 10 s away");
        ticker.advance(Duration.ofSeconds(4));
        assertEquals("429 retry 6", get(balor, "127.0.0.1", "a", "/over"), "computed, not a constant");
        ticker.advance(Duration.ofMillis(5_500));
        assertEquals("429 retry 1", get(balor, "127.0.0.1", "a", "/over"), "0.5 s rounds up to a whole second");
        ticker.advance(Duration.ofMillis(500));
        assertEquals("200", get(balor, "127.0.0.1", "a", "/again"), "one token came back");
        assertEquals("429 retry 10", get(balor, "127.0.0.1", "a", "/over"));
        assertEquals(4, limited(balor, "web"));
    }

    @Test
    void perClientBucketsKeepClientsApart() throws Exception {
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "app")
                .withRateLimit(RateLimitConfig.of(1, 2).perClientIp()));
        assertEquals("200", get(balor, "127.0.0.1", "a", "/"));
        assertEquals("200", get(balor, "127.0.0.1", "a", "/"));
        assertEquals("429 retry 1", get(balor, "127.0.0.1", "a", "/"));
        assertEquals("200", get(balor, "127.0.0.2", "a", "/"), "another address has its own bucket");
        assertEquals("200", get(balor, "127.0.0.2", "a", "/"));
        assertEquals("429 retry 1", get(balor, "127.0.0.2", "a", "/"));
    }

    @Test
    void listenerAndRouteLimitsBothApply() throws Exception {
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "app")
                .withRateLimit(RateLimitConfig.of(1, 4))
                .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(
                        RouteConfig.of("api.example", "app").withRateLimit(RateLimitConfig.of(0.5, 1)),
                        RouteConfig.of("*.example", "app")))));
        assertEquals("200", get(balor, "127.0.0.1", "api.example", "/"));
        assertEquals("429 retry 2", get(balor, "127.0.0.1", "api.example", "/"), "the route's own bucket is empty");
        assertEquals("200", get(balor, "127.0.0.1", "www.example", "/"), "other routes only meet the listener's");
        assertEquals("200", get(balor, "127.0.0.1", "www.example", "/"));
        // The listener's four tokens: api (1), api refused by its route (1), www (2): none left.
        assertEquals("429 retry 1", get(balor, "127.0.0.1", "www.example", "/"));
        ticker.advance(Duration.ofSeconds(2));
        assertEquals("200", get(balor, "127.0.0.1", "api.example", "/"), "both buckets have a token again");
    }

    @Test
    void anApplyKeepsTheBucketsOfLimitsItLeavesAlone() throws Exception {
        ListenerConfig web = ListenerConfig.http("web", "127.0.0.1:0", "app").withRateLimit(RateLimitConfig.of(0.1, 1));
        Balor balor = start(web);
        assertEquals("200", get(balor, "127.0.0.1", "a", "/"));
        assertEquals("429 retry 10", get(balor, "127.0.0.1", "a", "/"));

        BalorConfig config = balor.config();
        balor.apply(config.withListeners(List.of(config.listener("web"),
                ListenerConfig.http("other", "127.0.0.1:0", "app"))));
        assertEquals("429 retry 10", get(balor, "127.0.0.1", "a", "/"), "an unrelated change keeps the bucket");

        balor.apply(config.withListeners(List.of(config.listener("web").withRateLimit(RateLimitConfig.of(0.1, 2)))));
        assertEquals("200", get(balor, "127.0.0.1", "a", "/"), "a changed limit starts full");
    }

    @Test
    void aTcpListenerLimitsNewConnections() throws Exception {
        Balor balor = start(ListenerConfig.tcp("web", "127.0.0.1:0", "echo").withRateLimit(RateLimitConfig.of(1, 2)));
        InetSocketAddress address = balor.boundAddress("web");
        try (Socket first = Clients.connect(address); Socket second = Clients.connect(address)) {
            assertEquals("one", Clients.roundTrip(first, "one"));
            assertEquals("two", Clients.roundTrip(second, "two"));
            try (Socket third = Clients.connect(address)) {
                third.setSoTimeout(10_000);
                assertEquals(-1, third.getInputStream().read(), "over the rate: closed at once");
            }
            Await.until("the refusal is counted", () -> limited(balor, "web") == 1);
            ticker.advance(Duration.ofSeconds(1));
            try (Socket fourth = Clients.connect(address)) {
                assertEquals("four", Clients.roundTrip(fourth, "four"), "a token came back after 1 s");
            }
        }
    }

    @Test
    void limitsAreCheckedWithTheirPaths() {
        io.balor.config.InvalidConfigException refused = org.junit.jupiter.api.Assertions.assertThrows(
                io.balor.config.InvalidConfigException.class, () -> new BalorConfig(List.of(
                        ListenerConfig.http("web", "127.0.0.1:0", "app").withRateLimit(new RateLimitConfig(0, 0, false))
                                .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(RouteConfig.of("a", "app")
                                        .withRateLimit(RateLimitConfig.of(Double.NaN, 1))))),
                        ListenerConfig.tcp("sni", "127.0.0.1:0", "app").withTls(io.balor.config.TlsConfig.passthrough())
                                .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(RouteConfig.of("b", "app")
                                        .withRateLimit(RateLimitConfig.of(1, 1)))))),
                        List.of(PoolConfig.of("app", UpstreamConfig.of("127.0.0.1:1")))));
        String message = refused.getMessage();
        for (String path : List.of("listeners[0].rate_limit.rps", "listeners[0].rate_limit.burst",
                "listeners[0].host_routes[0].rate_limit.rps", "listeners[1].host_routes[0].rate_limit")) {
            assertTrue(message.contains(path + ":"), path + " in " + message);
        }
    }
}
