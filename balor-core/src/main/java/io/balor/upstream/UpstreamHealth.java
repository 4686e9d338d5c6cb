package io.balor.upstream;

import io.balor.time.Ticker;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether an upstream may take traffic and with what share, from two judges: its active health
 * checks ({@code rise} successes in a row put a down upstream back, {@code fall} failures in a
 * row take an up one out) and its live traffic (passive health: {@code failures} failures in a
 * row eject it for a while). It is eligible when the checks say up and no ejection is running.
 * When it comes back (the ejection over, or the checks up again) its weight ramps linearly over
 * the pool's slow start, as nginx's {@code slow_start} and HAProxy's {@code slowstart}. One
 * object per upstream id, kept across config applies that keep the id, and shared by every
 * snapshot's {@link Upstream} with that id.
 *
 * <p>Passive health keeps why: the failures in a row on live traffic and the last one's reason
 * (an {@link UpstreamError} token), through the ejection they caused and until a success after
 * it ({@link #trafficFailures()}, {@link #trafficError()}), so an ejected upstream says what
 * ejected it. Its failures' events are written through {@link #events()}.
 *
 * <p>Threads: {@link #up()}, {@link #weight} and the traffic reports ({@link #failed},
 * {@link #succeeded}) are called by the loops without locks (volatile reads, atomics; nothing
 * allocated; a success reads two counters and writes nothing unless failures came before it). {@link #record} is called by the health checker's threads, serialised by this
 * object's monitor (never taken on a loop); {@link #configure} by the supervisor. The other
 * readers (the embedding API) see each field as last written, not necessarily all of one event.
 *
 * <p>Time is this object's {@link Ticker}: the loops' own (so tests drive it with a manual
 * ticker). It is read only while an ejection or a ramp is running, because the callers (the
 * balancers, sticky cookies, retries) do not carry the loop's {@code nowNanos}; a steady upstream
 * costs two volatile reads per pick and no clock read. A finished ejection or ramp is cleared
 * with a compare-and-set, so a concurrent new ejection is never lost.
 */
public final class UpstreamHealth {

    /** Weights are scaled by this inside the balancer so a weight-1 upstream can ramp too. */
    public static final int WEIGHT_SCALE = 64;
    /** No ejection or ramp under way. */
    private static final long NONE = Long.MIN_VALUE;

    /** Not checked: always up, full weight (pools without any health settings, inline upstreams). */
    public static UpstreamHealth unchecked() {
        return new UpstreamHealth();
    }

    private final Ticker ticker;

    // Active checks.
    private volatile boolean up = true;
    private volatile int successes;
    private volatile int failures;
    private volatile String lastError;
    private volatile long passedProbes;
    private volatile long failedProbes;

    // Passive health and slow start: settings (replaced whole by configure) and state.
    private volatile int failureLimit;        // 0: passive health off
    private volatile long ejectNanos;
    private volatile boolean count5xx;
    private volatile long slowStartNanos;     // 0: off
    /** Failures in a row toward the next ejection: starts again at each ejection and success. */
    private final AtomicInteger streak = new AtomicInteger();
    /** Failures in a row since the last success, kept through an ejection (what the API shows). */
    private final AtomicInteger trafficFailures = new AtomicInteger();
    /** The last counted failure's reason, null after a success (an {@link UpstreamError}). */
    private volatile String trafficError;
    private final FailureEvents events = new FailureEvents();
    /** When the running (or last, until cleared) ejection ends, ticker time; NONE when none. */
    private final AtomicLong ejectedUntil = new AtomicLong(NONE);
    /** When the active checks last put it back up, ticker time; NONE when no ramp is due from it. */
    private final AtomicLong upSince = new AtomicLong(NONE);
    private final AtomicLong ejections = new AtomicLong();

    /** A new upstream is up until {@code fall} probes fail (as HAProxy's servers start). */
    public UpstreamHealth() {
        this(Ticker.system());
    }

    /** @param ticker the loops' clock: ejections and ramps are measured on it */
    public UpstreamHealth(Ticker ticker) {
        this.ticker = ticker;
    }

    /**
     * Sets the pool's passive health and slow start (each apply; the running ejection or ramp
     * keeps its start).
     *
     * @param failureLimit failures in a row that eject (0: never)
     * @param ejectNanos   how long an ejection lasts
     * @param count5xx     whether 500/502/503/504 responses are failures
     * @param slowStartNanos the ramp's length (0: full weight at once)
     */
    public void configure(int failureLimit, long ejectNanos, boolean count5xx, long slowStartNanos) {
        this.ejectNanos = ejectNanos;
        this.count5xx = count5xx;
        this.slowStartNanos = slowStartNanos;
        this.failureLimit = failureLimit;
        if (failureLimit == 0) {
            streak.set(0);
            trafficFailures.set(0);
            trafficError = null;
            ejectedUntil.set(NONE);
        }
    }

    /**
     * Whether balancers may pick the upstream: up by its checks and not ejected. Reads the ticker
     * only while an ejection has not been cleared.
     */
    public boolean up() {
        if (!up) {
            return false;
        }
        long until = ejectedUntil.get();
        if (until == NONE) {
            return true;
        }
        long now = ticker.nanoTime();
        if (now - until < 0) {
            return false;
        }
        if (slowStartNanos == 0 || now - until >= slowStartNanos) {
            ejectedUntil.compareAndSet(until, NONE);   // over, ramp included: back to no clock reads
        }
        return true;
    }

    /** Whether the active checks say up (ejections aside). */
    public boolean checkedUp() {
        return up;
    }

    /** Whether a passive ejection is running now. */
    public boolean ejected() {
        long until = ejectedUntil.get();
        return until != NONE && ticker.nanoTime() - until < 0;
    }

    /** Ejections so far. */
    public long ejections() {
        return ejections.get();
    }

    /**
     * Live-traffic failures in a row that passive health counted since the last success: those
     * that ejected it stay here through the ejection (failures of sessions still under way are
     * not counted) until a success after it. 0 when passive health is off.
     */
    public int trafficFailures() {
        return trafficFailures.get();
    }

    /** Why the last of {@link #trafficFailures()} failed (an {@link UpstreamError} token), or null when there are none. */
    public String trafficError() {
        return trafficError;
    }

    /** Where this upstream's failures are reported as events (rate-limited). */
    public FailureEvents events() {
        return events;
    }

    /**
     * The weight a balancer gives the upstream now, in units of {@code weight / }{@link
     * #WEIGHT_SCALE}: {@code weight * WEIGHT_SCALE} in steady state; during a ramp it grows
     * linearly from 1 to that over the slow start. Reads the ticker only while a ramp may run.
     */
    public long weight(int weight) {
        long full = (long) weight * WEIGHT_SCALE;
        long slow = slowStartNanos;
        if (slow == 0) {
            return full;
        }
        long active = upSince.get();
        long passive = ejectedUntil.get();
        if (active == NONE && passive == NONE) {
            return full;
        }
        long start = active == NONE ? passive : passive == NONE ? active : passive - active > 0 ? passive : active;
        long elapsed = ticker.nanoTime() - start;
        if (elapsed >= slow) {
            upSince.compareAndSet(active, NONE);
            if (passive != NONE) {
                ejectedUntil.compareAndSet(passive, NONE);
            }
            return full;
        }
        if (elapsed <= 0) {
            return 1;
        }
        // Below 2^63 for any weight up to Integer.MAX_VALUE when slow start is under ~24 days.
        return Math.max(1, (long) ((double) full * elapsed / slow));
    }

    /**
     * A connect failure or reset on live traffic because of {@code error} (an {@link UpstreamError}
     * token): counts toward an ejection, and ejects when the count is reached. Failures of an
     * ejected upstream (sessions under way) are not counted.
     *
     * @return true if this call ejected it
     */
    public boolean failed(long nowNanos, String error) {
        int limit = failureLimit;
        if (limit == 0) {
            return false;
        }
        long until = ejectedUntil.get();
        if (until != NONE && nowNanos - until < 0) {
            return false;
        }
        trafficError = error;
        trafficFailures.incrementAndGet();
        if (streak.incrementAndGet() < limit) {
            return false;
        }
        if (ejectedUntil.compareAndSet(until, nowNanos + ejectNanos)) {
            streak.set(0);
            ejections.incrementAndGet();
            return true;
        }
        return false;   // another loop ejected it just now
    }

    /** How long an ejection lasts now (the pool's {@code eject_ms}). */
    public long ejectNanos() {
        return ejectNanos;
    }

    /**
     * A response with {@code status} on live traffic: a failure when 5xx responses count and it
     * is 500, 502, 503 or 504, else a success.
     *
     * @return true if this call ejected it
     */
    public boolean responded(int status, long nowNanos) {
        if (count5xx && (status == 500 || status == 502 || status == 503 || status == 504)) {
            return failed(nowNanos, UpstreamError.ofStatus(status));
        }
        succeeded();
        return false;
    }

    /**
     * A success on live traffic: the count toward an ejection starts again, and the failures in
     * a row and their reason are forgotten unless an ejection is running (a session that was
     * under way when it began says nothing of the upstream now). Written only when not 0.
     */
    public void succeeded() {
        if (streak.get() != 0) {
            streak.set(0);
        }
        if (trafficFailures.get() != 0 && !ejected()) {
            trafficFailures.set(0);
            trafficError = null;
        }
    }

    /** Successes in a row since the last failure. */
    public int successes() {
        return successes;
    }

    /** Failures in a row since the last success. */
    public int failures() {
        return failures;
    }

    /** Why the last failed probe failed, or null if none has. Kept after the upstream recovers. */
    public String lastError() {
        return lastError;
    }

    /** Probes recorded so far. */
    public long probes() {
        return passedProbes + failedProbes;
    }

    /** Probes recorded so far that succeeded (its own count, so it never goes back when read with the others). */
    public long passedProbes() {
        return passedProbes;
    }

    /** Probes recorded so far that failed. */
    public long failedProbes() {
        return failedProbes;
    }

    /**
     * What it says now, as the embedding API reports it for the upstream {@code id} of {@code pool}
     * (each field as last written).
     */
    public io.balor.UpstreamHealthStatus status(String id, String pool) {
        return new io.balor.UpstreamHealthStatus(id, pool, up, successes, failures, probes(), lastError, failedProbes,
                ejected(), ejections(), trafficFailures(), trafficError);
    }

    /**
     * Records a probe's outcome and moves the state: down after {@code fall} failures in a row,
     * up after {@code rise} successes in a row (which starts a slow-start ramp).
     *
     * @param error null for a success, else why it failed
     * @return true if the state changed
     */
    public synchronized boolean record(String error, int rise, int fall) {
        boolean before = up;
        if (error == null) {
            passedProbes++;
            failures = 0;
            successes = successes == Integer.MAX_VALUE ? successes : successes + 1;
            if (!before && successes >= rise) {
                upSince.set(ticker.nanoTime());
                up = true;
            }
        } else {
            failedProbes++;
            lastError = error;
            successes = 0;
            failures = failures == Integer.MAX_VALUE ? failures : failures + 1;
            if (before && failures >= fall) {
                up = false;
            }
        }
        return up != before;
    }

    /**
     * The active checks' part back to a fresh upstream's state: up, counters at zero (health
     * checks turned off). Passive health keeps its state.
     */
    public synchronized void reset() {
        up = true;
        successes = 0;
        failures = 0;
        lastError = null;
    }
}
