package io.balor.proxy;

import io.balor.metrics.LatencyBuckets;

/**
 * The counters of one listener on one loop: a shard that only that loop writes, summed by
 * readers on any thread, so recording never contends between loops. Single writer: the plain
 * increments of volatile fields are safe because no other thread writes them.
 */
public final class SessionCounters {

    private volatile long connectFailures;
    private volatile long unavailable;
    private volatile long retries;
    private volatile long rateLimited;
    /** HTTP responses by status code (0..599). */
    private final java.util.concurrent.atomic.AtomicLongArray statuses = new java.util.concurrent.atomic.AtomicLongArray(600);
    /** Request durations: one count per bucket of {@link LatencyBuckets}, the last for larger ones. */
    private final java.util.concurrent.atomic.AtomicLongArray durations =
            new java.util.concurrent.atomic.AtomicLongArray(LatencyBuckets.count() + 1);
    private volatile long durationNanos;
    private volatile long bytesIn;
    private volatile long bytesOut;

    /** Counts {@code n} bytes read from a client (nothing for {@code n <= 0}). */
    void received(int n) {
        if (n > 0) {
            bytesIn += n;
        }
    }

    /** Counts {@code n} bytes written to a client. */
    void sent(int n) {
        if (n > 0) {
            bytesOut += n;
        }
    }

    /** Bytes read from clients. */
    public long bytesIn() {
        return bytesIn;
    }

    /** Bytes written to clients. */
    public long bytesOut() {
        return bytesOut;
    }

    void connectFailed() {
        connectFailures++;
    }

    void noUpstream() {
        unavailable++;
    }

    void retried() {
        retries++;
    }

    /**
     * Counts one HTTP response of {@code status} whose exchange took {@code nanos}. Single
     * writer (this loop): plain read-then-release-write, no compare-and-set, no allocation.
     */
    public void response(int status, long nanos) {
        int code = status >= 0 && status < 600 ? status : 0;
        statuses.lazySet(code, statuses.get(code) + 1);
        int bucket = LatencyBuckets.bucket(nanos);
        durations.lazySet(bucket, durations.get(bucket) + 1);
        durationNanos += Math.max(0, nanos);
    }

    /** Responses with status {@code code} so far. */
    public long responses(int code) {
        return statuses.get(code);
    }

    /** Requests in duration bucket {@code index} (not cumulative). */
    public long durations(int index) {
        return durations.get(index);
    }

    public long durationNanos() {
        return durationNanos;
    }

    /** Counts a request answered 429, or a connection closed, for its rate limit. */
    public void limited() {
        rateLimited++;
    }

    public long rateLimited() {
        return rateLimited;
    }

    /** Requests sent again on a new connection after a reused one failed. */
    public long retries() {
        return retries;
    }

    public long connectFailures() {
        return connectFailures;
    }

    public long unavailable() {
        return unavailable;
    }
}
