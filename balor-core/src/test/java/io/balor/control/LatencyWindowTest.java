package io.balor.control;

import io.balor.LatencySummary;
import io.balor.metrics.LatencyBuckets;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Quantiles from the duration histogram stay within one bucket of the true value. */
class LatencyWindowTest {

    private static int bucketOf(double seconds) {
        int i = 0;
        while (i < LatencyBuckets.count() && seconds > LatencyBuckets.boundSeconds(i)) {
            i++;
        }
        return i;
    }

    @Test
    void quantilesFallInTheBucketOfTheTrueValue() {
        Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            double[] durations = new double[200 + random.nextInt(2000)];
            double scale = Math.pow(10, -3 + random.nextInt(4));   // 1 ms .. 1 s
            long[] counts = new long[LatencyBuckets.count() + 1];
            for (int i = 0; i < durations.length; i++) {
                durations[i] = -Math.log(1 - random.nextDouble()) * scale;   // exponential
                counts[bucketOf(durations[i])]++;
            }
            Arrays.sort(durations);
            LatencySummary summary = LatencyWindow.summary(LatencySummary.Scope.LISTENER, java.util.Map.of("listener", "web"), counts, 60);
            assertEquals(durations.length, summary.count());
            double[][] pairs = {{0.50, summary.p50()}, {0.95, summary.p95()}, {0.99, summary.p99()}};
            for (double[] pair : pairs) {
                double truth = durations[(int) Math.ceil(pair[0] * durations.length) - 1];
                int bucket = bucketOf(truth);
                double lower = bucket == 0 ? 0 : LatencyBuckets.boundSeconds(bucket - 1);
                double upper = bucket < LatencyBuckets.count() ? LatencyBuckets.boundSeconds(bucket) : lower;
                assertTrue(pair[1] >= lower - 1e-12 && pair[1] <= upper + 1e-12,
                        "q" + pair[0] + ": estimate " + pair[1] + " outside [" + lower + ", " + upper + "], truth "
                                + truth);
            }
        }
    }

    @Test
    void anEmptyWindowHasNoQuantiles() {
        LatencySummary summary = LatencyWindow.summary(LatencySummary.Scope.LISTENER, java.util.Map.of("listener", "web"), new long[LatencyBuckets.count() + 1], 60);
        assertEquals(0, summary.count());
        assertTrue(Double.isNaN(summary.p99()));
    }
}
