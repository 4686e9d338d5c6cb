package io.balor;

/**
 * One listener's request durations over a recent window (what the console's metric cards show),
 * estimated from the duration histogram as Prometheus's {@code histogram_quantile} does: the
 * quantile's bucket, interpolated linearly inside it, so an estimate is within one bucket of the
 * true value. Durations in seconds; NaN when the window has no request.
 *
 * @param count          requests in the window
 * @param windowSeconds  how much time the window covers (shorter right after start)
 */
public record LatencySummary(String listener, long count, double p50, double p95, double p99,
                             double windowSeconds) {
}
