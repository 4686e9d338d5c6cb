package io.balor.proxy;

import io.balor.limit.TokenBucket;

/**
 * Where a matched request goes: its pool, the route's own rate limit (null when it has none),
 * and its name for the access log ({@code host} or {@code host/prefix}; null for the listener's
 * default). Immutable; shared by every loop.
 */
public record HttpRoute(String pool, TokenBucket rateLimit, String name) {
}
