package io.balor.config;

import java.time.Duration;

/**
 * The timeouts of an HTTP listener, all finite.
 *
 * @param head             a request head must arrive within this of its first byte (10 s) → 408
 * @param keepAlive        an idle client connection between requests is closed after this (60 s)
 * @param bodyIdle         while the request is being sent upstream, and once the response head
 *                         has arrived, no byte moving either way for this long ends the exchange
 *                         (30 s): 408 if the request was not all read, 504 if it was but the
 *                         upstream did not take it, else (response started) the client is closed
 * @param upstreamResponse the upstream's final response head must arrive within this of the whole
 *                         request having been written to it (60 s) → 504; a fixed deadline, which
 *                         interim (1xx) responses do not move
 */
public record HttpTimeouts(Duration head, Duration keepAlive, Duration bodyIdle, Duration upstreamResponse) {

    private static final Duration MAX = Duration.ofDays(7);

    public static final HttpTimeouts DEFAULT = new HttpTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(60),
            Duration.ofSeconds(30), Duration.ofSeconds(60));

    public HttpTimeouts {
        head = head == null ? Duration.ofSeconds(10) : head;
        keepAlive = keepAlive == null ? Duration.ofSeconds(60) : keepAlive;
        bodyIdle = bodyIdle == null ? Duration.ofSeconds(30) : bodyIdle;
        upstreamResponse = upstreamResponse == null ? Duration.ofSeconds(60) : upstreamResponse;
    }

    public HttpTimeouts withUpstreamResponse(Duration value) {
        return new HttpTimeouts(head, keepAlive, bodyIdle, value);
    }

    public HttpTimeouts withHead(Duration value) {
        return new HttpTimeouts(value, keepAlive, bodyIdle, upstreamResponse);
    }

    void check(String path, Problems problems) {
        positive(head, path + ".head", problems);
        positive(keepAlive, path + ".keep_alive", problems);
        positive(bodyIdle, path + ".body_idle", problems);
        positive(upstreamResponse, path + ".upstream_response", problems);
    }

    private static void positive(Duration value, String path, Problems problems) {
        if (value.isNegative() || value.isZero()) {
            problems.add(path, "must be positive");
        } else if (value.compareTo(MAX) > 0) {
            problems.add(path, "must be at most 7 days");
        }
    }
}
