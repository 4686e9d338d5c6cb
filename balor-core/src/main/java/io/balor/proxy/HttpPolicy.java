package io.balor.proxy;

import io.balor.route.RouteTable;

/**
 * What an HTTP listener's config says about its sessions, compiled once per config. Immutable;
 * shared by every loop.
 *
 * @param listener          the listener's name
 * @param routes            host routes to pools (with their rate limits); the default is the
 *                          listener's pool, if any
 * @param rateLimit         the listener's request rate limit, or null
 * @param proto             {@code http} or {@code https}, as ASCII, for {@code X-Forwarded-Proto}
 * @param trustForwarded    keep the clients' {@code X-Forwarded-*}
 * @param maxBodyBytes      largest request body → 413
 * @param connectTimeoutNanos     one upstream connect attempt
 * @param headTimeoutNanos        a request head must arrive within this → 408
 * @param keepAliveTimeoutNanos   an idle client connection is closed after this
 * @param bodyIdleTimeoutNanos    while the request is sent and once the response head is in, no
 *                                byte either way for this long ends the exchange
 * @param responseTimeoutNanos    the final response head must arrive within this of the whole
 *                                request having been written (1xx responses do not move it) → 504
 * @param sticky                  stickiness, or null
 * @param tunnel                  what a WebSocket becomes after its 101: an L4 tunnel with these
 *                                timeouts and watermarks
 * @param websocketMaxFrame       largest WebSocket frame payload either way
 */
public record HttpPolicy(String listener, RouteTable<HttpRoute> routes, io.balor.limit.TokenBucket rateLimit,
                         byte[] proto, boolean trustForwarded,
                         long maxBodyBytes, long connectTimeoutNanos, long headTimeoutNanos,
                         long keepAliveTimeoutNanos, long bodyIdleTimeoutNanos, long responseTimeoutNanos,
                         Stickiness sticky, TunnelPolicy tunnel, long websocketMaxFrame) {
}
