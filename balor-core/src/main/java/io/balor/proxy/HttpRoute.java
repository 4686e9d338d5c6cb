package io.balor.proxy;

import io.balor.limit.TokenBucket;
import io.balor.metrics.TrafficCounters;
import io.balor.upstream.Balancer;

/**
 * Where a matched request goes, resolved when the snapshot is compiled: its pool's balancer, how
 * the listener ties clients to that pool's upstreams ({@code sticky}, null when it does not),
 * the route's own rate limit (null when it has none), its name for the access log ({@code host}
 * or {@code host/prefix}; null for the listener's default) and its traffic counters (kept across
 * applies by listener and name). Immutable; shared by every loop.
 */
public record HttpRoute(Balancer balancer, Stickiness sticky, TokenBucket rateLimit, String name,
                        TrafficCounters traffic) {

    /** The pool's name, for the access log. */
    public String pool() {
        return balancer.pool().name();
    }
}
