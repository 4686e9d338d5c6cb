package io.balor.admin.acme;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When ACME jobs run: two thirds of the lifetime, ARI windows, backoff with jitter, hourly looks. */
class RenewalPolicyTest {

    private static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant ENDS = ISSUED.plus(Duration.ofDays(90));

    @Test
    void aCertificateIsRenewedAtTwoThirdsOfItsLifetime() {
        RenewalPolicy policy = new RenewalPolicy(() -> 0.5);
        assertEquals(ISSUED.plus(Duration.ofDays(60)), policy.renewAt(ISSUED, ENDS, null, null));
        assertEquals(ISSUED.plus(Duration.ofHours(16)), policy.renewAt(ISSUED, ISSUED.plus(Duration.ofDays(1)), null, null),
                "a short-lived one too");
    }

    @Test
    void anAriWindowThatStartsSoonerWinsAtARandomMomentInIt() {
        Instant start = ISSUED.plus(Duration.ofDays(30));
        Instant end = ISSUED.plus(Duration.ofDays(32));
        assertEquals(start, new RenewalPolicy(() -> 0.0).renewAt(ISSUED, ENDS, start, end));
        assertEquals(ISSUED.plus(Duration.ofDays(31)), new RenewalPolicy(() -> 0.5).renewAt(ISSUED, ENDS, start, end));
        // A window after two thirds does not delay the renewal; one that straddles it is cut there.
        Instant late = ISSUED.plus(Duration.ofDays(70));
        assertEquals(ISSUED.plus(Duration.ofDays(60)),
                new RenewalPolicy(() -> 0.0).renewAt(ISSUED, ENDS, late, late.plus(Duration.ofDays(1))));
        assertEquals(ISSUED.plus(Duration.ofDays(60)), new RenewalPolicy(() -> 0.99)
                .renewAt(ISSUED, ENDS, ISSUED.plus(Duration.ofDays(59)), ISSUED.plus(Duration.ofDays(80))));
    }

    @Test
    void failuresBackOffFromFiveMinutesDoublingToSixHoursWithTenPercentJitter() {
        RenewalPolicy middle = new RenewalPolicy(() -> 0.5);   // no jitter at the middle
        assertEquals(Duration.ofMinutes(5), middle.retryAfter(1));
        assertEquals(Duration.ofMinutes(10), middle.retryAfter(2));
        assertEquals(Duration.ofMinutes(20), middle.retryAfter(3));
        assertEquals(Duration.ofMinutes(320), middle.retryAfter(7));
        assertEquals(Duration.ofHours(6), middle.retryAfter(8), "capped");
        assertEquals(Duration.ofHours(6), middle.retryAfter(1_000), "and stays there");
        assertEquals(Duration.ofSeconds(270), new RenewalPolicy(() -> 0.0).retryAfter(1), "10 % sooner at most");
        assertTrue(new RenewalPolicy(() -> 0.999_999).retryAfter(1).compareTo(Duration.ofSeconds(330)) < 0,
                "10 % later at most");
    }

    @Test
    void noJobWaitsMoreThanAnHourAndExpiringMeansUnderAWeek() {
        RenewalPolicy policy = new RenewalPolicy(() -> 0.5);
        Instant now = ISSUED;
        assertEquals(now.plus(Duration.ofHours(1)), policy.nextLook(now, ENDS));
        assertEquals(now.plus(Duration.ofHours(1)), policy.nextLook(now, null));
        assertEquals(now.plus(Duration.ofMinutes(5)), policy.nextLook(now, now.plus(Duration.ofMinutes(5))));
        assertTrue(RenewalPolicy.expiring(ENDS.minus(Duration.ofDays(6)), ENDS));
        assertFalse(RenewalPolicy.expiring(ENDS.minus(Duration.ofDays(8)), ENDS));
        assertFalse(RenewalPolicy.expiring(now, null));
    }
}
