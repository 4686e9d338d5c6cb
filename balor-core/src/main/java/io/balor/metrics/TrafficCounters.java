package io.balor.metrics;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The traffic of one listener, route, pool or upstream: responses by status class, request durations as a
 * histogram of {@link LatencyBuckets}, bytes each way, connections begun and
 * connects that failed. One shard per
 * event loop, written only by that loop and summed by readers on any thread, so recording never
 * contends between loops and allocates nothing. Kept across config applies that keep the route,
 * pool or upstream (by name or id), so its counters only grow.
 *
 * <p>Single writer per shard: the loop with that index. Its read-then-release-write updates are
 * safe because no other thread writes the shard; readers see each count as last written.
 */
public final class TrafficCounters {

    /** Counts nothing: for upstreams and routes made outside a running Balor (tests, tools). */
    public static final TrafficCounters NONE = new TrafficCounters(0);

    /** Status classes: 0 for anything outside 100..599, then 1xx .. 5xx. */
    public static final int CLASSES = 6;
    private static final int DURATIONS = CLASSES;
    private static final int DURATION_NANOS = DURATIONS + LatencyBuckets.count() + 1;
    private static final int BYTES_IN = DURATION_NANOS + 1;
    private static final int BYTES_OUT = BYTES_IN + 1;
    private static final int CONNECTIONS = BYTES_OUT + 1;
    private static final int CONNECT_FAILURES = CONNECTIONS + 1;
    private static final int SLOTS = CONNECT_FAILURES + 1;

    private final AtomicLongArray[] shards;

    /** @param loops how many event loops record into it */
    public TrafficCounters(int loops) {
        shards = new AtomicLongArray[loops];
        for (int i = 0; i < loops; i++) {
            shards[i] = new AtomicLongArray(SLOTS);
        }
    }

    /** Loop {@code loop} answered a request with {@code status} after {@code nanos}. */
    public void exchange(int loop, int status, long nanos) {
        if (loop < shards.length) {
            AtomicLongArray shard = shards[loop];
            add(shard, statusClass(status), 1);
            add(shard, DURATIONS + LatencyBuckets.bucket(nanos), 1);
            add(shard, DURATION_NANOS, Math.max(0, nanos));
        }
    }

    /**
     * Loop {@code loop} moved {@code n} bytes inwards (nothing for {@code n <= 0}): for a listener
     * read from a client, for an upstream written to it.
     */
    public void bytesIn(int loop, int n) {
        if (n > 0 && loop < shards.length) {
            add(shards[loop], BYTES_IN, n);
        }
    }

    /** Loop {@code loop} moved {@code n} bytes outwards: for a listener written to a client, for an upstream read from it. */
    public void bytesOut(int loop, int n) {
        if (n > 0 && loop < shards.length) {
            add(shards[loop], BYTES_OUT, n);
        }
    }

    /** Loop {@code loop} began a connection to the upstream. */
    public void connecting(int loop) {
        if (loop < shards.length) {
            add(shards[loop], CONNECTIONS, 1);
        }
    }

    /** A connection loop {@code loop} began to the upstream failed (refused, timed out, TLS). */
    public void connectFailed(int loop) {
        if (loop < shards.length) {
            add(shards[loop], CONNECT_FAILURES, 1);
        }
    }

    private static void add(AtomicLongArray shard, int slot, long n) {
        shard.lazySet(slot, shard.get(slot) + n);
    }

    /** 1..5 for 1xx..5xx, 0 for anything else. */
    public static int statusClass(int status) {
        return status >= 100 && status < 600 ? status / 100 : 0;
    }

    /** The status-class label Prometheus gets: {@code 2xx}, or {@code other} for class 0. */
    public static String classLabel(int statusClass) {
        return statusClass == 0 ? "other" : statusClass + "xx";
    }

    /** Responses of status class {@code statusClass} (see {@link #statusClass}). */
    public long responses(int statusClass) {
        return sum(statusClass);
    }

    /** The duration histogram, not cumulative: one count per bucket, the last for larger ones. */
    public long[] histogram() {
        long[] counts = new long[LatencyBuckets.count() + 1];
        for (AtomicLongArray shard : shards) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] += shard.get(DURATIONS + i);
            }
        }
        return counts;
    }

    public long durationNanos() {
        return sum(DURATION_NANOS);
    }

    public long bytesIn() {
        return sum(BYTES_IN);
    }

    public long bytesOut() {
        return sum(BYTES_OUT);
    }

    /** Connections begun to the upstream. */
    public long connections() {
        return sum(CONNECTIONS);
    }

    public long connectFailures() {
        return sum(CONNECT_FAILURES);
    }

    private long sum(int slot) {
        long total = 0;
        for (AtomicLongArray shard : shards) {
            total += shard.get(slot);
        }
        return total;
    }
}
