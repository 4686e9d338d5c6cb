package io.balor.control;

import io.balor.LatencySummary;
import io.balor.LatencySummary.Scope;
import io.balor.metrics.LatencyBuckets;
import io.balor.metrics.TrafficCounters;
import io.balor.time.Ticker;
import io.balor.upstream.Pool;
import io.balor.upstream.Upstream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Quantiles of the request durations of listeners, routes, pools and upstreams over the last
 * minute. The histograms only ever grow, so a window is the difference between now and a
 * snapshot taken about a minute ago; snapshots are taken when asked (every 10 s at most), so
 * nothing runs while nobody looks. A series is known across snapshots by the identity of its
 * counters, which are kept across applies (the {@link TrafficCounters} of a listener's socket, of a
 * route, a pool or an upstream). Thread-safe (synchronized: called by the API, never by the loops).
 */
final class LatencyWindow {

    private static final long WINDOW_NANOS = 60_000_000_000L;
    private static final long SNAPSHOT_EVERY_NANOS = 10_000_000_000L;

    /** One series now: what it is, and its histogram (not cumulative). */
    private record Series(Scope scope, Map<String, String> labels, Object key, long[] counts) {
    }

    private record Snapshot(long at, Map<Object, long[]> histograms) {
    }

    private final Ticker ticker;
    private final long started;
    private final ArrayDeque<Snapshot> snapshots = new ArrayDeque<>();

    LatencyWindow(Ticker ticker) {
        this.ticker = ticker;
        this.started = ticker.nanoTime();
    }

    /**
     * Every HTTP listener's summary (by name), then every route's (by listener, route), every
     * pool's and every upstream's (by pool, then position).
     */
    synchronized List<LatencySummary> summaries(Map<String, BoundListener> bound,
                                                Map<List<String>, TrafficCounters> routes, Map<String, Pool> pools) {
        long now = ticker.nanoTime();
        List<Series> series = series(bound, routes, pools);
        Map<Object, long[]> current = new HashMap<>();
        for (Series one : series) {
            current.put(one.key(), one.counts());
        }
        // The base is the newest snapshot at least a window old (or the oldest there is).
        while (snapshots.size() > 1 && now - second().at() >= WINDOW_NANOS) {
            snapshots.pollFirst();
        }
        Snapshot base = snapshots.peekFirst();
        if (snapshots.isEmpty() || now - snapshots.peekLast().at() >= SNAPSHOT_EVERY_NANOS) {
            snapshots.addLast(new Snapshot(now, current));
        }
        List<LatencySummary> list = new ArrayList<>(series.size());
        for (Series one : series) {
            long[] before = base == null ? null : base.histograms().get(one.key());
            long[] window = one.counts().clone();
            if (before != null) {
                for (int i = 0; i < window.length; i++) {
                    window[i] -= before[i];
                }
            }
            long since = base == null ? started : base.at();   // a series born since then counted from 0
            list.add(summary(one.scope(), one.labels(), window, (now - since) / 1e9));
        }
        return list;
    }

    private static List<Series> series(Map<String, BoundListener> bound, Map<List<String>, TrafficCounters> routes,
                                       Map<String, Pool> pools) {
        List<Series> series = new ArrayList<>();
        new TreeMap<>(bound).forEach((name, listener) -> {
            if (listener.protocol == io.balor.config.Protocol.HTTP) {
                series.add(new Series(Scope.LISTENER, Map.of("listener", name), listener.traffic,
                        listener.traffic.histogram()));
            }
        });
        Map<String, Map<String, TrafficCounters>> byListener = new TreeMap<>();
        routes.forEach((key, traffic) -> byListener.computeIfAbsent(key.get(0), k -> new TreeMap<>()).put(key.get(1), traffic));
        byListener.forEach((listener, named) -> named.forEach((route, traffic) -> series.add(new Series(Scope.ROUTE,
                Map.of("listener", listener, "route", route), traffic, traffic.histogram()))));
        Map<String, Pool> sorted = new TreeMap<>(pools);
        sorted.forEach((name, pool) ->
                series.add(new Series(Scope.POOL, Map.of("pool", name), pool.traffic(), pool.traffic().histogram())));
        sorted.forEach((name, pool) -> {
            for (Upstream upstream : pool.upstreams()) {
                series.add(new Series(Scope.UPSTREAM,
                        Map.of("pool", name, "upstream", upstream.id().substring(name.length() + 1)),
                        upstream.traffic(), upstream.traffic().histogram()));
            }
        });
        return series;
    }

    private Snapshot second() {
        java.util.Iterator<Snapshot> it = snapshots.iterator();
        it.next();
        return it.next();
    }

    static LatencySummary summary(Scope scope, Map<String, String> labels, long[] counts, double windowSeconds) {
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        return new LatencySummary(scope, labels, total, quantile(counts, total, 0.50), quantile(counts, total, 0.95),
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
