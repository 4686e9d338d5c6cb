package io.balor.control;

import io.balor.config.BalorConfig;
import io.balor.proxy.HttpPolicy;
import io.balor.proxy.TunnelPolicy;
import io.balor.upstream.Pool;
import io.balor.upstream.Balancer;

import java.util.Map;

/**
 * One generation of the data plane, compiled from a {@link BalorConfig}: what every loop reads
 * when it opens a session. Published to all loops at once and never mutated; a session keeps
 * the pieces it took at its start until it ends.
 *
 * @param generation counts applies, from 1
 * @param listeners  by socket (identity), how each bound listener is configured now
 * @param pools      by name, every pool (a listener's inline upstreams make a pool of its name)
 * @param balancers  by pool name, each pool's balancer ({@link io.balor.upstream.BalancerFactory}),
 *                   which listeners and routes hold already: shared by every loop, so consecutive
 *                   sessions interleave whichever loop takes them (the one mutable, lock-free part:
 *                   the pool's position and its schedule)
 */
record RuntimeSnapshot(long generation, Map<BoundListener, Listener> listeners, Map<String, Pool> pools,
                       Map<String, Balancer> balancers) {

    /**
     * A bound listener as this generation configures it; {@code balancer} is its own pool's (null
     * when it has none), {@code http} null for a TCP listener, {@code tls} when it does not
     * terminate TLS, {@code tunnelRouting} unless it is a TCP listener that routes by TLS server
     * name; {@code proxyTrusted} the peers that may send a PROXY header,
     * or null when the listener reads none.
     */
    record Listener(String name, Balancer balancer, TunnelPolicy policy, HttpPolicy http, io.balor.tls.ServerTls tls,
                    TunnelRouting tunnelRouting, io.balor.limit.TokenBucket connectionRate,
                    io.balor.net.AddressRanges proxyTrusted) {
    }

    static final RuntimeSnapshot EMPTY = new RuntimeSnapshot(0, Map.of(), Map.of(), Map.of());
}
