package io.balor.upstream;

import io.balor.log.EventLogger;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code upstream} events of one upstream's failures on live traffic, at WARNING: at most
 * one per {@link #INTERVAL_NANOS} (10 s), the ones held back counted and named in the next
 * ({@code upstream app/10.0.0.2:443: upstream_tls: PKIX path building failed ... (and 37 more
 * since the previous report, 12 s ago)}). An upstream that fails a thousand times a second thus
 * writes one line every 10 s, and a healthy one never calls this at all.
 *
 * <p>Threads: the loops call {@link #report} without a lock (a compare-and-set decides which
 * failure is reported; the others only count); the one that reports records into the event log
 * ({@link EventLogger}, whose ring takes its own small lock, as every event does). Time is the
 * loops' ticker ({@code nowNanos}). One object per upstream id where its health is kept across
 * applies ({@link UpstreamHealth}), else per snapshot: an apply may then let one report through
 * early, which is harmless.
 */
public final class FailureEvents {

    /** Reports of one upstream are at least this far apart. */
    public static final long INTERVAL_NANOS = 10_000_000_000L;
    private static final long NONE = Long.MIN_VALUE;
    private static final EventLogger LOG = EventLogger.of("upstream", "io.balor.upstream");
    /** Ejections are health transitions, as the checks' "upstream ... is down". */
    private static final EventLogger HEALTH = EventLogger.of("health", "io.balor.upstream");

    /** When the last report was made (ticker time), or NONE. */
    private final AtomicLong lastReport = new AtomicLong(NONE);
    /** Failures held back since the last report. */
    private final AtomicLong heldBack = new AtomicLong();

    /**
     * One failure of upstream {@code id} because of {@code error} (an {@link UpstreamError}):
     * reported now unless one was within the interval, in which case it is only counted.
     *
     * @return whether this call wrote the event
     */
    public boolean report(String id, String error, long nowNanos) {
        long last = lastReport.get();
        if ((last != NONE && nowNanos - last < INTERVAL_NANOS) || !lastReport.compareAndSet(last, nowNanos)) {
            heldBack.incrementAndGet();
            return false;
        }
        long more = heldBack.getAndSet(0);
        String message = "upstream " + id + ": " + error;
        if (more > 0) {
            // The first report can count a failure that lost the race to be it: no previous report then.
            message += last == NONE ? " (and " + more + " more)" : " (and " + more + " more since the previous report, "
                    + (nowNanos - last) / 1_000_000_000L + " s ago)";
        }
        LOG.log(System.Logger.Level.WARNING, message);
        return true;
    }

    /** Passive health ejected upstream {@code id}: always reported (source {@code health}), once per ejection. */
    public static void ejected(String id, int failures, String error, long ejectNanos) {
        HEALTH.log(System.Logger.Level.WARNING, "upstream " + id + " ejected for " + Math.max(1, ejectNanos / 1_000_000L)
                + " ms after " + failures + " failure" + (failures == 1 ? "" : "s") + " in a row (the last: " + error
                + ")");
    }
}
