package io.balor.config;

/**
 * A token bucket: {@code rps} tokens a second, at most {@code burst} saved up. One request (or,
 * on a TCP listener, one new connection) takes one token; without one it is refused (HTTP 429
 * with {@code Retry-After}, TCP: the connection is closed).
 *
 * @param rps       the steady rate, per second (fractions allowed: 0.5 is one every 2 s)
 * @param burst     how many may come at once after a quiet period (at least 1)
 * @param perClient one bucket per client IP address instead of one for everybody; the buckets
 *                  live in a fixed table, so memory stays bounded however many clients come
 *                  (two clients whose addresses share a slot share a bucket)
 */
public record RateLimitConfig(double rps, int burst, boolean perClient) {

    /** One bucket shared by every client. */
    public static RateLimitConfig of(double rps, int burst) {
        return new RateLimitConfig(rps, burst, false);
    }

    public RateLimitConfig perClientIp() {
        return new RateLimitConfig(rps, burst, true);
    }

    void check(String path, Problems problems) {
        if (!(rps > 0) || rps > 1_000_000 || Double.isNaN(rps)) {
            problems.add(path + ".rps", "must be above 0 and at most 1000000");
        }
        if (burst < 1 || burst > 1_000_000) {
            problems.add(path + ".burst", "must be between 1 and 1000000");
        }
    }
}
