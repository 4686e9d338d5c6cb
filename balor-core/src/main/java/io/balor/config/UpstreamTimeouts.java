package io.balor.config;

import java.time.Duration;

/**
 * A pool's own upstream timeouts, as HAProxy's {@code timeout connect} / {@code timeout server}
 * in a backend: each one left null falls back to the listener's.
 *
 * @param connect  one connect attempt to an upstream of the pool
 * @param response how long an upstream may take to start its HTTP response (→ 504)
 */
public record UpstreamTimeouts(Duration connect, Duration response) {

    public static final UpstreamTimeouts LISTENER = new UpstreamTimeouts(null, null);

    void check(String path, Problems problems) {
        positive(connect, path + ".connect", problems);
        positive(response, path + ".upstream_response", problems);
    }

    private static void positive(Duration value, String path, Problems problems) {
        if (value == null) {
            return;
        }
        if (value.isNegative() || value.isZero()) {
            problems.add(path, "must be positive");
        } else if (value.compareTo(Duration.ofDays(7)) > 0) {
            problems.add(path, "must be at most 7 days");
        }
    }
}
