package io.balor.config;

import java.time.Duration;

/**
 * A listener's timeouts.
 *
 * @param connect how long one upstream connect may take before the next upstream is tried (5 s)
 * @param idle    how long a session may pass no bytes either way before both sides are closed (1 h,
 *                as Envoy's TCP proxy)
 * @param drain   how long sessions of a removed or drained listener may run on before they are
 *                closed (30 s)
 */
public record Timeouts(Duration connect, Duration idle, Duration drain) {

    private static final Duration DEFAULT_CONNECT = Duration.ofSeconds(5);
    private static final Duration DEFAULT_IDLE = Duration.ofHours(1);
    private static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);
    private static final Duration MAX = Duration.ofDays(7);

    public static final Timeouts DEFAULT = new Timeouts(DEFAULT_CONNECT, DEFAULT_IDLE, DEFAULT_DRAIN);

    public Timeouts {
        connect = connect == null ? DEFAULT_CONNECT : connect;
        idle = idle == null ? DEFAULT_IDLE : idle;
        drain = drain == null ? DEFAULT_DRAIN : drain;
    }

    public Timeouts withConnect(Duration value) {
        return new Timeouts(value, idle, drain);
    }

    public Timeouts withIdle(Duration value) {
        return new Timeouts(connect, value, drain);
    }

    public Timeouts withDrain(Duration value) {
        return new Timeouts(connect, idle, value);
    }

    void check(String path, Problems problems) {
        positive(connect, path + ".connect", problems);
        positive(idle, path + ".idle", problems);
        if (drain.isNegative()) {
            problems.add(path + ".drain", "must not be negative");
        } else if (drain.compareTo(MAX) > 0) {
            problems.add(path + ".drain", "must be at most 7 days");
        }
    }

    private static void positive(Duration value, String path, Problems problems) {
        if (value.isNegative() || value.isZero()) {
            problems.add(path, "must be positive");
        } else if (value.compareTo(MAX) > 0) {
            problems.add(path, "must be at most 7 days");
        }
    }
}
