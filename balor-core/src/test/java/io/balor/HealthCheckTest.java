package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.HealthCheckConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Active health checks end to end: a running Balor probes its pool on its own threads, a down
 * upstream stops receiving requests (L7) and connections (L4) at once, a pool with every upstream
 * down answers 503 with {@code Retry-After} (L7) or closes the connection (L4), and the state is
 * kept by an apply that leaves the upstream in place. Probes run every 20 ms, so the test waits
 * (with deadlines) for real probes rather than driving a clock.
 */
class HealthCheckTest extends ApplyTestBase {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static final HealthCheckConfig CHECK = HealthCheckConfig.http("/healthz")
            .withInterval(Duration.ofMillis(20)).withTimeout(Duration.ofSeconds(1)).withRise(1).withFall(1);

    private HttpResponse<String> get(Balor balor) throws Exception {
        var address = balor.boundAddress("web");
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + "/x")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static UpstreamHealthStatus status(Balor balor, String upstream) {
        for (UpstreamHealthStatus status : balor.upstreamHealth()) {
            if (status.upstream().equals(upstream)) {
                return status;
            }
        }
        throw new AssertionError("no health for " + upstream + " in " + balor.upstreamHealth());
    }

    @Test
    void downUpstreamsAreSkippedAndAPoolWithNoneUpRefuses() throws Exception {
        HttpUpstream a = track(new HttpUpstream("a"));
        HttpUpstream b = track(new HttpUpstream("b"));
        String idA = "app/" + a.address();
        String idB = "app/" + b.address();
        List<ListenerConfig> listeners = List.of(ListenerConfig.http("web", "127.0.0.1:0", "app"),
                ListenerConfig.tcp("api", "127.0.0.1:0", "app"));
        BalorConfig config = new BalorConfig(listeners, List.of(PoolConfig.of("app",
                UpstreamConfig.of(a.address()), UpstreamConfig.of(b.address())).withHealthCheck(CHECK)));
        Balor balor = start(config);

        Await.until("both probed healthy", () -> status(balor, idA).successes() > 0 && status(balor, idB).successes() > 0);
        assertTrue(a.seen().stream().anyMatch(seen -> seen.path().equals("/healthz")));

        b.close();
        Await.until("b taken out", () -> !status(balor, idB).up());
        assertTrue(status(balor, idB).lastError().startsWith("connect: "), status(balor, idB).toString());
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = get(balor);
            assertEquals(200, response.statusCode());
            assertTrue(response.body().startsWith("a "), response.body());
        }

        // An apply that keeps the upstreams keeps their state: b is still down, its count goes on.
        long probesBefore = status(balor, idB).probes();
        balor.apply(config.withListeners(List.of(listeners.get(0), listeners.get(1),
                ListenerConfig.http("extra", "127.0.0.1:0", "app"))));
        UpstreamHealthStatus after = status(balor, idB);
        assertTrue(!after.up() && after.probes() >= probesBefore, after.toString());
        assertEquals(200, get(balor).statusCode());

        a.close();
        Await.until("a taken out", () -> !status(balor, idA).up());
        HttpResponse<String> refused = get(balor);
        assertEquals(503, refused.statusCode());
        assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
        assertEquals("", Clients.readAll(balor.boundAddress("api")), "L4: the connection is closed");
    }

    @Test
    void anUpstreamComesBackAfterRise() throws Exception {
        try (java.net.ServerSocket reserved = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            // An upstream whose port refuses until a TCP server takes it.
            String address = "127.0.0.1:" + reserved.getLocalPort();
            reserved.close();
            BalorConfig config = new BalorConfig(List.of(ListenerConfig.tcp("api", "127.0.0.1:0", "app")),
                    List.of(PoolConfig.of("app", UpstreamConfig.of(address))
                            .withHealthCheck(HealthCheckConfig.tcp().withInterval(Duration.ofMillis(20)).withFall(2).withRise(2))));
            Balor balor = start(config);
            Await.until("taken out", () -> !status(balor, "app/" + address).up());
            assertEquals("", Clients.readAll(balor.boundAddress("api")));
            // A server now listens on the address.
            try (java.net.ServerSocket server = new java.net.ServerSocket()) {
                server.setReuseAddress(true);
                server.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), reserved.getLocalPort()));
                Await.until("back up", () -> status(balor, "app/" + address).up());
                assertTrue(status(balor, "app/" + address).successes() >= 2);
            }
        }
    }
}
