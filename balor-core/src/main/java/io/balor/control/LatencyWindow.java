package io.balor.control;

import io.balor.LatencySummary;
import io.balor.proxy.LatencyBuckets;
import io.balor.proxy.SessionCounters;
import io.balor.time.Ticker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Quantiles of the listeners' request durations over the last minute. The histograms only ever
 * grow, so a window is the difference between now and a snapshot taken about a minute ago;
 * snapshots are taken when asked (every 10 s at most), so nothing runs while nobody looks.
 * Thread-safe (synchronized: called by the API, never by the loops).
 */
final class LatencyWindow {

    private static final long WINDOW_NANOS = 60_000_000_000L;
    private static final long SNAPSHOT_EVERY_NANOS = 10_000_000_000L;

    private record Snapshot(long at, Map<BoundListener, long[]> histograms) {
    }

    private final Ticker ticker;
    private final long started;
    private final ArrayDeque<Snapshot> snapshots = new ArrayDeque<>();

    LatencyWindow(Ticker ticker) {
        this.ticker = ticker;
        this.started = ticker.nanoTime();
    }

    synchronized List<LatencySummary> summaries(Map<String, BoundListener> bound) {
        long now = ticker.nanoTime();
        Map<BoundListener, long[]> current = new HashMap<>();
        for (BoundListener listener : bound.values()) {
            if (listener.protocol == io.balor.config.Protocol.HTTP) {
                current.put(listener, histogram(listener.counters));
            }
        }
        // The base is the newest snapshot at least a window old (or the oldest there is).
        while (snapshots.size() > 1 && now - second().at() >= WINDOW_NANOS) {
            snapshots.pollFirst();
        }
        Snapshot base = snapshots.peekFirst();
        if (snapshots.isEmpty() || now - snapshots.peekLast().at() >= SNAPSHOT_EVERY_NANOS) {
            snapshots.addLast(new Snapshot(now, current));
        }
        List<LatencySummary> list = new ArrayList<>();
        for (Map.Entry<String, BoundListener> entry : new TreeMap<>(bound).entrySet()) {
            long[] counts = current.get(entry.getValue());
            if (counts == null) {
                continue;
            }
            long[] before = base == null ? null : base.histograms().get(entry.getValue());
            long[] window = counts.clone();
            if (before != null) {
                for (int i = 0; i < window.length; i++) {
                    window[i] -= before[i];
                }
            }
            long since = base == null || before == null ? started : base.at();
            list.add(summary(entry.getKey(), window, (now - since) / 1e9));
        }
        return list;
    }

    private Snapshot second() {
        java.util.Iterator<Snapshot> it = snapshots.iterator();
        it.next();
        return it.next();
    }

    private static long[] histogram(SessionCounters[] shards) {
        long[] counts = new long[LatencyBuckets.count() + 1];
        for (SessionCounters shard : shards) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] += shard.durations(i);
            }
        }
        return counts;
    }

    static LatencySummary summary(String listener, long[] counts, double windowSeconds) {
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        return new LatencySummary(listener, total, quantile(counts, total, 0.50), quantile(counts, total, 0.95),
                quantile(counts, total, 0.99), windowSeconds);
    }

    /** Prometheus's histogram_quantile on non-cumulative counts; the +Inf bucket answers its lower bound. */
    static double quantile(long[] counts, long total, double q) {
        if (total == 0) {
            return Double.NaN;
        }
        double rank = q * total;
        long below = 0;
        for (int i = 0; i < counts.length; i++) {
            if (below + counts[i] >= rank && counts[i] > 0) {
                double lower = i == 0 ? 0 : LatencyBuckets.boundSeconds(i - 1);
                if (i == LatencyBuckets.count()) {
                    return lower;
                }
                double upper = LatencyBuckets.boundSeconds(i);
                return lower + (upper - lower) * (rank - below) / counts[i];
            }
            below += counts[i];
        }
        return LatencyBuckets.boundSeconds(LatencyBuckets.count() - 1);
    }
}
