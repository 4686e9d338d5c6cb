package io.balor.metrics;

/**
 * The upper bounds of the request-duration histogram (Prometheus's default buckets, 5 ms to
 * 10 s, with 1 and 2.5 ms added below them for a proxy's fast answers). Constants; any thread.
 */
public final class LatencyBuckets {

    private static final double[] BOUNDS_SECONDS =
            {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    /** The bounds in nanoseconds, ascending. */
    private static final long[] BOUNDS_NANOS = new long[BOUNDS_SECONDS.length];

    static {
        for (int i = 0; i < BOUNDS_SECONDS.length; i++) {
            BOUNDS_NANOS[i] = Math.round(BOUNDS_SECONDS[i] * 1e9);
        }
    }

    private LatencyBuckets() {
    }

    /** Buckets with a bound (one more, unbounded, follows them). */
    public static int count() {
        return BOUNDS_SECONDS.length;
    }

    /** The bound of bucket {@code index} in seconds, as Prometheus's {@code le} label writes it. */
    public static double boundSeconds(int index) {
        return BOUNDS_SECONDS[index];
    }

    /** The first bucket whose bound is at least {@code nanos}, or {@code BOUNDS_NANOS.length}. */
    public static int bucket(long nanos) {
        int i = 0;
        while (i < BOUNDS_NANOS.length && nanos > BOUNDS_NANOS[i]) {
            i++;
        }
        return i;
    }
}
