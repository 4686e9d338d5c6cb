package io.balor.control;

import io.balor.BalorOptions;
import io.balor.config.BalorConfig;
import io.balor.config.HostPort;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.HttpSettings;
import io.balor.config.HttpTimeouts;
import io.balor.config.Protocol;
import io.balor.config.RouteConfig;
import io.balor.config.UpstreamConfig;
import io.balor.config.UpstreamTlsConfig;
import io.balor.tls.UpstreamTls;
import io.balor.proxy.HttpPolicy;
import io.balor.proxy.HttpRoute;
import io.balor.proxy.MethodAnswers;
import io.balor.proxy.Stickiness;
import io.balor.route.RouteTable;
import io.balor.proxy.TunnelPolicy;
import io.balor.upstream.Balancer;
import io.balor.upstream.BalancerFactory;
import io.balor.upstream.Pool;
import io.balor.upstream.Upstream;
import io.balor.upstream.UpstreamHealth;
import io.balor.health.HealthChecker;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a valid {@link BalorConfig} into the immutable parts of a {@link RuntimeSnapshot}.
 * Runs on the supervisor thread: it resolves upstream host names, which may block, so that no
 * loop ever does. A name that does not resolve stays unresolved, and connecting to it counts
 * as a failed connect (re-resolution is a planned health-check feature).
 */
final class SnapshotCompiler {

    private static final byte[] HTTP = "http".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] HTTPS = "https".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final BalorOptions options;
    private final HealthChecker health;
    private final TrafficRegistry traffic;
    private final BalancerFactory balancerFactory;
    /** ACME's HTTP-01 answers: one set for the whole runtime, given by every HTTP listener of every snapshot. */
    private final io.balor.proxy.Http01Answers http01 = new io.balor.proxy.Http01Answers();

    /**
     * @param health  keeps the health of checked upstreams by id across snapshots
     * @param traffic keeps the traffic counters of routes, pools and upstreams across snapshots
     * @param balancerFactory makes each pool's balancer
     */
    SnapshotCompiler(BalorOptions options, HealthChecker health, TrafficRegistry traffic,
                     BalancerFactory balancerFactory) {
        this.options = options;
        this.health = health;
        this.traffic = traffic;
        this.balancerFactory = balancerFactory;
    }

    /** The HTTP-01 answers every HTTP listener gives. */
    io.balor.proxy.Http01Answers http01() {
        return http01;
    }

    /**
     * What the loops need of one listener: its pool, session policies, TLS ({@code tls}, or null),
     * SNI routing, on a TCP listener its new-connection rate limit, and the peers trusted to send
     * a PROXY header (null when it reads none: no {@code proxy_protocol}, or {@code accept: false}).
     */
    RuntimeSnapshot.Listener listener(ListenerConfig listener, Map<String, Balancer> balancers, RateLimits rateLimits,
                                      io.balor.tls.ServerTls tls) {
        return new RuntimeSnapshot.Listener(listener.name(), balancer(balancers, listener.poolName()), policy(listener),
                httpPolicy(listener, balancers, rateLimits), tls, TlsCompiler.tunnelRouting(listener, balancers),
                listener.protocol() == Protocol.TCP ? rateLimits.bucket(listener.name(), listener.rateLimit()) : null,
                !listener.acceptsProxyProtocol() ? null : io.balor.net.AddressRanges.parse(
                        listener.proxyProtocol().trusted(), "proxy_protocol.trusted", (path, why) -> {
                            throw new IllegalStateException(path + ": " + why);   // the config was checked
                        }));
    }

    /**
     * Each pool's balancer for the next snapshot, made by the factory, going on from the running
     * snapshot's balancer of the same name ({@code previous}).
     */
    Map<String, Balancer> balancers(Map<String, Pool> pools, Map<String, Balancer> previous) {
        Map<String, Balancer> next = new HashMap<>();
        for (Pool pool : pools.values()) {
            next.put(pool.name(), balancerFactory.balancer(pool, previous.get(pool.name())));
        }
        return Map.copyOf(next);
    }

    /** The balancer of the pool named {@code pool}, or null (no name, or no such pool). */
    static Balancer balancer(Map<String, Balancer> balancers, String pool) {
        return pool == null ? null : balancers.get(pool);
    }

    /**
     * Every pool; those with {@code https://} upstreams get their client TLS from {@code tls}. The
     * upstreams of a pool with health checks, passive health or slow start share the health kept
     * for their id (so a kept upstream stays down, ejected or ramping as it was); the others, and
     * listeners' inline upstreams, are never checked and always up.
     */
    Map<String, Pool> pools(BalorConfig config, TlsCompiler tls) {
        Map<String, Pool> pools = new HashMap<>();
        for (int i = 0; i < config.pools().size(); i++) {
            PoolConfig pool = config.pools().get(i);
            UpstreamTls client = hasTls(pool.upstreams()) ? tls.upstreamTls(pool.tls(), "pools[" + i + "].tls") : null;
            pools.put(pool.name(), pool(pool.name(), pool.upstreams(), pool.hostHeader() == PoolConfig.HostHeader.UPSTREAM,
                    nanos(pool.timeouts().connect()), nanos(pool.timeouts().response()), client,
                    pool.tracksHealth(), pool.sendProxyProtocol() == null ? 0 : pool.sendProxyProtocol().number(),
                    pool.protocol() != PoolConfig.UpstreamProtocol.HTTP1));
        }
        for (int i = 0; i < config.listeners().size(); i++) {
            ListenerConfig listener = config.listeners().get(i);
            if (listener.pool() == null && !listener.upstreams().isEmpty()) {
                UpstreamTls client = hasTls(listener.upstreams())
                        ? tls.upstreamTls(UpstreamTlsConfig.DEFAULT, "listeners[" + i + "].upstreams") : null;
                pools.put(listener.name(), pool(listener.name(), listener.upstreams(), false, Pool.LISTENER,
                        Pool.LISTENER, client, false, 0, false));
            }
        }
        return Map.copyOf(pools);
    }

    private static boolean hasTls(List<UpstreamConfig> upstreams) {
        for (UpstreamConfig upstream : upstreams) {
            if ("https".equals(HostPort.parseUpstream(upstream.address()).value().scheme())) {
                return true;
            }
        }
        return false;
    }

    TunnelPolicy policy(ListenerConfig listener) {
        return new TunnelPolicy(listener.name(), listener.timeouts().connect().toNanos(),
                listener.timeouts().idle().toNanos(), options.highWatermark(), options.lowWatermark());
    }

    /** The HTTP side of a listener, or null for a TCP listener. */
    HttpPolicy httpPolicy(ListenerConfig listener, Map<String, Balancer> balancers, RateLimits limits) {
        if (listener.protocol() != Protocol.HTTP) {
            return null;
        }
        HttpSettings http = listener.http();
        Map<String, Stickiness> sticky = new HashMap<>();
        if (http.sticky() != null) {
            for (String name : routedPools(listener)) {
                sticky.put(name, new Stickiness(http.sticky(), balancers.get(name).pool(), listener.terminatesTls()));
            }
        }
        List<RouteTable.Rule<HttpRoute>> rules = new ArrayList<>();
        for (RouteConfig route : http.routes()) {
            String place = listener.name() + " " + route.host() + " " + route.pathPrefix();
            String name = route.host() + (route.pathPrefix() == null ? "" : route.pathPrefix());
            rules.add(new RouteTable.Rule<>(route.host(), route.pathPrefix(),
                    new HttpRoute(balancers.get(route.pool()), sticky.get(route.pool()),
                            limits.bucket(place, route.rateLimit()), name, traffic.route(listener.name(), name))));
        }
        HttpRoute fallback = listener.poolName() == null ? null
                : new HttpRoute(balancers.get(listener.poolName()), sticky.get(listener.poolName()), null, null,
                        traffic.route(listener.name(), null));
        HttpTimeouts timeouts = http.timeouts();
        byte[] proto = listener.terminatesTls() ? HTTPS : HTTP;
        return new HttpPolicy(listener.name(), RouteTable.compile(rules, fallback),
                limits.bucket(listener.name(), listener.rateLimit()), proto, http.trustForwarded(),
                http.maxBodyBytes(), listener.timeouts().connect().toNanos(), timeouts.head().toNanos(),
                timeouts.keepAlive().toNanos(), timeouts.bodyIdle().toNanos(), timeouts.upstreamResponse().toNanos(),
                List.of(http01, MethodAnswers.INSTANCE), policy(listener), http.websocketMaxFrameBytes(),
                http.http2On(listener.terminatesTls()));
    }

    private static java.util.Set<String> routedPools(ListenerConfig listener) {
        java.util.Set<String> names = new java.util.HashSet<>();
        if (listener.poolName() != null) {
            names.add(listener.poolName());
        }
        for (RouteConfig route : listener.http().routes()) {
            names.add(route.pool());
        }
        return names;
    }

    private static long nanos(java.time.Duration value) {
        return value == null ? Pool.LISTENER : value.toNanos();
    }

    private Pool pool(String name, List<UpstreamConfig> configs, boolean upstreamHost, long connectNanos,
                      long responseNanos, UpstreamTls tls, boolean checked, int sendProxyVersion, boolean http2) {
        List<Upstream> upstreams = new ArrayList<>(configs.size());
        for (UpstreamConfig config : configs) {
            HostPort address = HostPort.parseUpstream(config.address()).value();
            String id = name + "/" + address;
            upstreams.add(new Upstream(id, config.name(), resolve(address),
                    config.weight(), config.enabled(), upstreams.size(),
                    address.authority().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    tls != null && "https".equals(address.scheme()),
                    checked ? health.health(id, options.ticker()) : UpstreamHealth.unchecked(),
                    traffic.upstream(name, address.toString())));
        }
        return new Pool(name, upstreams, upstreamHost, connectNanos, responseNanos, tls, traffic.pool(name),
                sendProxyVersion, http2);
    }

    private static InetSocketAddress resolve(HostPort address) {
        InetSocketAddress resolved = new InetSocketAddress(address.host(), address.port());
        return resolved.isUnresolved()
                ? InetSocketAddress.createUnresolved(address.host(), address.port())
                : resolved;
    }
}
