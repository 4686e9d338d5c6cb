package io.balor.proxy;

import io.balor.http.HttpHead;
import io.balor.route.RouteTable;

/**
 * What an HTTP listener's config says about its sessions, compiled once per config. Immutable;
 * shared by every loop.
 *
 * @param listener          the listener's name
 * @param routes            host routes, each resolved to its pool's balancer (with its rate limit
 *                          and stickiness); the default is the listener's pool, if any
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
 * @param answers                 the requests Balor answers itself ({@link OwnAnswer}), asked in order
 * @param tunnel                  what a WebSocket becomes after its 101: an L4 tunnel with these
 *                                timeouts and watermarks
 * @param websocketMaxFrame       largest WebSocket frame payload either way
 * @param http2                   clients may speak HTTP/2 (h2c with prior knowledge on a plain
 *                                listener; ALPN chooses it with TLS)
 */
public record HttpPolicy(String listener, RouteTable<HttpRoute> routes, io.balor.limit.TokenBucket rateLimit,
                         byte[] proto, boolean trustForwarded,
                         long maxBodyBytes, long connectTimeoutNanos, long headTimeoutNanos,
                         long keepAliveTimeoutNanos, long bodyIdleTimeoutNanos, long responseTimeoutNanos,
                         java.util.List<OwnAnswer> answers, TunnelPolicy tunnel, long websocketMaxFrame,
                         boolean http2) {

    public HttpPolicy {
        answers = java.util.List.copyOf(answers);
    }

    /**
     * The first of {@link #answers()} asked {@code beforeLimits} (or, false, after them) that
     * answers {@code request}, or null: it goes on. Allocates nothing.
     */
    public OwnAnswer ownAnswer(HttpHead request, java.nio.ByteBuffer in, boolean beforeLimits) {
        for (int i = 0; i < answers.size(); i++) {
            if (answers.get(i).beforeLimits() == beforeLimits && answers.get(i).answers(request, in)) {
                return answers.get(i);
            }
        }
        return null;
    }
}
