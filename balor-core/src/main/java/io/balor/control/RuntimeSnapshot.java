package io.balor.control;

import io.balor.config.BalorConfig;
import io.balor.proxy.HttpPolicy;
import io.balor.proxy.TunnelPolicy;
import io.balor.upstream.Pool;
import io.balor.upstream.SmoothWeightedRoundRobin;

import java.util.Map;

/**
 * One generation of the data plane, compiled from a {@link BalorConfig}: what every loop reads
 * when it opens a session. Published to all loops at once and never mutated; a session keeps
 * the pieces it took at its start until it ends.
 *
 * @param generation counts applies, from 1
 * @param listeners  by socket (identity), how each bound listener is configured now
 * @param pools      by name, every pool (a listener's inline upstreams make a pool of its name)
 * @param balancers  by pool name, each pool's round-robin balancer: shared by every loop, so
 *                   consecutive sessions interleave whichever loop takes them (the one mutable,
 *                   lock-free part: the pool's position and its schedule)
 */
record RuntimeSnapshot(long generation, Map<BoundListener, Listener> listeners, Map<String, Pool> pools,
                       Map<String, SmoothWeightedRoundRobin> balancers) {

    /**
     * A bound listener as this generation configures it; {@code http} is null for a TCP listener,
     * {@code tls} when it does not terminate TLS, {@code tcpRouting} unless it is a TCP listener
     * that routes by TLS server name; {@code proxyTrusted} the peers that may send a PROXY header,
     * or null when the listener reads none.
     */
    record Listener(String name, String pool, TunnelPolicy policy, HttpPolicy http, io.balor.tls.ServerTls tls,
                    TlsCompiler.TcpRouting tcpRouting, io.balor.limit.TokenBucket connectionRate,
                    io.balor.net.AddressRanges proxyTrusted) {
    }

    static final RuntimeSnapshot EMPTY = new RuntimeSnapshot(0, Map.of(), Map.of(), Map.of());
}
