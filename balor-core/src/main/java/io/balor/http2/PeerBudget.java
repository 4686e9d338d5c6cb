package io.balor.http2;

/**
 * How many of one kind of costly-but-legal thing an HTTP/2 peer may do: a bucket of {@code burst}
 * refilled at {@code perSecond}, kept as one theoretical arrival time (the generic cell rate
 * algorithm, as {@code io.balor.limit.TokenBucket}, without its shared atomic slots: this one
 * belongs to one connection, on its loop thread). Time is passed in.
 *
 * <p>Used for the rapid-reset attack (CVE-2023-44487: streams opened and reset at once, so the
 * concurrency limit never bites) with nghttp2's budget, 1000 at once and 33 a second after, and
 * for the other "glitches" a peer can send cheaply and make this side work (empty frames,
 * refused streams, streams reset for errors), as HAProxy counts them.
 */
final class PeerBudget {

    private final long interval;
    private final long tolerance;
    private long arrival;

    PeerBudget(int burst, int perSecond, long nowNanos) {
        this.interval = 1_000_000_000L / perSecond;
        this.tolerance = interval * (burst - 1L);
        this.arrival = nowNanos - tolerance - interval;
    }

    /** Takes one; false when the budget is spent (the connection should end). */
    boolean take(long nowNanos) {
        if (nowNanos < arrival - tolerance) {
            return false;
        }
        arrival = Math.max(arrival, nowNanos) + interval;
        return true;
    }
}
