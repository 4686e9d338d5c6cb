package io.balor;

import io.balor.LatencySummary.Scope;
import io.balor.config.BalorConfig;
import io.balor.config.HealthCheckConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PassiveHealthConfig;
import io.balor.config.PoolConfig;
import io.balor.config.RateLimitConfig;
import io.balor.config.RouteConfig;
import io.balor.config.UpstreamConfig;
import io.balor.metrics.PrometheusParser;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The route, pool and upstream families of {@code Balor.metrics()} and the per-scope
 * {@code Balor.latency()}, against what really happened: requests answered by real upstreams
 * on 127.0.0.1, bytes counted by the clients and by a raw upstream, connects refused by a freed
 * port, probes recorded by the health checker. Two loops on a manual ticker; every scrape is
 * read with the strict parser (HELP and TYPE per family, cumulative buckets, +Inf == _count).
 */
class TrafficMetricsTest extends ApplyTestBase {

    private static final Duration EJECT = Duration.ofSeconds(30);
    private static final HealthCheckConfig CHECK = HealthCheckConfig.http("/healthz")
            .withInterval(Duration.ofMillis(20)).withTimeout(Duration.ofSeconds(1)).withRise(1).withFall(1);
    /** The {@code le} labels of every duration histogram, in order. */
    private static final List<String> BOUNDS = List.of("0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
            "0.25", "0.5", "1", "2.5", "5", "10", "+Inf");
    private static final List<String> CLASSES = List.of("other", "1xx", "2xx", "3xx", "4xx", "5xx");

    // ---- 1. requests by status class

    @Test
    void routesPoolsAndUpstreamsCountRequestsByStatusClass() throws Exception {
        HttpUpstream a1 = track(new HttpUpstream("a1"));
        HttpUpstream a2 = track(new HttpUpstream("a2"));
        HttpUpstream b = track(new HttpUpstream("b"));
        HttpUpstream c = track(new HttpUpstream("c"));
        Balor balor = start(new BalorConfig(List.of(
                routed("web", RouteConfig.of("a.example", "alpha"), new RouteConfig("b.example", "/api", "beta"),
                        RouteConfig.of("c.example", "beta").withRateLimit(RateLimitConfig.of(0.001, 1))),
                ListenerConfig.http("site", "127.0.0.1:0", "gamma")),
                List.of(PoolConfig.of("alpha", UpstreamConfig.of(a1.address()), UpstreamConfig.of(a2.address())),
                        PoolConfig.of("beta", UpstreamConfig.of(b.address())),
                        PoolConfig.of("gamma", UpstreamConfig.of(c.address())))));
        InetSocketAddress web = balor.boundAddress("web");
        InetSocketAddress site = balor.boundAddress("site");
        for (int i = 0; i < 8; i++) {
            assertEquals(200, status(web, "a.example", "/"));
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(503, status(web, "a.example", "/status/503"), "the upstream's own 503");
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(200, status(web, "b.example", "/api/x"));
        }
        assertEquals(404, status(web, "b.example", "/other"), "outside the route's prefix");
        for (int i = 0; i < 2; i++) {
            assertEquals(404, status(web, "nowhere.example", "/"));
        }
        assertEquals(200, status(web, "c.example", "/"));
        assertEquals(429, status(web, "c.example", "/"), "the route's one token is spent");
        for (int i = 0; i < 4; i++) {
            assertEquals(200, status(site, "any.example", "/"));
        }
        // One kept-alive connection through three routes: the last one's 429 is not charged to
        // the pool the connection's previous request went to.
        try (Socket socket = Clients.connect(web)) {
            assertEquals(200, keptAlive(socket, "a.example", "/"));
            assertEquals(200, keptAlive(socket, "b.example", "/api/y"));
            assertEquals(429, keptAlive(socket, "c.example", "/"));
        }

        Await.until("every exchange is counted", () -> {
            PrometheusParser m = scrape(balor);
            return m.value("balor_http_request_duration_seconds_count", "listener", "web") == 21
                    && m.value("balor_http_request_duration_seconds_count", "listener", "site") == 4
                    && upstreamCount(m, "alpha", a1) + upstreamCount(m, "alpha", a2) == 11
                    && upstreamCount(m, "beta", b) == 5 && upstreamCount(m, "gamma", c) == 4;
        });
        PrometheusParser m = scrape(balor);
        assertEquals(9, m.value("balor_route_requests_total", route("web", "a.example", "2xx")));
        assertEquals(2, m.value("balor_route_requests_total", route("web", "a.example", "5xx")));
        assertNaN(m.value("balor_route_requests_total", route("web", "a.example", "4xx")), "zero classes are left out");
        assertEquals(4, m.value("balor_route_requests_total", route("web", "b.example/api", "2xx")));
        assertNaN(m.value("balor_route_requests_total", route("web", "b.example/api", "4xx")),
                "a 404 outside the prefix is no route's");
        assertEquals(1, m.value("balor_route_requests_total", route("web", "c.example", "2xx")));
        assertEquals(2, m.value("balor_route_requests_total", route("web", "c.example", "4xx")), "the route's 429s");
        assertEquals(4, m.value("balor_route_requests_total", route("site", "*", "2xx")), "a default pool's route is *");
        assertEquals(Set.of(Map.of("listener", "web", "route", "a.example"),
                        Map.of("listener", "web", "route", "b.example/api"), Map.of("listener", "web", "route", "c.example"),
                        Map.of("listener", "site", "route", "*")),
                series(m, "balor_route_requests_total"), "404s count on no route");
        assertEquals(series(m, "balor_route_requests_total"), series(m, "balor_route_request_duration_seconds_count"));
        assertEquals(11, m.value("balor_route_request_duration_seconds_count", "listener", "web", "route", "a.example"));
        assertEquals(3, m.value("balor_route_request_duration_seconds_count", "listener", "web", "route", "c.example"));

        assertEquals(9, m.value("balor_pool_requests_total", "pool", "alpha", "code", "2xx"));
        assertEquals(2, m.value("balor_pool_requests_total", "pool", "alpha", "code", "5xx"));
        assertEquals(5, m.value("balor_pool_requests_total", "pool", "beta", "code", "2xx"), "b.example/api and c.example");
        for (String pool : List.of("alpha", "beta", "gamma")) {
            assertNaN(m.value("balor_pool_requests_total", "pool", pool, "code", "4xx"), "a route's 429 is not a pool's");
        }
        assertEquals(4, m.value("balor_pool_requests_total", "pool", "gamma", "code", "2xx"));
        assertEquals(5, m.value("balor_pool_request_duration_seconds_count", "pool", "beta"));

        // Each upstream's counts are what it saw itself, and they add up to the pool's.
        for (HttpUpstream upstream : List.of(a1, a2)) {
            long errors = upstream.seen().stream().filter(seen -> seen.path().startsWith("/status/")).count();
            assertEquals(upstream.seen().size() - errors, valueOr0(m, "balor_upstream_requests_total",
                    upstreamLabels("alpha", upstream, "code", "2xx")), upstream.address());
            assertEquals(errors, valueOr0(m, "balor_upstream_requests_total",
                    upstreamLabels("alpha", upstream, "code", "5xx")), upstream.address());
            assertTrue(upstream.seen().size() >= 2, "round robin gave both some: " + upstream.seen().size());
        }
        for (String code : CLASSES) {
            assertEquals(valueOr0(m, "balor_pool_requests_total", "pool", "alpha", "code", code),
                    valueOr0(m, "balor_upstream_requests_total", upstreamLabels("alpha", a1, "code", code))
                            + valueOr0(m, "balor_upstream_requests_total", upstreamLabels("alpha", a2, "code", code)),
                    code);
        }
        assertEquals(5, m.value("balor_upstream_requests_total", upstreamLabels("beta", b, "code", "2xx")));
        assertEquals(4, m.value("balor_upstream_requests_total", upstreamLabels("gamma", c, "code", "2xx")));
        // The listener families are unchanged.
        assertEquals(3, m.value("balor_http_requests_total", "listener", "web", "status", "404"));
        assertEquals(2, m.value("balor_http_requests_total", "listener", "web", "status", "429"));
        assertEquals(2, m.value("balor_http_requests_total", "listener", "web", "status", "503"));
    }

    // ---- 2. bytes

    @Test
    void httpBytesAreCountedAsTheClientAndTheUpstreamSawThem() throws Exception {
        CountingUpstream upstream = track(new CountingUpstream());
        Balor balor = start(new BalorConfig(List.of(routed("web", RouteConfig.of("bytes.example", "raw"))),
                List.of(PoolConfig.of("raw", UpstreamConfig.of(upstream.address())))));
        InetSocketAddress web = balor.boundAddress("web");
        byte[] body = new byte[50_000];
        Arrays.fill(body, (byte) 'b');
        List<byte[]> requests = List.of(
                request("GET /size/100 HTTP/1.1\r\nHost: bytes.example\r\nConnection: close\r\n\r\n", new byte[0]),
                request("POST /size/200000 HTTP/1.1\r\nHost: bytes.example\r\nContent-Length: 50000\r\n"
                        + "Connection: close\r\n\r\n", body),
                request("GET / HTTP/1.1\r\nHost: nowhere.example\r\nConnection: close\r\n\r\n", new byte[0]));
        long clientSent = 0;
        long clientReceived = 0;
        List<String> statuses = new ArrayList<>();
        for (byte[] request : requests) {
            byte[] response = exchange(web, request);
            clientSent += request.length;
            clientReceived += response.length;
            statuses.add(new String(response, 0, 12, US_ASCII));
        }
        assertEquals(List.of("HTTP/1.1 200", "HTTP/1.1 200", "HTTP/1.1 404"), statuses);
        assertTrue(clientReceived > 200_000, "the big body came whole: " + clientReceived);

        Await.until("the upstream served both", () -> upstream.served.get() == 2);
        Await.until("web's sessions ended", () -> balor.sessions().stream().noneMatch(s -> s.listener().equals("web")));
        PrometheusParser m = scrape(balor);
        assertEquals(clientSent, m.value("balor_bytes_in_total", "listener", "web"), "bytes read from the client");
        assertEquals(clientReceived, m.value("balor_bytes_out_total", "listener", "web"), "bytes written to the client");
        String[] raw = {"pool", "raw", "upstream", upstream.address()};
        assertEquals(upstream.received.get(), m.value("balor_upstream_bytes_in_total", raw), "bytes sent to the upstream");
        assertEquals(upstream.sent.get(), m.value("balor_upstream_bytes_out_total", raw), "bytes read from the upstream");
        assertTrue(upstream.received.get() > 50_000, "the body went up: " + upstream.received.get());
        assertEquals(2, m.value("balor_upstream_connection_attempts_total", raw));
        assertEquals(0, m.value("balor_upstream_connection_errors_total", raw));
        assertEquals(2, m.value("balor_upstream_requests_total", "pool", "raw", "upstream", upstream.address(),
                "code", "2xx"));
    }

    @Test
    void tcpBytesAreCountedEachWayOnTheListenerAndItsInlineUpstream() throws Exception {
        TestServer echo = track(TestServer.echo());
        Balor balor = start(new BalorConfig(List.of(ListenerConfig.tcp("l4", "127.0.0.1:0", null)
                .withUpstreams(List.of(UpstreamConfig.of(echo.address())))), List.of()));
        byte[] chunk = new byte[10_000];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) i;
        }
        try (Socket socket = Clients.connect(balor.boundAddress("l4"))) {
            for (int i = 0; i < 10; i++) {
                socket.getOutputStream().write(chunk);
                assertArrayEquals(chunk, socket.getInputStream().readNBytes(chunk.length));
            }
        }
        Await.until("the tunnel ended", () -> balor.sessions().isEmpty());
        PrometheusParser m = scrape(balor);
        assertEquals(100_000, m.value("balor_bytes_in_total", "listener", "l4"));
        assertEquals(100_000, m.value("balor_bytes_out_total", "listener", "l4"));
        String[] inline = {"pool", "l4", "upstream", echo.address()};   // inline upstreams: the listener's pool
        assertEquals(100_000, m.value("balor_upstream_bytes_in_total", inline));
        assertEquals(100_000, m.value("balor_upstream_bytes_out_total", inline));
        assertEquals(1, m.value("balor_upstream_connection_attempts_total", inline));
        assertEquals(0, m.value("balor_upstream_connection_errors_total", inline));
        assertEquals(1, m.value("balor_upstream_up", inline));
        assertEquals(Set.of(), series(m, "balor_upstream_requests_total"), "a tunnel is no HTTP request");
        assertEquals(0, m.value("balor_upstream_request_duration_seconds_count", inline));
    }

    // ---- 3. connection errors

    @Test
    void refusedConnectsCountOnTheDeadUpstreamAndRequestsOnTheLiveOne() throws Exception {
        HttpUpstream live = track(new HttpUpstream("live"));
        String dead = TestServer.refusingAddress();
        Balor balor = start(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "flaky")
                .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(RouteConfig.of("gone.example", "gone"))))),
                List.of(PoolConfig.of("flaky", UpstreamConfig.of(dead), UpstreamConfig.of(live.address())),
                        PoolConfig.of("gone", UpstreamConfig.of(dead)))));
        InetSocketAddress web = balor.boundAddress("web");
        for (int i = 0; i < 6; i++) {
            assertEquals(200, status(web, "x.example", "/"), "a refused connect moves on to live");
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(502, status(web, "gone.example", "/"), "its only upstream refuses");
        }
        awaitValue(balor, 6, "balor_upstream_request_duration_seconds_count", "pool", "flaky", "upstream", live.address());
        awaitValue(balor, 2, "balor_pool_request_duration_seconds_count", "pool", "gone");
        PrometheusParser m = scrape(balor);
        String[] deadInFlaky = {"pool", "flaky", "upstream", dead};
        String[] liveInFlaky = {"pool", "flaky", "upstream", live.address()};
        String[] deadInGone = {"pool", "gone", "upstream", dead};
        double refused = m.value("balor_upstream_connection_errors_total", deadInFlaky);
        assertTrue(refused >= 1 && refused <= 6, "round robin picked dead first on each loop: " + refused);
        assertEquals(refused, m.value("balor_upstream_connection_attempts_total", deadInFlaky), "every attempt failed");
        assertEquals(0, m.value("balor_upstream_connection_errors_total", liveInFlaky));
        assertEquals(live.connections(), m.value("balor_upstream_connection_attempts_total", liveInFlaky),
                "one attempt per connection live accepted");
        assertEquals(6, m.value("balor_upstream_requests_total", with(liveInFlaky, "code", "2xx")));
        assertEquals(6, live.seen().size());
        assertEquals(0, m.value("balor_upstream_request_duration_seconds_count", deadInFlaky), "dead answered nothing");
        assertEquals(6, m.value("balor_pool_requests_total", "pool", "flaky", "code", "2xx"));
        assertEquals(6, m.value("balor_route_requests_total", route("web", "*", "2xx")));

        // The same address in another pool is another upstream; a 502 after every connect
        // failed is the route's and the pool's, not the upstream's.
        assertEquals(2, m.value("balor_upstream_connection_attempts_total", deadInGone));
        assertEquals(2, m.value("balor_upstream_connection_errors_total", deadInGone));
        assertEquals(2, m.value("balor_route_requests_total", route("web", "gone.example", "5xx")));
        assertEquals(2, m.value("balor_pool_requests_total", "pool", "gone", "code", "5xx"));
        assertEquals(0, m.value("balor_upstream_request_duration_seconds_count", deadInGone));
        assertFalse(series(m, "balor_upstream_requests_total").contains(Map.of("pool", "gone", "upstream", dead)),
                "the unreached upstream has no requests");
        assertEquals(refused + 2, m.value("balor_upstream_connect_failures_total", "listener", "web"),
                "the listener counts the same failures");
        assertEquals(2, m.value("balor_upstream_unavailable_total", "listener", "web"));
    }

    // ---- 4. health

    @Test
    void passiveEjectionsShowInUpAndEjectionsAndInUpstreamHealth() throws Exception {
        HttpUpstream u1 = track(new HttpUpstream("u1"));
        HttpUpstream u2 = track(new HttpUpstream("u2"));
        Balor balor = start(new BalorConfig(List.of(routed("web", RouteConfig.of("guarded.example", "guarded"),
                RouteConfig.of("passive.example", "passive"))),
                List.of(PoolConfig.of("guarded", UpstreamConfig.of(u1.address()))
                                .withPassiveHealth(new PassiveHealthConfig(2, EJECT, true)).withHealthCheck(CHECK),
                        PoolConfig.of("passive", UpstreamConfig.of(u2.address()))
                                .withPassiveHealth(new PassiveHealthConfig(1, EJECT, true)))));
        InetSocketAddress web = balor.boundAddress("web");
        String id1 = "guarded/" + u1.address();
        String[] guarded = {"pool", "guarded", "upstream", u1.address()};
        String[] passive = {"pool", "passive", "upstream", u2.address()};
        Await.until("guarded probed", () -> health(balor, id1).probes() > 0);
        String id2 = "passive/" + u2.address();
        assertEquals(List.of(id1, id2), balor.upstreamHealth().stream().map(UpstreamHealthStatus::upstream).toList(),
                "checked pools and passive-only ones have a health status");
        assertEquals(0, health(balor, id2).probes(), "passive health alone runs no probes");
        PrometheusParser before = scrape(balor);
        for (String[] upstream : List.of(guarded, passive)) {
            assertEquals(1, before.value("balor_upstream_up", upstream));
            assertEquals(0, before.value("balor_upstream_ejections_total", upstream));
        }

        assertEquals(503, status(web, "guarded.example", "/status/503"));
        assertEquals(503, status(web, "guarded.example", "/status/503"), "the second failure in a row ejects");
        assertEquals(500, status(web, "passive.example", "/status/500"), "one failure ejects");
        int seen1 = u1.seen().size();
        int seen2 = u2.seen().size();
        assertEquals(503, status(web, "guarded.example", "/x"), "ejected: the pool answers");
        assertEquals(503, status(web, "passive.example", "/x"));
        assertEquals(seen2, u2.seen().size(), "the ejected upstream saw nothing");
        List<HttpUpstream.Seen> sinceEjection = List.copyOf(u1.seen());
        assertTrue(sinceEjection.subList(seen1, sinceEjection.size()).stream().allMatch(s -> s.path().equals("/healthz")),
                "the ejected upstream saw only probes");

        awaitValue(balor, 2, "balor_route_request_duration_seconds_count", "listener", "web", "route", "passive.example");
        PrometheusParser m = scrape(balor);
        for (String[] upstream : List.of(guarded, passive)) {
            assertEquals(0, m.value("balor_upstream_up", upstream), "ejected: " + List.of(upstream));
            assertEquals(1, m.value("balor_upstream_ejections_total", upstream));
        }
        assertEquals(2, m.value("balor_upstream_requests_total", with(guarded, "code", "5xx")), "the upstream's own 503s");
        assertEquals(3, m.value("balor_pool_requests_total", "pool", "guarded", "code", "5xx"), "and the pool's");
        assertEquals(1, m.value("balor_upstream_requests_total", with(passive, "code", "5xx")));
        assertEquals(2, m.value("balor_pool_requests_total", "pool", "passive", "code", "5xx"));
        UpstreamHealthStatus passiveEjected = health(balor, id2);
        assertTrue(passiveEjected.ejected() && passiveEjected.ejections() == 1, passiveEjected.toString());
        UpstreamHealthStatus ejected = health(balor, id1);
        assertTrue(ejected.up(), "its checks still say up: " + ejected);
        assertTrue(ejected.ejected(), ejected.toString());
        assertEquals(1, ejected.ejections());
        assertEquals(0, ejected.failedProbes());
        assertTrue(m.value("balor_health_checks_total", with(guarded, "result", "success")) > 0);
        assertEquals(0, m.value("balor_health_checks_total", with(guarded, "result", "failure")));
        assertNaN(m.value("balor_health_checks_total", with(passive, "result", "success")),
                "passive health alone runs no probes");

        ticker.advance(EJECT);
        PrometheusParser after = scrape(balor);
        for (String[] upstream : List.of(guarded, passive)) {
            assertEquals(1, after.value("balor_upstream_up", upstream), "the ejection is over");
            assertEquals(1, after.value("balor_upstream_ejections_total", upstream), "and still counted");
        }
        UpstreamHealthStatus back = health(balor, id1);
        assertFalse(back.ejected(), back.toString());
        assertEquals(1, back.ejections());
        assertEquals(200, status(web, "guarded.example", "/x"));
    }

    @Test
    void activeProbesAreCountedBySuccessAndFailureAsUpstreamHealthSays() throws Exception {
        HttpUpstream live = track(new HttpUpstream("live"));
        HttpUpstream other = track(new HttpUpstream("other"));
        String dead = TestServer.refusingAddress();
        Balor balor = start(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "checked")
                .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(RouteConfig.of("plain.example", "plain"))))),
                List.of(PoolConfig.of("checked", UpstreamConfig.of(live.address()), UpstreamConfig.of(dead))
                                .withHealthCheck(CHECK),
                        PoolConfig.of("plain", UpstreamConfig.of(other.address())))));
        String idLive = "checked/" + live.address();
        String idDead = "checked/" + dead;
        Await.until("both probed a few times, dead down", () -> health(balor, idLive).probes() >= 3
                && health(balor, idDead).probes() >= 3 && !health(balor, idDead).up());
        InetSocketAddress web = balor.boundAddress("web");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, status(web, "x.example", "/"));
        }
        awaitValue(balor, 3, "balor_pool_request_duration_seconds_count", "pool", "checked");

        // Probes go on every 20 ms: take a scrape that no probe ended during.
        AtomicReference<String> text = new AtomicReference<>();
        AtomicReference<List<UpstreamHealthStatus>> statuses = new AtomicReference<>();
        Await.until("a scrape between two probes", () -> {
            List<UpstreamHealthStatus> first = balor.upstreamHealth();
            text.set(balor.metrics());
            statuses.set(balor.upstreamHealth());
            return first.equals(statuses.get());
        });
        PrometheusParser m = PrometheusParser.parse(text.get());
        assertEquals(2, statuses.get().size(), statuses.get().toString());
        for (UpstreamHealthStatus status : statuses.get()) {
            String[] labels = {"pool", "checked", "upstream", status.upstream().substring("checked/".length())};
            assertEquals(status.probes() - status.failedProbes(),
                    m.value("balor_health_checks_total", with(labels, "result", "success")), status.toString());
            assertEquals(status.failedProbes(), m.value("balor_health_checks_total", with(labels, "result", "failure")),
                    status.toString());
            assertEquals(status.up() ? 1 : 0, m.value("balor_upstream_up", labels), status.toString());
            assertEquals(0, m.value("balor_upstream_ejections_total", labels));
            assertFalse(status.ejected());
            assertEquals(0, status.ejections());
        }
        UpstreamHealthStatus up = health(statuses.get(), idLive);
        UpstreamHealthStatus down = health(statuses.get(), idDead);
        assertEquals(0, up.failedProbes(), up.toString());
        assertEquals(down.probes(), down.failedProbes(), down.toString());
        assertNotNull(down.lastError());
        assertEquals(0, m.value("balor_upstream_up", "pool", "checked", "upstream", dead));
        assertEquals(0, m.value("balor_upstream_connection_attempts_total", "pool", "checked", "upstream", dead),
                "a down upstream is not tried");
        assertEquals(3, m.value("balor_upstream_requests_total", "pool", "checked", "upstream", live.address(),
                "code", "2xx"));
        assertEquals(1, m.value("balor_upstream_up", "pool", "plain", "upstream", other.address()));
        assertEquals(4, m.samples().stream().filter(s -> s.name().equals("balor_health_checks_total")).count(),
                "probe counts only for the checked pool's two upstreams");
    }

    // ---- 5. across applies

    @Test
    void countersOutliveAppliesThatKeepTheirRoutePoolOrUpstream() throws Exception {
        HttpUpstream a = track(new HttpUpstream("a"));
        HttpUpstream a2 = track(new HttpUpstream("a2"));
        HttpUpstream b = track(new HttpUpstream("b"));
        ListenerConfig web = routed("web", RouteConfig.of("a.example", "alpha"), RouteConfig.of("b.example", "beta"));
        PoolConfig alpha = PoolConfig.of("alpha", UpstreamConfig.of(a.address()));
        PoolConfig beta = PoolConfig.of("beta", UpstreamConfig.of(b.address()));
        BalorConfig first = new BalorConfig(List.of(web), List.of(alpha, beta));
        Balor balor = start(first);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, status(balor.boundAddress("web"), "a.example", "/"));
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(200, status(balor.boundAddress("web"), "b.example", "/"));
        }
        awaitValue(balor, 2, "balor_upstream_request_duration_seconds_count", "pool", "beta", "upstream", b.address());
        awaitValue(balor, 3, "balor_upstream_request_duration_seconds_count", "pool", "alpha", "upstream", a.address());

        ListenerConfig extra = ListenerConfig.http("extra", "127.0.0.1:0", "alpha");
        balor.apply(first.withListeners(List.of(web, extra)));
        PrometheusParser kept = scrape(balor);
        assertEquals(3, kept.value("balor_route_requests_total", route("web", "a.example", "2xx")), "kept by listener and name");
        assertEquals(2, kept.value("balor_route_requests_total", route("web", "b.example", "2xx")));
        assertEquals(3, kept.value("balor_pool_requests_total", "pool", "alpha", "code", "2xx"));
        assertEquals(2, kept.value("balor_pool_request_duration_seconds_count", "pool", "beta"));
        assertEquals(3, kept.value("balor_upstream_requests_total", "pool", "alpha", "upstream", a.address(), "code", "2xx"));
        assertEquals(2, kept.value("balor_upstream_request_duration_seconds_count", "pool", "beta", "upstream", b.address()));
        assertEquals(0, kept.value("balor_route_request_duration_seconds_count", "listener", "extra", "route", "*"));
        assertEquals(200, status(balor.boundAddress("web"), "a.example", "/"));
        assertEquals(200, status(balor.boundAddress("extra"), "any.example", "/"));
        awaitValue(balor, 5, "balor_upstream_request_duration_seconds_count", "pool", "alpha", "upstream", a.address());

        // Route b.example and pool beta go; alpha gains an upstream.
        BalorConfig second = new BalorConfig(List.of(routed("web", RouteConfig.of("a.example", "alpha")), extra),
                List.of(alpha.withUpstreams(List.of(UpstreamConfig.of(a.address()), UpstreamConfig.of(a2.address())))));
        balor.apply(second);
        PrometheusParser trimmed = scrape(balor);
        assertEquals(4, trimmed.value("balor_route_requests_total", route("web", "a.example", "2xx")));
        assertEquals(1, trimmed.value("balor_route_requests_total", route("extra", "*", "2xx")));
        assertEquals(5, trimmed.value("balor_pool_requests_total", "pool", "alpha", "code", "2xx"));
        assertEquals(5, trimmed.value("balor_upstream_requests_total", "pool", "alpha", "upstream", a.address(), "code", "2xx"),
                "an upstream its pool keeps keeps its counts");
        assertEquals(0, trimmed.value("balor_upstream_request_duration_seconds_count", "pool", "alpha", "upstream", a2.address()));
        assertNaN(trimmed.value("balor_route_requests_total", route("web", "b.example", "2xx")), "the removed route is gone");
        assertNaN(trimmed.value("balor_route_request_duration_seconds_count", "listener", "web", "route", "b.example"), "");
        assertNaN(trimmed.value("balor_pool_request_duration_seconds_count", "pool", "beta"), "the removed pool is gone");
        assertNaN(trimmed.value("balor_upstream_bytes_in_total", "pool", "beta", "upstream", b.address()), "and its upstream");
        assertTrue(balor.latency().stream().noneMatch(s -> "b.example".equals(s.label("route"))
                || "beta".equals(s.label("pool"))), "no latency for what is gone");

        // Back again, they start afresh.
        balor.apply(first.withListeners(List.of(web, extra)));
        PrometheusParser again = scrape(balor);
        assertEquals(0, again.value("balor_route_request_duration_seconds_count", "listener", "web", "route", "b.example"));
        assertEquals(0, again.value("balor_pool_request_duration_seconds_count", "pool", "beta"));
        assertEquals(0, again.value("balor_upstream_connection_attempts_total", "pool", "beta", "upstream", b.address()));
        assertEquals(4, again.value("balor_route_request_duration_seconds_count", "listener", "web", "route", "a.example"));
    }

    // ---- 6. latency per scope

    @Test
    void latencyCoversListenersRoutesPoolsAndUpstreams() throws Exception {
        HttpUpstream fast = track(new HttpUpstream("fast"));
        HttpUpstream slow = track(new HttpUpstream("slow"));
        Balor balor = start(new BalorConfig(List.of(routed("web", RouteConfig.of("fast.example", "quick"),
                RouteConfig.of("slow.example", "lazy"))),
                List.of(PoolConfig.of("quick", UpstreamConfig.of(fast.address())),
                        PoolConfig.of("lazy", UpstreamConfig.of(slow.address())))));
        InetSocketAddress web = balor.boundAddress("web");
        List<LatencySummary> empty = balor.latency();
        assertEquals(List.of(Scope.LISTENER, Scope.ROUTE, Scope.ROUTE, Scope.POOL, Scope.POOL, Scope.UPSTREAM,
                Scope.UPSTREAM), empty.stream().map(LatencySummary::scope).toList(), empty.toString());
        for (LatencySummary summary : empty) {
            assertEquals(0, summary.count(), summary.toString());
            assertNaN(summary.p50(), summary.toString());
        }

        for (int i = 0; i < 4; i++) {
            assertEquals(200, status(web, "fast.example", "/"));
        }
        for (int i = 0; i < 2; i++) {
            slowRequest(balor, web, "slow.example", Duration.ofMillis(30));
        }
        ticker.advance(Duration.ofSeconds(30));
        // Wait on the scrape (it takes no snapshot), so the window's snapshot at 30 s holds all six.
        awaitValue(balor, 2, "balor_upstream_request_duration_seconds_count", "pool", "lazy", "upstream", slow.address());
        awaitValue(balor, 4, "balor_upstream_request_duration_seconds_count", "pool", "quick", "upstream", fast.address());
        awaitValue(balor, 6, "balor_http_request_duration_seconds_count", "listener", "web");
        List<LatencySummary> window = balor.latency();
        assertEquals(7, window.size(), window.toString());
        LatencySummary listener = find(window, Scope.LISTENER, "listener", "web");
        assertEquals(6, listener.count());
        assertTrue(listener.p50() <= 0.001 && listener.p95() > 0.025 && listener.p95() <= 0.05, listener.toString());
        for (LatencySummary quick : List.of(find(window, Scope.ROUTE, "listener", "web", "route", "fast.example"),
                find(window, Scope.POOL, "pool", "quick"),
                find(window, Scope.UPSTREAM, "pool", "quick", "upstream", fast.address()))) {
            assertEquals(4, quick.count(), quick.toString());
            assertEquals(0.0005, quick.p50(), 1e-9, "no ticker time: the middle of the first bucket " + quick);
            assertTrue(quick.p99() <= 0.001, quick.toString());
        }
        for (LatencySummary lazy : List.of(find(window, Scope.ROUTE, "listener", "web", "route", "slow.example"),
                find(window, Scope.POOL, "pool", "lazy"),
                find(window, Scope.UPSTREAM, "pool", "lazy", "upstream", slow.address()))) {
            assertEquals(2, lazy.count(), lazy.toString());
            assertTrue(lazy.p50() > 0.025 && lazy.p50() <= 0.05, "the 30 ms requests' bucket: " + lazy);
        }
        for (LatencySummary summary : window) {
            assertEquals(30.06, summary.windowSeconds(), 1e-9, summary.toString());
        }
        assertEquals("web", find(window, Scope.ROUTE, "listener", "web", "route", "slow.example").listener());

        ticker.advance(Duration.ofSeconds(40));
        assertEquals(6, find(balor.latency(), Scope.LISTENER, "listener", "web").count(), "the base is still the start");
        ticker.advance(Duration.ofSeconds(30));
        List<LatencySummary> later = balor.latency();
        for (LatencySummary summary : later) {
            assertEquals(0, summary.count(), "the base moved to the snapshot at 30 s, after every request: " + summary);
            assertEquals(70, summary.windowSeconds(), 1e-9, summary.toString());
        }
    }

    // ---- 7. well-formed text

    @Test
    void everyNewFamilyIsWellFormedAndAgreesWithItself() throws Exception {
        HttpUpstream fast = track(new HttpUpstream("fast"));
        HttpUpstream slow = track(new HttpUpstream("slow"));
        TestServer echo = track(TestServer.echo());
        Balor balor = start(new BalorConfig(List.of(routed("web", RouteConfig.of("fast.example", "quick"),
                        new RouteConfig("slow.example", "/", "lazy")),
                ListenerConfig.http("site", "127.0.0.1:0", "quick"),
                ListenerConfig.tcp("l4", "127.0.0.1:0", null).withUpstreams(List.of(UpstreamConfig.of(echo.address())))),
                List.of(PoolConfig.of("quick", UpstreamConfig.of(fast.address()), UpstreamConfig.of(slow.address())),
                        PoolConfig.of("lazy", UpstreamConfig.of(slow.address())).withHealthCheck(CHECK))));
        InetSocketAddress web = balor.boundAddress("web");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, status(web, "fast.example", "/"));
        }
        assertEquals(503, status(web, "fast.example", "/status/503"));
        assertEquals(404, status(web, "nowhere.example", "/"));
        assertEquals(200, status(balor.boundAddress("site"), "x", "/"));
        slowRequest(balor, web, "slow.example", Duration.ofMillis(30));
        try (Socket tcp = Clients.connect(balor.boundAddress("l4"))) {
            assertEquals("ping", Clients.roundTrip(tcp, "ping"));
        }
        awaitValue(balor, 1, "balor_route_request_duration_seconds_count", "listener", "web", "route", "slow.example/");
        awaitValue(balor, 1, "balor_route_request_duration_seconds_count", "listener", "site", "route", "*");

        PrometheusParser m = scrape(balor);   // strict: HELP, TYPE, cumulative buckets, +Inf == _count
        Map<String, String> types = new LinkedHashMap<>();
        for (String family : List.of("balor_route_requests_total", "balor_pool_requests_total",
                "balor_upstream_requests_total", "balor_bytes_in_total", "balor_bytes_out_total",
                "balor_upstream_bytes_in_total", "balor_upstream_bytes_out_total",
                "balor_upstream_connection_attempts_total", "balor_upstream_connection_errors_total",
                "balor_upstream_ejections_total", "balor_health_checks_total")) {
            types.put(family, "counter");
        }
        types.put("balor_upstream_up", "gauge");
        for (String scope : List.of("route", "pool", "upstream")) {
            types.put("balor_" + scope + "_request_duration_seconds", "histogram");
        }
        types.forEach((family, type) -> assertEquals(type, m.type(family), family));

        for (String scope : List.of("route", "pool", "upstream")) {
            String histogram = "balor_" + scope + "_request_duration_seconds";
            Set<Map<String, String>> all = series(m, histogram + "_count");
            assertFalse(all.isEmpty(), histogram);
            assertTrue(all.containsAll(series(m, "balor_" + scope + "_requests_total")), scope);
            for (Map<String, String> labels : all) {
                List<String> bounds = new ArrayList<>();
                for (PrometheusParser.Sample sample : m.samples()) {
                    Map<String, String> own = new LinkedHashMap<>(sample.labels());
                    if (sample.name().equals(histogram + "_bucket") && own.remove("le") != null && own.equals(labels)) {
                        bounds.add(sample.labels().get("le"));
                    }
                }
                assertEquals(BOUNDS, bounds, histogram + labels);
                double requests = 0;
                for (String code : CLASSES) {
                    requests += valueOr0(m, "balor_" + scope + "_requests_total", with(flat(labels), "code", code));
                }
                assertEquals(requests, m.value(histogram + "_count", flat(labels)),
                        "the histogram counts what the counter counts: " + histogram + labels);
                assertTrue(m.value(histogram + "_sum", flat(labels)) >= 0, histogram + labels);
            }
        }
        for (PrometheusParser.Sample sample : m.samples()) {
            if (sample.labels().containsKey("code")) {
                assertTrue(CLASSES.contains(sample.labels().get("code")), sample.toString());
                assertTrue(sample.value() > 0, "zero classes are left out: " + sample);
            }
        }
        assertEquals(0.03, m.value("balor_route_request_duration_seconds_sum", "listener", "web", "route", "slow.example/"),
                1e-9);
        assertEquals(0, m.value("balor_route_request_duration_seconds_sum", "listener", "web", "route", "fast.example"));
        assertEquals(1, m.value("balor_route_request_duration_seconds_bucket", "listener", "web", "route", "slow.example/",
                "le", "0.05"));
        assertEquals(0, m.value("balor_route_request_duration_seconds_bucket", "listener", "web", "route", "slow.example/",
                "le", "0.025"));
        assertEquals(4, m.value("balor_route_request_duration_seconds_bucket", "listener", "web", "route", "fast.example",
                "le", "0.001"));
        assertEquals(Set.of(Map.of("pool", "lazy", "upstream", slow.address(), "result", "success"),
                        Map.of("pool", "lazy", "upstream", slow.address(), "result", "failure")),
                series(m, "balor_health_checks_total"), "probe counts only for the checked pool");
        assertEquals(Set.of("l4", "lazy", "quick"), names(m, "balor_pool_request_duration_seconds_count", "pool"),
                "every pool, the TCP listener's inline one too");
    }

    // ---- helpers

    /** An HTTP listener on an ephemeral port with these routes and no default pool. */
    private static ListenerConfig routed(String name, RouteConfig... routes) {
        return ListenerConfig.http(name, "127.0.0.1:0", null).withHttp(HttpSettings.DEFAULT.withRoutes(List.of(routes)));
    }

    /** {@code GET path} for {@code host} on its own connection; the status answered. */
    private static int status(InetSocketAddress address, String host, String path) throws IOException {
        byte[] response = exchange(address, ("GET " + path + " HTTP/1.1\r\nHost: " + host
                + "\r\nConnection: close\r\n\r\n").getBytes(US_ASCII));
        return Integer.parseInt(new String(response, 9, 3, US_ASCII));
    }

    /** {@code GET path} for {@code host} on a kept-alive connection; reads the response by its length. */
    private static int keptAlive(Socket socket, String host, String path) throws IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(US_ASCII));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed inside a head: " + head.toString(US_ASCII));
            }
            head.write(b);
        }
        String text = head.toString(US_ASCII);
        in.readNBytes((int) CountingUpstream.contentLength(text));
        return Integer.parseInt(text.substring(9, 12));
    }

    /** Writes {@code request} on a new connection and reads until Balor closes it. */
    private static byte[] exchange(InetSocketAddress address, byte[] request) throws IOException {
        try (Socket socket = Clients.connect(address)) {
            socket.getOutputStream().write(request);
            return socket.getInputStream().readAllBytes();
        }
    }

    private static byte[] request(String head, byte[] body) {
        byte[] headBytes = head.getBytes(US_ASCII);
        byte[] all = Arrays.copyOf(headBytes, headBytes.length + body.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    /** A request whose head takes {@code headTime} of ticker time to arrive (as MetricsTest's). */
    private void slowRequest(Balor balor, InetSocketAddress address, String host, Duration headTime) throws IOException {
        try (Socket socket = Clients.connect(address)) {
            int split = host.length() / 2;
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host.substring(0, split)).getBytes(US_ASCII));
            Await.until("the partial head is read", () -> balor.sessions().stream()
                    .anyMatch(s -> s.bytesFromClient() > 0 && "idle".equals(s.state())));
            ticker.advance(headTime);
            socket.getOutputStream().write((host.substring(split) + "\r\nConnection: close\r\n\r\n").getBytes(US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
    }

    private static PrometheusParser scrape(Balor balor) {
        return PrometheusParser.parse(balor.metrics());
    }

    private static void awaitValue(Balor balor, double expected, String name, String... labels) {
        Await.until(name + List.of(labels) + " == " + expected, () -> scrape(balor).value(name, labels) == expected);
    }

    private static double upstreamCount(PrometheusParser m, String pool, HttpUpstream upstream) {
        return m.value("balor_upstream_request_duration_seconds_count", "pool", pool, "upstream", upstream.address());
    }

    /** A sample's value, 0 when absent (zero status classes are left out). */
    private static double valueOr0(PrometheusParser m, String name, String... labels) {
        double value = m.value(name, labels);
        return Double.isNaN(value) ? 0 : value;
    }

    private static String[] route(String listener, String route, String code) {
        return new String[] {"listener", listener, "route", route, "code", code};
    }

    private static String[] upstreamLabels(String pool, HttpUpstream upstream, String name, String value) {
        return new String[] {"pool", pool, "upstream", upstream.address(), name, value};
    }

    private static String[] with(String[] labels, String name, String value) {
        String[] all = Arrays.copyOf(labels, labels.length + 2);
        all[labels.length] = name;
        all[labels.length + 1] = value;
        return all;
    }

    private static String[] flat(Map<String, String> labels) {
        List<String> all = new ArrayList<>();
        labels.forEach((name, value) -> {
            all.add(name);
            all.add(value);
        });
        return all.toArray(new String[0]);
    }

    /** The label sets of the samples named {@code name}, without {@code code} and {@code le}. */
    private static Set<Map<String, String>> series(PrometheusParser m, String name) {
        Set<Map<String, String>> series = new HashSet<>();
        for (PrometheusParser.Sample sample : m.samples()) {
            if (sample.name().equals(name)) {
                Map<String, String> labels = new LinkedHashMap<>(sample.labels());
                labels.remove("code");
                labels.remove("le");
                series.add(labels);
            }
        }
        return series;
    }

    private static Set<String> names(PrometheusParser m, String name, String label) {
        Set<String> names = new HashSet<>();
        for (Map<String, String> labels : series(m, name)) {
            names.add(labels.get(label));
        }
        return names;
    }

    private static LatencySummary find(List<LatencySummary> all, Scope scope, String... labels) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        return all.stream().filter(s -> s.scope() == scope && s.labels().equals(wanted)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + scope + " " + wanted + " in " + all));
    }

    private static UpstreamHealthStatus health(Balor balor, String id) {
        return health(balor.upstreamHealth(), id);
    }

    private static UpstreamHealthStatus health(List<UpstreamHealthStatus> statuses, String id) {
        return statuses.stream().filter(s -> s.upstream().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no health for " + id + " in " + statuses));
    }

    private static void assertNaN(double value, String message) {
        assertTrue(Double.isNaN(value), message + ": " + value);
    }

    /**
     * A raw HTTP/1.1 upstream that counts every byte each way: it reads a whole request (head and
     * {@code Content-Length} body), answers 200 with a body of the size its path names
     * ({@code /size/N}) and {@code Connection: close}, then reads on until Balor closes.
     */
    private static final class CountingUpstream implements AutoCloseable {
        final AtomicLong received = new AtomicLong();
        final AtomicLong sent = new AtomicLong();
        final AtomicInteger served = new AtomicInteger();
        private final TestServer server;

        CountingUpstream() throws IOException {
            server = new TestServer(this::serve);
        }

        String address() {
            return server.address();
        }

        private void serve(Socket socket) throws IOException {
            try (socket) {
                socket.setSoTimeout(20_000);
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream request = new ByteArrayOutputStream();
                byte[] buffer = new byte[16 * 1024];
                String head = null;
                long needed = Long.MAX_VALUE;
                while (request.size() < needed) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        throw new IOException("request cut at " + request.size());
                    }
                    request.write(buffer, 0, n);
                    if (head == null) {
                        String text = request.toString(US_ASCII);
                        int end = text.indexOf("\r\n\r\n");
                        if (end >= 0) {
                            head = text.substring(0, end);
                            needed = end + 4 + contentLength(head);
                        }
                    }
                }
                String target = head.split(" ")[1];
                int size = target.startsWith("/size/") ? Integer.parseInt(target.substring(6)) : 0;
                byte[] response = ("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\nConnection: close\r\n\r\n"
                        + "x".repeat(size)).getBytes(US_ASCII);
                socket.getOutputStream().write(response);
                socket.shutdownOutput();
                long after = in.transferTo(OutputStream.nullOutputStream());
                received.addAndGet(request.size() + after);
                sent.addAndGet(response.length);
                served.incrementAndGet();
            }
        }

        private static long contentLength(String head) {
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    return Long.parseLong(line.substring(15).trim());
                }
            }
            return 0;
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
