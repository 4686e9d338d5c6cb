package io.balor.upstream;

import io.balor.time.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Passive health and slow start on a manual ticker: ejection, its end, the active checks' veto, the ramp. */
class UpstreamHealthTest {

    private static final long EJECT = Duration.ofSeconds(30).toNanos();
    private static final long SLOW = Duration.ofSeconds(60).toNanos();

    private final ManualTicker ticker = new ManualTicker();

    private UpstreamHealth health(int failures, boolean count5xx, long slowStart) {
        UpstreamHealth health = new UpstreamHealth(ticker);
        health.configure(failures, EJECT, count5xx, slowStart);
        return health;
    }

    @Test
    void ejectsAfterConsecutiveFailuresAndComesBackAfterThePeriod() {
        UpstreamHealth health = health(3, true, 0);
        assertFalse(health.failed(ticker.nanoTime(), UpstreamError.RESET));
        assertFalse(health.failed(ticker.nanoTime(), UpstreamError.RESET));
        assertTrue(health.up());
        assertTrue(health.failed(ticker.nanoTime(), UpstreamError.RESET));
        assertFalse(health.up());
        assertTrue(health.ejected());
        assertEquals(1, health.ejections());
        // Failures of sessions still under way neither count nor extend it.
        assertFalse(health.failed(ticker.nanoTime(), UpstreamError.RESET));
        assertEquals(3, health.trafficFailures(), "the failures that ejected it, not those of sessions under way");

        ticker.advance(Duration.ofSeconds(29));
        assertFalse(health.up());
        ticker.advance(Duration.ofSeconds(1));
        assertTrue(health.up());
        assertFalse(health.ejected());
        assertEquals(UpstreamHealth.WEIGHT_SCALE * 3L, health.weight(3), "no slow start: full weight at once");
        // It takes the full count again to eject it again.
        assertFalse(health.failed(ticker.nanoTime(), UpstreamError.RESET));
        assertFalse(health.failed(ticker.nanoTime(), UpstreamError.RESET));
        assertTrue(health.failed(ticker.nanoTime(), UpstreamError.RESET));
        assertEquals(2, health.ejections());
    }

    /**
     * Issue 13: an ejected upstream says what ejected it, until a success after the ejection: the
     * failures in a row and the last one's reason. A session that was under way when it was
     * ejected and succeeds says nothing of the upstream now.
     */
    @Test
    void theFailuresThatEjectedItAndTheLastReasonAreKeptUntilASuccessAfterTheEjection() {
        UpstreamHealth health = health(3, true, 0);
        assertEquals(0, health.trafficFailures());
        assertEquals(null, health.trafficError());
        health.failed(ticker.nanoTime(), UpstreamError.CONNECT_TIMEOUT);
        health.failed(ticker.nanoTime(), UpstreamError.CONNECT_TIMEOUT);
        assertTrue(health.failed(ticker.nanoTime(), UpstreamError.CONNECT_REFUSED));
        io.balor.UpstreamHealthStatus status = health.status("app/127.0.0.1:1", "app");
        assertTrue(status.ejected());
        assertEquals(3, status.trafficFailures());
        assertEquals(UpstreamError.CONNECT_REFUSED, status.trafficError());
        assertEquals(0, status.failures(), "the active checks' count is their own");

        health.succeeded();   // a session that was under way
        assertEquals(3, health.trafficFailures(), "still ejected: still why");
        assertEquals(UpstreamError.CONNECT_REFUSED, health.trafficError());

        ticker.advance(Duration.ofSeconds(30));
        assertFalse(health.ejected());
        assertEquals(3, health.trafficFailures(), "kept until it is shown to work");
        assertFalse(health.responded(503, ticker.nanoTime()), "one failure toward the next ejection, not three");
        assertEquals(4, health.trafficFailures(), "a counted 503 after the ejection adds to them");
        assertEquals("status_503", health.trafficError());
        health.succeeded();
        assertEquals(0, health.trafficFailures());
        assertEquals(null, health.trafficError());
    }

    @Test
    void aSuccessOrAGoodResponseResetsTheCount() {
        UpstreamHealth health = health(2, true, 0);
        health.failed(0, UpstreamError.RESET);
        health.succeeded();
        health.failed(0, UpstreamError.RESET);
        assertTrue(health.up());
        assertTrue(health.responded(503, 0));
        assertFalse(health.up(), "two in a row: the 503 was the second");

        health = health(2, true, 0);
        assertFalse(health.responded(502, 0));
        assertFalse(health.responded(404, 0));
        assertFalse(health.responded(501, 0), "501 answers the request, not the server's health");
        assertFalse(health.responded(504, 0));
        assertTrue(health.up());
        assertTrue(health.responded(500, 0));
        assertFalse(health.up());
    }

    @Test
    void fiveHundredsCountOnlyWhenConfigured() {
        UpstreamHealth health = health(1, false, 0);
        for (int i = 0; i < 10; i++) {
            assertFalse(health.responded(503, 0));
        }
        assertTrue(health.up());
        assertTrue(health.failed(0, UpstreamError.RESET), "connect failures and resets still count");
    }

    @Test
    void offNeverEjects() {
        UpstreamHealth health = health(0, true, 0);
        for (int i = 0; i < 100; i++) {
            health.failed(0, UpstreamError.RESET);
        }
        assertTrue(health.up());
        assertEquals(0, health.ejections());
    }

    @Test
    void theActiveCheckMustAgree() {
        UpstreamHealth health = health(1, true, 0);
        assertTrue(health.record("connect: refused", 1, 1));
        assertTrue(health.failed(ticker.nanoTime(), UpstreamError.RESET));
        ticker.advance(Duration.ofSeconds(31));
        assertFalse(health.ejected());
        assertFalse(health.up(), "the ejection is over but the active check still says down");
        assertTrue(health.record(null, 1, 1));
        assertTrue(health.up());

        // And the other way round: up by the checks, still ejected.
        assertTrue(health.failed(ticker.nanoTime(), UpstreamError.RESET));
        assertTrue(health.checkedUp());
        assertFalse(health.up());
    }

    @Test
    void rampsLinearlyAfterTheEjection() {
        UpstreamHealth health = health(1, true, SLOW);
        long full = 2L * UpstreamHealth.WEIGHT_SCALE;
        assertEquals(full, health.weight(2), "never out: full weight");
        health.failed(ticker.nanoTime(), UpstreamError.RESET);
        ticker.advance(Duration.ofSeconds(30));
        assertTrue(health.up());
        assertEquals(1, health.weight(2), "just back: the smallest weight");
        ticker.advance(Duration.ofSeconds(15));
        assertEquals(full / 4, health.weight(2));
        ticker.advance(Duration.ofSeconds(15));
        assertEquals(full / 2, health.weight(2));
        ticker.advance(Duration.ofSeconds(30));
        assertEquals(full, health.weight(2));
        ticker.advance(Duration.ofSeconds(1));
        assertEquals(full, health.weight(2));
        assertTrue(health.up());
    }

    @Test
    void rampsFromTheLaterOfActiveRecoveryAndEjectionEnd() {
        UpstreamHealth health = health(1, true, SLOW);
        health.record("down", 1, 1);
        health.failed(ticker.nanoTime(), UpstreamError.RESET);
        ticker.advance(Duration.ofSeconds(40));   // ejection over at 30 s; still down by its checks
        health.record(null, 1, 1);                // up at 40 s: the ramp starts now
        assertEquals(1, health.weight(1));
        ticker.advance(Duration.ofSeconds(30));
        assertEquals(UpstreamHealth.WEIGHT_SCALE / 2, health.weight(1));
        ticker.advance(Duration.ofSeconds(30));
        assertEquals(UpstreamHealth.WEIGHT_SCALE, health.weight(1));
    }
}
