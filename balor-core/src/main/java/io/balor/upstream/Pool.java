package io.balor.upstream;

import io.balor.metrics.TrafficCounters;

import java.util.List;

/**
 * A named group of upstreams as compiled into a snapshot: immutable, shared by every loop, as
 * is its round-robin {@link Balancer} (compiled beside it, see {@link SmoothWeightedRoundRobin}).
 *
 * @param upstreamHost HTTP requests carry the upstream's address as Host instead of the client's
 * @param connectTimeoutNanos  the pool's connect timeout, or {@link #LISTENER}
 * @param responseTimeoutNanos the pool's HTTP response timeout, or {@link #LISTENER}
 * @param tls          how HTTP listeners speak TLS to its {@code https://} upstreams; null when it has none
 * @param traffic      the HTTP requests its balancer took (those no upstream could take too), kept by name
 * @param sendProxyVersion the PROXY protocol header written first on each new connection to its
 *                     upstreams: 1 or 2, or 0 for none; connections that carried one are never
 *                     kept alive for other clients ({@code PoolConfig#sendProxyProtocol})
 * @param http2        HTTP listeners speak HTTP/2 to its upstreams (over TLS to {@code https://}
 *                     ones, ALPN {@code h2}; else h2c), on connections their loop's clients share
 */
public record Pool(String name, List<Upstream> upstreams, boolean upstreamHost, long connectTimeoutNanos,
                   long responseTimeoutNanos, io.balor.tls.UpstreamTls tls, TrafficCounters traffic,
                   int sendProxyVersion, boolean http2) {

    /** A timeout the pool leaves to the listener. */
    public static final long LISTENER = -1;

    public Pool {
        upstreams = List.copyOf(upstreams);
        if (sendProxyVersion < 0 || sendProxyVersion > 2) {
            throw new IllegalArgumentException("PROXY protocol version 0 (none), 1 or 2, not " + sendProxyVersion);
        }
    }

    /** A pool that speaks HTTP/1.1 to its upstreams. */
    public Pool(String name, List<Upstream> upstreams, boolean upstreamHost, long connectTimeoutNanos,
                long responseTimeoutNanos, io.balor.tls.UpstreamTls tls, TrafficCounters traffic, int sendProxyVersion) {
        this(name, upstreams, upstreamHost, connectTimeoutNanos, responseTimeoutNanos, tls, traffic, sendProxyVersion,
                false);
    }

    /** A pool that sends no PROXY header. */
    public Pool(String name, List<Upstream> upstreams, boolean upstreamHost, long connectTimeoutNanos,
                long responseTimeoutNanos, io.balor.tls.UpstreamTls tls, TrafficCounters traffic) {
        this(name, upstreams, upstreamHost, connectTimeoutNanos, responseTimeoutNanos, tls, traffic, 0);
    }

    /** A pool whose HTTP requests keep the client's Host, with the listener's timeouts. */
    public Pool(String name, List<Upstream> upstreams) {
        this(name, upstreams, false, LISTENER, LISTENER, null);
    }

    /** A pool whose traffic is not counted. */
    public Pool(String name, List<Upstream> upstreams, boolean upstreamHost, long connectTimeoutNanos,
                long responseTimeoutNanos, io.balor.tls.UpstreamTls tls) {
        this(name, upstreams, upstreamHost, connectTimeoutNanos, responseTimeoutNanos, tls, TrafficCounters.NONE);
    }

    /** A pool without TLS upstreams. */
    public Pool(String name, List<Upstream> upstreams, boolean upstreamHost, long connectTimeoutNanos,
                long responseTimeoutNanos) {
        this(name, upstreams, upstreamHost, connectTimeoutNanos, responseTimeoutNanos, null);
    }

    /** The pool's connect timeout, or {@code listenerNanos} when it has none of its own. */
    public long connectTimeout(long listenerNanos) {
        return connectTimeoutNanos == LISTENER ? listenerNanos : connectTimeoutNanos;
    }

    /** The pool's response timeout, or {@code listenerNanos} when it has none of its own. */
    public long responseTimeout(long listenerNanos) {
        return responseTimeoutNanos == LISTENER ? listenerNanos : responseTimeoutNanos;
    }

    public int size() {
        return upstreams.size();
    }

    public Upstream get(int index) {
        return upstreams.get(index);
    }
}
