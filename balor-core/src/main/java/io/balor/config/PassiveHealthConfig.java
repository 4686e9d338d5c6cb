package io.balor.config;

import java.time.Duration;

/**
 * Passive health of a pool's upstreams, judged from the traffic itself: {@code
 * consecutiveFailures} failures in a row (a refused or timed-out connect, a connection reset or
 * closed before its response was complete, and, with {@code count5xx}, a 500, 502, 503 or 504
 * response) eject an upstream for {@code ejectFor}; then it takes traffic again, if its active
 * health check (if any) also says it is up. Any good response (or, on TCP listeners, any
 * connect) resets the count, as nginx's {@code max_fails} / HAProxy's {@code observe}.
 *
 * @param consecutiveFailures failures in a row that eject an upstream (1–1000)
 * @param ejectFor            how long an ejected upstream stays out (positive; default 30 s)
 * @param count5xx            whether 500, 502, 503 and 504 responses count as failures (501 and
 *                            505 answer the request, not the server's health)
 */
public record PassiveHealthConfig(int consecutiveFailures, Duration ejectFor, boolean count5xx) {

    public static final int DEFAULT_FAILURES = 5;
    public static final Duration DEFAULT_EJECT_FOR = Duration.ofSeconds(30);
    private static final int MAX_COUNT = 1000;

    public PassiveHealthConfig {
        ejectFor = ejectFor == null ? DEFAULT_EJECT_FOR : ejectFor;
    }

    /** 5 failures in a row eject for 30 s; 5xx responses count. */
    public static PassiveHealthConfig defaults() {
        return new PassiveHealthConfig(DEFAULT_FAILURES, DEFAULT_EJECT_FOR, true);
    }

    public PassiveHealthConfig withConsecutiveFailures(int value) {
        return new PassiveHealthConfig(value, ejectFor, count5xx);
    }

    public PassiveHealthConfig withEjectFor(Duration value) {
        return new PassiveHealthConfig(consecutiveFailures, value, count5xx);
    }

    public PassiveHealthConfig withCount5xx(boolean value) {
        return new PassiveHealthConfig(consecutiveFailures, ejectFor, value);
    }

    void check(String path, Problems problems) {
        if (consecutiveFailures < 1 || consecutiveFailures > MAX_COUNT) {
            problems.add(path + ".failures", "must be between 1 and " + MAX_COUNT + ", was " + consecutiveFailures);
        }
        if (ejectFor.isNegative() || ejectFor.isZero()) {
            problems.add(path + ".eject_ms", "must be positive");
        }
    }
}
