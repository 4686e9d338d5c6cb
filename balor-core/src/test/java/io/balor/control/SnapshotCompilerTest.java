package io.balor.control;

import io.balor.BalorOptions;
import io.balor.config.BalorConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.RouteConfig;
import io.balor.config.StickyConfig;
import io.balor.config.UpstreamConfig;
import io.balor.health.HealthChecker;
import io.balor.proxy.HttpPolicy;
import io.balor.proxy.HttpRoute;
import io.balor.tls.CertificateStore;
import io.balor.upstream.Balancer;
import io.balor.upstream.BalancerFactory;
import io.balor.upstream.Pool;
import io.balor.upstream.SmoothWeightedRoundRobin;
import io.balor.upstream.Upstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The compiler resolves what a request needs when the snapshot is made, not per request: each
 * pool's balancer comes from the {@link BalancerFactory} (handed the previous one of its name),
 * and every HTTP route holds its pool's balancer and stickiness.
 */
class SnapshotCompilerTest {

    private final HealthChecker health = HealthChecker.manual();

    @AfterEach
    void close() {
        health.close();
    }

    /** A factory that records what it is asked and makes round-robin balancers. */
    private static final class Recording implements BalancerFactory {
        final List<String> asked = new ArrayList<>();

        @Override
        public Balancer balancer(Pool pool, Balancer previous) {
            asked.add(pool.name() + (previous == null ? " new" : " after " + previous.pool().name()));
            return BalancerFactory.ROUND_ROBIN.balancer(pool, previous);
        }
    }

    private SnapshotCompiler compiler(BalancerFactory factory) {
        return new SnapshotCompiler(BalorOptions.defaults(), health, new TrafficRegistry(1), factory);
    }

    private static BalorConfig config() {
        ListenerConfig web = ListenerConfig.http("web", "127.0.0.1:0", "site").withHttp(HttpSettings.DEFAULT
                .withRoutes(List.of(RouteConfig.of("api.test", "api")))
                .withSticky(new StickyConfig(StickyConfig.Strategy.COOKIE, "BALOR")));
        return new BalorConfig(List.of(web), List.of(
                PoolConfig.of("site", UpstreamConfig.of("127.0.0.1:1"), UpstreamConfig.of("127.0.0.1:2")),
                PoolConfig.of("api", UpstreamConfig.of("127.0.0.1:3"))));
    }

    private Map<String, Pool> pools(SnapshotCompiler compiler, BalorConfig config) {
        return compiler.pools(config, new TlsCompiler(new CertificateStore(Clock.systemUTC(), Duration.ofHours(1))));
    }

    @Test
    void eachPoolsBalancerComesFromTheFactoryAndGoesOnFromThePreviousOne() {
        Recording factory = new Recording();
        SnapshotCompiler compiler = compiler(factory);
        Map<String, Balancer> first = compiler.balancers(pools(compiler, config()), Map.of());
        assertEquals(List.of("api new", "site new"), sorted(factory.asked));
        assertInstanceOf(SmoothWeightedRoundRobin.class, first.get("site"));

        factory.asked.clear();
        Map<String, Balancer> previous = new HashMap<>(first);
        previous.remove("api");
        Map<String, Balancer> second = compiler.balancers(pools(compiler, config()), previous);
        assertEquals(List.of("api new", "site after site"), sorted(factory.asked));
        assertNotSame(first.get("site"), second.get("site"), "a new snapshot has new balancers");
        Upstream next = first.get("site").pick();
        assertNotEquals(next.address(), second.get("site").pick().address(),
                "the round-robin position goes on from the previous balancer");
    }

    @Test
    void routesHoldTheirPoolsBalancerAndStickinessResolvedAtCompileTime() {
        SnapshotCompiler compiler = compiler(BalancerFactory.ROUND_ROBIN);
        BalorConfig config = config();
        Map<String, Balancer> balancers = compiler.balancers(pools(compiler, config), Map.of());
        HttpPolicy policy = compiler.httpPolicy(config.listener("web"), balancers, new RateLimits(io.balor.time.Ticker.system()));

        HttpRoute api = find(policy, "api.test");
        HttpRoute site = find(policy, "other.test");
        assertSame(balancers.get("api"), api.balancer());
        assertSame(balancers.get("site"), site.balancer());
        assertEquals("api", api.pool());
        assertNotNull(api.sticky());
        assertNotSame(api.sticky(), site.sticky(), "stickiness is per pool");
        Upstream second = balancers.get("site").pool().get(1);
        ByteBuffer sent = cookie(site, second);
        assertSame(second, site.sticky().cookie().find(sent, 0, sent.limit()), "the line names its upstream");
        assertNull(compiler.httpPolicy(config.listener("web").withHttp(HttpSettings.DEFAULT), balancers,
                new RateLimits(io.balor.time.Ticker.system())).routes().find(bytes("x.test"), 0, 6, 0, 0).sticky());
    }

    /** The cookie value the route's stickiness sets for {@code upstream}, as a client sends it back. */
    private static ByteBuffer cookie(HttpRoute route, Upstream upstream) {
        String line = new String(route.sticky().setCookieLine(upstream), StandardCharsets.US_ASCII);
        String pair = line.substring("Set-Cookie: ".length(), line.indexOf(';'));
        return bytes(pair);
    }

    private static HttpRoute find(HttpPolicy policy, String host) {
        ByteBuffer head = bytes(host + "/");
        return policy.routes().find(head, 0, host.length(), host.length(), host.length() + 1);
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static List<String> sorted(List<String> items) {
        List<String> copy = new ArrayList<>(items);
        copy.sort(null);
        return copy;
    }
}
