package io.balor.upstream;

/**
 * Whether an upstream is up, as its health checks see it, and the counters that decide it
 * ({@code rise} successes in a row put a down upstream back, {@code fall} failures in a row take
 * an up one out). One object per upstream id, kept across config applies that keep the id, and
 * shared by every snapshot's {@link Upstream} with that id.
 *
 * <p>Threads: {@link #up()} is read by the loops on every pick, without locks (a volatile read).
 * {@link #record} is called by the health checker's threads, serialised by this object's monitor
 * (never taken on a loop). The other readers (the embedding API) see each field as last written,
 * not necessarily all fields of one probe.
 */
public final class UpstreamHealth {

    /** Not checked: always up (pools without health checks, inline upstreams). */
    public static UpstreamHealth unchecked() {
        return new UpstreamHealth();
    }

    private volatile boolean up = true;
    private volatile int successes;
    private volatile int failures;
    private volatile String lastError;
    private volatile long probes;

    /** A new upstream is up until {@code fall} probes fail (as HAProxy's servers start). */
    public UpstreamHealth() {
    }

    /** Whether balancers may pick the upstream. */
    public boolean up() {
        return up;
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
        return probes;
    }

    /**
     * Records a probe's outcome and moves the state: down after {@code fall} failures in a row,
     * up after {@code rise} successes in a row.
     *
     * @param error null for a success, else why it failed
     * @return true if the state changed
     */
    public synchronized boolean record(String error, int rise, int fall) {
        probes++;
        boolean before = up;
        if (error == null) {
            failures = 0;
            successes = successes == Integer.MAX_VALUE ? successes : successes + 1;
            if (!before && successes >= rise) {
                up = true;
            }
        } else {
            lastError = error;
            successes = 0;
            failures = failures == Integer.MAX_VALUE ? failures : failures + 1;
            if (before && failures >= fall) {
                up = false;
            }
        }
        return up != before;
    }

    /** Back to a fresh upstream's state: up, counters at zero (health checks turned off). */
    public synchronized void reset() {
        up = true;
        successes = 0;
        failures = 0;
        lastError = null;
    }
}
