package io.balor;

import java.util.Map;

/**
 * The request durations of one listener, route, pool or upstream over a recent window (what the
 * console's metric cards show), estimated from its duration histogram as Prometheus's
 * {@code histogram_quantile} does: the quantile's bucket, interpolated linearly inside it, so an
 * estimate is within one bucket of the true value. Durations in seconds; NaN when the window has
 * no request.
 *
 * @param scope          what the series measures
 * @param labels         what names it, as the metrics label it: {@code listener} for a listener;
 *                       {@code listener} and {@code route} for a route ({@code host},
 *                       {@code host/prefix}, or {@code *} for the listener's default); {@code pool}
 *                       for a pool; {@code pool} and {@code upstream} (its address) for an upstream
 * @param count          requests in the window
 * @param windowSeconds  how much time the window covers (shorter right after start)
 */
public record LatencySummary(Scope scope, Map<String, String> labels, long count, double p50, double p95,
                             double p99, double windowSeconds) {

    /** What a series measures. */
    public enum Scope { LISTENER, ROUTE, POOL, UPSTREAM }

    public LatencySummary {
        labels = Map.copyOf(labels);
    }

    /** The listener's name (listener and route series), else null. */
    public String listener() {
        return labels.get("listener");
    }

    /** A label's value, or null. */
    public String label(String name) {
        return labels.get(name);
    }
}
