package io.balor.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Validation names every problem with its field path, all at once. */
class BalorConfigTest {

    private static List<String> problems(Runnable construct) {
        InvalidConfigException refused = assertThrows(InvalidConfigException.class, construct::run);
        List<String> lines = new ArrayList<>();
        for (ConfigProblem problem : refused.problems()) {
            lines.add(problem.toString());
        }
        return lines;
    }

    @Test
    void aValidConfigIsAccepted() {
        BalorConfig config = new BalorConfig(
                List.of(ListenerConfig.tcp("api", "0.0.0.0:6443", "masters"),
                        ListenerConfig.tcp("inline", "127.0.0.1:0", null)
                                .withUpstreams(List.of(UpstreamConfig.of("https://10.0.0.5:6443", 2)))),
                List.of(PoolConfig.of("masters", UpstreamConfig.of("https://10.0.0.2:6443"),
                        UpstreamConfig.of("https://10.0.0.3:6443"))));
        assertEquals("masters", config.listener("api").poolName());
        assertEquals("inline", config.listener("inline").poolName());
        assertEquals(2, config.pool("masters").upstreams().size());
    }

    @Test
    void everyProblemIsReportedWithItsPath() {
        List<String> problems = problems(() -> new BalorConfig(
                List.of(ListenerConfig.tcp("a", "0.0.0.0:80", "p"),
                        ListenerConfig.tcp("a", "0.0.0.0:80", "p"),
                        new ListenerConfig("b", "0.0.0.0:81", Protocol.HTTP, "p", List.of(UpstreamConfig.of("x:1")),
                                true, -1, Timeouts.DEFAULT.withConnect(Duration.ZERO)),
                        ListenerConfig.tcp("c", "0.0.0.0:82", null)),
                List.of(PoolConfig.of("p", UpstreamConfig.of("x:1"), UpstreamConfig.of("x:1"),
                        UpstreamConfig.of("y:0", -1)),
                        PoolConfig.of("p"))));
        assertEquals(List.of(
                "pools[0].upstreams[1].address: 'x:1' is listed twice in this pool",
                "pools[0].upstreams[2].address: port out of range in 'y:0' (1-65535)",
                "pools[0].upstreams[2].weight: must be between 0 and 256, was -1",
                "pools[1].name: another pool is named 'p'",
                "listeners[1].name: another listener is named 'a'",
                "listeners[1].listen: another listener already listens on 0.0.0.0:80",
                "listeners[2].max_connections: must be 0 (no limit) or more",
                "listeners[2].timeouts.connect: must be positive",
                "listeners[2].upstreams: give either 'pool' or 'upstreams', not both",
                "listeners[3].pool: a listener needs a pool or at least one upstream"), problems);
    }

    @Test
    void httpRoutesStickinessAndTimeoutsAreCheckedWithTheirPaths() {
        ListenerConfig web = ListenerConfig.http("web", "0.0.0.0:80", null).withHttp(HttpSettings.DEFAULT
                .withRoutes(List.of(RouteConfig.of("*", "p"), new RouteConfig("a.example", "images", "p"),
                        RouteConfig.of("b.example", "missing"), RouteConfig.of("B.example", "p")))
                .withSticky(new StickyConfig(StickyConfig.Strategy.COOKIE, "bad name"))
                .withTimeouts(HttpTimeouts.DEFAULT.withHead(Duration.ZERO)));
        List<String> problems = problems(() -> new BalorConfig(List.of(web),
                List.of(PoolConfig.of("p", UpstreamConfig.of("x:1")))));
        List<String> paths = new ArrayList<>();
        for (String problem : problems) {
            paths.add(problem.substring(0, problem.indexOf(':')));
        }
        assertEquals(List.of("listeners[0].host_routes[0].host", "listeners[0].host_routes[1].path_prefix",
                "listeners[0].host_routes[2].pool", "listeners[0].host_routes[3].host", "listeners[0].sticky.cookie_name",
                "listeners[0].http_timeouts.head"), paths, problems.toString());
    }

    @Test
    void theMessageListsEveryProblem() {
        InvalidConfigException refused = assertThrows(InvalidConfigException.class, () -> new BalorConfig(
                List.of(ListenerConfig.tcp("x", "127.0.0.1:99999", "none")), List.of()));
        assertTrue(refused.getMessage().contains("listeners[0].listen: port out of range"), refused.getMessage());
        assertTrue(refused.getMessage().contains("listeners[0].pool: no pool named 'none'"), refused.getMessage());
    }

    @Test
    void disabledListenersMayShareAnAddress() {
        new BalorConfig(List.of(ListenerConfig.tcp("a", "0.0.0.0:80", "p"),
                ListenerConfig.tcp("b", "0.0.0.0:80", "p").withEnabled(false)),
                List.of(PoolConfig.of("p", UpstreamConfig.of("x:1"))));
    }

    @Test
    void recordsCopyTheirLists() {
        List<UpstreamConfig> upstreams = new ArrayList<>(List.of(UpstreamConfig.of("x:1")));
        PoolConfig pool = new PoolConfig("p", upstreams);
        upstreams.add(UpstreamConfig.of("y:1"));
        assertEquals(1, pool.upstreams().size());
    }

    @Test
    void proxyProtocolNeedsTrustedProxiesGivenAsAddressesOrRanges() {
        PoolConfig pool = PoolConfig.of("app", UpstreamConfig.of("127.0.0.1:8080"));
        List<String> problems = problems(() -> new BalorConfig(List.of(
                ListenerConfig.http("none", "127.0.0.1:0", "app").withProxyProtocol(new ProxyProtocolConfig(List.of())),
                ListenerConfig.tcp("bad", "127.0.0.1:0", "app")
                        .withProxyProtocol(new ProxyProtocolConfig(List.of("10.0.0.0/8", "proxy.internal", "10.1.0.1/16")))),
                List.of(pool)));
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("listeners[0].proxy_protocol.trusted: name the proxies"), problems.get(0));
        assertTrue(problems.get(1).startsWith("listeners[1].proxy_protocol.trusted[1]: 'proxy.internal' is not an IP"),
                problems.get(1));
        assertTrue(problems.get(2).startsWith("listeners[1].proxy_protocol.trusted[2]: '10.1.0.1/16' has bits set"),
                problems.get(2));
    }

    @Test
    void aListenerThatDoesNotAcceptTheHeaderNeedsNoTrustedProxies() {
        PoolConfig pool = PoolConfig.of("app", UpstreamConfig.of("127.0.0.1:8080"));
        BalorConfig config = new BalorConfig(List.of(ListenerConfig.http("off", "127.0.0.1:0", "app")
                .withProxyProtocol(new ProxyProtocolConfig(false, List.of()))), List.of(pool));
        assertTrue(!config.listener("off").acceptsProxyProtocol());
        assertTrue(new ProxyProtocolConfig(List.of("10.0.0.0/8")).accept(), "the one-list form accepts");
        List<String> problems = problems(() -> new BalorConfig(List.of(ListenerConfig.http("off", "127.0.0.1:0", "app")
                .withProxyProtocol(new ProxyProtocolConfig(false, List.of("10.0.0.1/8")))), List.of(pool)));
        assertEquals(List.of("listeners[0].proxy_protocol.trusted[0]"), problems.stream()
                .map(line -> line.substring(0, line.indexOf(':'))).toList(), "ranges given are checked all the same");
    }

    @Test
    void sendProxyProtocolIsKeptByEveryWithMethod() {
        PoolConfig pool = PoolConfig.of("app", UpstreamConfig.of("127.0.0.1:8080"))
                .withSendProxyProtocol(PoolConfig.ProxyVersion.V2);
        PoolConfig changed = pool.withHostHeader(PoolConfig.HostHeader.UPSTREAM).withTimeouts(UpstreamTimeouts.LISTENER)
                .withTls(UpstreamTlsConfig.DEFAULT).withHealthCheck(null).withPassiveHealth(null)
                .withSlowStart(Duration.ZERO).withUpstreams(List.of(UpstreamConfig.of("127.0.0.1:8081")));
        assertEquals(PoolConfig.ProxyVersion.V2, changed.sendProxyProtocol());
        assertEquals(null, new PoolConfig("p", List.of()).sendProxyProtocol(), "the shorter constructors send none");
        assertEquals(2, PoolConfig.ProxyVersion.V2.number());
        assertEquals(PoolConfig.ProxyVersion.V1, PoolConfig.ProxyVersion.parse("v1"));
        assertEquals(null, PoolConfig.ProxyVersion.parse("V1"));
    }
}
