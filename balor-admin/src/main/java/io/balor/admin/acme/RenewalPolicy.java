package io.balor.admin.acme;

import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * When an ACME job runs next, as Caddy and certbot decide it: a certificate is renewed at two
 * thirds of its lifetime, or earlier when the CA's renewal information (ARI,
 * draft-ietf-acme-ari) suggests a window that starts sooner (a random moment in that window, as
 * the draft asks, so a fleet does not renew at once); a failure is retried after 5 minutes,
 * doubling up to 6 hours, each wait jittered by up to 10 % either way; and no job waits more than
 * an hour between looks, so a clock change or a certificate replaced by hand is noticed. Pure
 * arithmetic on the instants it is given: stateless and thread-safe.
 */
public final class RenewalPolicy {

    /** The first retry after a failure. */
    public static final Duration FIRST_RETRY = Duration.ofMinutes(5);
    /** The longest wait between two failed attempts. */
    public static final Duration LONGEST_RETRY = Duration.ofHours(6);
    /** The longest a job goes without being looked at. */
    public static final Duration LOOK_EVERY = Duration.ofHours(1);
    /** Under this much lifetime left, a certificate is expiring: a warning (once a day). */
    public static final Duration EXPIRING = Duration.ofDays(7);

    private final DoubleSupplier random;

    /** @param random uniform in [0, 1): the jitter and the moment within an ARI window (a test gives fixed values) */
    public RenewalPolicy(DoubleSupplier random) {
        this.random = random;
    }

    /**
     * When a certificate valid from {@code notBefore} to {@code notAfter} is due for renewal: at
     * two thirds of its lifetime, or at a moment in the CA's suggested window
     * ({@code windowStart}..{@code windowEnd}, both null when it gave none) when that starts sooner.
     */
    public Instant renewAt(Instant notBefore, Instant notAfter, Instant windowStart, Instant windowEnd) {
        Instant twoThirds = notBefore.plus(Duration.between(notBefore, notAfter).multipliedBy(2).dividedBy(3));
        if (windowStart == null || windowEnd == null || !windowStart.isBefore(twoThirds)) {
            return twoThirds;
        }
        long span = Math.max(0, Duration.between(windowStart, windowEnd).toMillis());
        Instant inWindow = windowStart.plusMillis((long) (span * random.getAsDouble()));
        return inWindow.isBefore(twoThirds) ? inWindow : twoThirds;
    }

    /** The wait after the {@code failures}-th failure in a row (1 for the first): 5 min doubling to 6 h, jittered. */
    public Duration retryAfter(int failures) {
        long base = FIRST_RETRY.toMillis();
        for (int i = 1; i < failures && base < LONGEST_RETRY.toMillis(); i++) {
            base *= 2;
        }
        base = Math.min(base, LONGEST_RETRY.toMillis());
        double jitter = 0.9 + 0.2 * random.getAsDouble();
        return Duration.ofMillis((long) (base * jitter));
    }

    /**
     * When to look at a job next, given when it is due ({@code due}, null for never): then, but
     * no later than an hour from {@code now}.
     */
    public Instant nextLook(Instant now, Instant due) {
        Instant latest = now.plus(LOOK_EVERY);
        return due == null || due.isAfter(latest) ? latest : due;
    }

    /** Whether a certificate ending at {@code notAfter} has less than a week left at {@code now}. */
    public static boolean expiring(Instant now, Instant notAfter) {
        return notAfter != null && Duration.between(now, notAfter).compareTo(EXPIRING) < 0;
    }
}
