package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.HealthCheckConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PassiveHealthConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Passive health end to end, on the loops' manual ticker: consecutive refused connects (L7 and
 * L4) or 5xx answers eject an upstream, the pool then answers 503 with {@code Retry-After} as
 * when its checks say down, the ejection outlives an apply that keeps the upstream, and it takes
 * traffic again once the ticker passes the period, unless its active check says down.
 */
class PassiveHealthTest extends ApplyTestBase {

    private static final Duration EJECT = Duration.ofSeconds(30);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HttpResponse<String> get(Balor balor, String path) throws Exception {
        var address = balor.boundAddress("web");
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** An address that refuses connections (a port just freed). */
    private static String refusing() throws Exception {
        try (ServerSocket reserved = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + reserved.getLocalPort();
        }
    }

    private static boolean ejectedAnswer(HttpResponse<String> response) {
        return response.statusCode() == 503 && "1".equals(response.headers().firstValue("Retry-After").orElse(null));
    }

    @Test
    void refusedConnectsEjectUntilThePeriodEndsAndTheStateOutlivesAnApply() throws Exception {
        String dead = refusing();
        List<ListenerConfig> listeners = List.of(ListenerConfig.http("web", "127.0.0.1:0", "app"),
                ListenerConfig.tcp("api", "127.0.0.1:0", "app"));
        BalorConfig config = new BalorConfig(listeners, List.of(PoolConfig.of("app", UpstreamConfig.of(dead))
                .withPassiveHealth(new PassiveHealthConfig(3, EJECT, true))));
        Balor balor = start(config);

        assertEquals(502, get(balor, "/x").statusCode());
        assertEquals(502, get(balor, "/x").statusCode());
        assertEquals("", Clients.readAll(balor.boundAddress("api")), "L4 connect failures count too");
        HttpResponse<String> ejected = get(balor, "/x");
        assertTrue(ejectedAnswer(ejected), "third failure ejected it: " + ejected.statusCode());

        balor.apply(config.withListeners(List.of(listeners.get(0), listeners.get(1),
                ListenerConfig.http("extra", "127.0.0.1:0", "app"))));
        assertTrue(ejectedAnswer(get(balor, "/x")), "an apply that keeps the upstream keeps the ejection");

        ticker.advance(EJECT.minusSeconds(1));
        assertTrue(ejectedAnswer(get(balor, "/x")));
        ticker.advance(Duration.ofSeconds(1));
        assertEquals(502, get(balor, "/x").statusCode(), "tried again after the period");
        assertEquals(502, get(balor, "/x").statusCode());
        assertEquals(502, get(balor, "/x").statusCode());
        assertTrue(ejectedAnswer(get(balor, "/x")), "and ejected again after three more failures");
    }

    private static UpstreamHealthStatus health(Balor balor, String id) {
        return balor.upstreamHealth().stream().filter(status -> status.upstream().equals(id)).findFirst().orElseThrow();
    }

    /**
     * Issue 13: an ejected upstream says what ejected it (the failures in a row and the last
     * one's reason), through the ejection and after it until it serves again; the ejection is an
     * event naming them.
     */
    @Test
    void anEjectedUpstreamKeepsTheFailuresThatEjectedItAndWhy() throws Exception {
        String dead = refusing();
        String id = "app/" + dead;
        Balor balor = start(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")),
                List.of(PoolConfig.of("app", UpstreamConfig.of(dead)).withPassiveHealth(new PassiveHealthConfig(3, EJECT, true)))));
        for (int i = 0; i < 3; i++) {
            assertEquals(502, get(balor, "/x").statusCode());
        }
        assertTrue(ejectedAnswer(get(balor, "/x")));

        UpstreamHealthStatus ejected = health(balor, id);
        assertTrue(ejected.ejected(), ejected.toString());
        assertEquals(3, ejected.trafficFailures(), ejected.toString());
        assertEquals("connect_refused", ejected.trafficError(), ejected.toString());
        List<LogEvent> events = balor.recentEvents(Integer.MAX_VALUE, System.Logger.Level.WARNING).stream()
                .filter(event -> event.message().startsWith("upstream " + id + " ejected")).toList();
        assertEquals(1, events.size(), events.toString());
        assertEquals("health", events.get(0).source());
        assertEquals("upstream " + id + " ejected for 30000 ms after 3 failures in a row (the last: connect_refused)",
                events.get(0).message());

        ticker.advance(EJECT);
        UpstreamHealthStatus over = health(balor, id);
        assertTrue(!over.ejected() && over.trafficFailures() == 3 && "connect_refused".equals(over.trafficError()),
                "kept until it serves again: " + over);
    }

    @Test
    void theReasonOfA5xxEjectionIsItsStatusAndASuccessAfterItClearsIt() throws Exception {
        HttpUpstream upstream = track(new HttpUpstream("u"));
        String id = "app/" + upstream.address();
        Balor balor = start(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")),
                List.of(PoolConfig.of("app", UpstreamConfig.of(upstream.address()))
                        .withPassiveHealth(new PassiveHealthConfig(2, EJECT, true)))));
        assertEquals(502, get(balor, "/status/502").statusCode());
        assertEquals(503, get(balor, "/status/503").statusCode());
        assertTrue(ejectedAnswer(get(balor, "/x")));
        UpstreamHealthStatus ejected = health(balor, id);
        assertTrue(ejected.ejected() && ejected.trafficFailures() == 2 && "status_503".equals(ejected.trafficError()),
                ejected.toString());

        ticker.advance(EJECT);
        assertEquals(200, get(balor, "/x").statusCode());
        UpstreamHealthStatus back = health(balor, id);
        assertEquals(0, back.trafficFailures(), back.toString());
        assertEquals(null, back.trafficError(), back.toString());
    }

    @Test
    void refusedUpstreamIsSkippedWhileTheOtherServes() throws Exception {
        HttpUpstream live = track(new HttpUpstream("live"));
        String dead = refusing();
        BalorConfig config = new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")),
                List.of(PoolConfig.of("app", UpstreamConfig.of(dead), UpstreamConfig.of(live.address()))
                        .withPassiveHealth(new PassiveHealthConfig(2, EJECT, true))));
        Balor balor = start(config);
        // Each request that picks dead is retried on live, so every answer is live's.
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = get(balor, "/x");
            assertEquals(200, response.statusCode());
            assertTrue(response.body().startsWith("live "), response.body());
        }
        long failedConnects = balor.listenerStats().get(0).connectFailures();
        assertTrue(failedConnects >= 2 && failedConnects <= 3, "ejected after 2 (one per loop at most more): "
                + failedConnects);
        ticker.advance(EJECT);
        for (int i = 0; i < 4; i++) {
            assertEquals(200, get(balor, "/x").statusCode());
        }
        assertTrue(balor.listenerStats().get(0).connectFailures() > failedConnects, "dead is tried again after the period");
    }

    @Test
    void fiveHundredsEjectWhenTheyCount() throws Exception {
        HttpUpstream upstream = track(new HttpUpstream("u"));
        PoolConfig pool = PoolConfig.of("app", UpstreamConfig.of(upstream.address()))
                .withPassiveHealth(new PassiveHealthConfig(3, EJECT, true));
        BalorConfig config = new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")), List.of(pool));
        Balor balor = start(config);

        assertEquals(502, get(balor, "/status/502").statusCode());
        assertEquals(503, get(balor, "/status/503").statusCode());
        assertEquals(200, get(balor, "/x").statusCode(), "a good answer starts the count again");
        assertEquals(503, get(balor, "/status/503").statusCode());
        assertEquals(502, get(balor, "/status/502").statusCode());
        int seen = upstream.seen().size();
        assertEquals(503, get(balor, "/status/503").statusCode());
        assertEquals(seen + 1, upstream.seen().size());
        HttpResponse<String> ejected = get(balor, "/x");
        assertTrue(ejectedAnswer(ejected), ejected.statusCode() + " " + ejected.body());
        assertEquals(seen + 1, upstream.seen().size(), "the ejected upstream sees nothing");

        ticker.advance(EJECT);
        assertEquals(200, get(balor, "/x").statusCode());
        assertEquals(seen + 2, upstream.seen().size());

        // Not counted: the same answers never eject.
        balor.apply(config.withPools(List.of(pool.withPassiveHealth(new PassiveHealthConfig(3, EJECT, false)))));
        for (int i = 0; i < 6; i++) {
            assertEquals(503, get(balor, "/status/503").statusCode());
        }
        assertEquals(seen + 8, upstream.seen().size());
    }

    @Test
    void aDownActiveCheckKeepsItOutAfterThePeriod() throws Exception {
        HttpUpstream upstream = track(new HttpUpstream("u"));
        // The active check asks a path that answers 503, so it says down; passive health ejects on 503s too.
        HealthCheckConfig check = HealthCheckConfig.http("/status/503").withInterval(Duration.ofMillis(20)).withRise(1)
                .withFall(1);
        PoolConfig pool = PoolConfig.of("app", UpstreamConfig.of(upstream.address()))
                .withPassiveHealth(new PassiveHealthConfig(1, EJECT, true));
        BalorConfig config = new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")), List.of(pool));
        Balor balor = start(config);
        assertEquals(503, get(balor, "/status/503").statusCode());
        assertTrue(ejectedAnswer(get(balor, "/x")));

        balor.apply(config.withPools(List.of(pool.withHealthCheck(check))));
        String id = "app/" + upstream.address();
        Await.until("checked down", () -> balor.upstreamHealth().stream()
                .anyMatch(status -> status.upstream().equals(id) && !status.up()));
        ticker.advance(EJECT);
        assertTrue(ejectedAnswer(get(balor, "/x")), "the ejection is over, but the active check says down");

        balor.apply(config.withPools(List.of(pool.withHealthCheck(check.withExpectStatus(503, 503)))));
        Await.until("checked up", () -> balor.upstreamHealth().stream()
                .anyMatch(status -> status.upstream().equals(id) && status.up()));
        assertEquals(200, get(balor, "/x").statusCode(), "both agree: traffic again");
    }
}
