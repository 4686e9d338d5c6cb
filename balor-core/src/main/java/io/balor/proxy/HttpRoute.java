package io.balor.proxy;

import io.balor.limit.TokenBucket;
import io.balor.metrics.TrafficCounters;

/**
 * Where a matched request goes: its pool, the route's own rate limit (null when it has none),
 * its name for the access log ({@code host} or {@code host/prefix}; null for the listener's
 * default) and its traffic counters (kept across applies by listener and name). Immutable;
 * shared by every loop.
 */
public record HttpRoute(String pool, TokenBucket rateLimit, String name, TrafficCounters traffic) {

    /** A route whose traffic is not counted. */
    public HttpRoute(String pool, TokenBucket rateLimit, String name) {
        this(pool, rateLimit, name, TrafficCounters.NONE);
    }
}
