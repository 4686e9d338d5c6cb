package io.balor.proxy;

import io.balor.limit.TokenBucket;

/**
 * Where a matched request goes: its pool, and the route's own rate limit (null when it has
 * none). Immutable; shared by every loop.
 */
public record HttpRoute(String pool, TokenBucket rateLimit) {
}
