package io.balor.control;

import io.balor.config.Protocol;
import io.balor.metrics.PrometheusText;
import io.balor.proxy.LatencyBuckets;
import io.balor.proxy.SessionCounters;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One scrape: the listeners' per-loop counter shards summed now and written as Prometheus text.
 * Family names keep the original Balor's ({@code balor_http_requests_total},
 * {@code balor_http_request_duration_seconds}, {@code balor_tcp_connections_total}), labelled by
 * {@code listener}. Any thread; it only reads the shards.
 */
final class MetricsScrape {

    private MetricsScrape() {
    }

    static String write(Map<String, BoundListener> bound) {
        Map<String, BoundListener> listeners = new TreeMap<>(bound);
        PrometheusText text = new PrometheusText();

        text.family("balor_http_requests_total", "counter", "HTTP responses sent, by listener and status code.");
        forHttp(listeners, (name, shards) -> {
            for (int status = 0; status < 600; status++) {
                long count = 0;
                for (SessionCounters shard : shards) {
                    count += shard.responses(status);
                }
                if (count > 0) {
                    text.sample("", List.of("listener", name, "status", Integer.toString(status)), count);
                }
            }
        });

        text.family("balor_http_request_duration_seconds", "histogram",
                "From the first byte of a request head to the end of its response, by listener.");
        forHttp(listeners, (name, shards) -> {
            long cumulative = 0;
            long nanos = 0;
            for (int bucket = 0; bucket <= LatencyBuckets.count(); bucket++) {
                for (SessionCounters shard : shards) {
                    cumulative += shard.durations(bucket);
                }
                String le = bucket < LatencyBuckets.count()
                        ? PrometheusText.number(LatencyBuckets.boundSeconds(bucket)) : "+Inf";
                text.sample("_bucket", List.of("listener", name, "le", le), cumulative);
            }
            for (SessionCounters shard : shards) {
                nanos += shard.durationNanos();
            }
            text.sample("_sum", List.of("listener", name), nanos / 1e9);
            text.sample("_count", List.of("listener", name), cumulative);
        });

        text.family("balor_tcp_connections_total", "counter", "Client connections accepted, by listener.");
        listeners.forEach((name, listener) -> text.sample("", List.of("listener", name), listener.acceptor.accepted()));
        text.family("balor_connections_active", "gauge", "Client connections open now, by listener.");
        listeners.forEach((name, listener) -> text.sample("", List.of("listener", name), listener.acceptor.active()));
        sum(text, listeners, "balor_upstream_connect_failures_total",
                "Upstream connects that failed (each moves on to the next upstream), by listener.", Counter.FAILURES);
        sum(text, listeners, "balor_upstream_unavailable_total",
                "Sessions closed (L4) or requests answered 502 (L7) because no upstream could be reached.",
                Counter.UNAVAILABLE);
        sum(text, listeners, "balor_http_retries_total",
                "Requests sent again on a new connection after a kept-alive one turned out closed.", Counter.RETRIES);
        sum(text, listeners, "balor_rate_limited_total",
                "Requests answered 429 (L7) or connections closed (L4) by a rate limit.", Counter.LIMITED);
        return text.text();
    }

    private enum Counter { FAILURES, UNAVAILABLE, RETRIES, LIMITED }

    private static void sum(PrometheusText text, Map<String, BoundListener> listeners, String family, String help,
                            Counter counter) {
        text.family(family, "counter", help);
        listeners.forEach((name, listener) -> {
            long total = 0;
            for (SessionCounters shard : listener.counters) {
                total += switch (counter) {
                    case FAILURES -> shard.connectFailures();
                    case UNAVAILABLE -> shard.unavailable();
                    case RETRIES -> shard.retries();
                    case LIMITED -> shard.rateLimited();
                };
            }
            text.sample("", List.of("listener", name), total);
        });
    }

    private static void forHttp(Map<String, BoundListener> listeners,
                                java.util.function.BiConsumer<String, SessionCounters[]> action) {
        listeners.forEach((name, listener) -> {
            if (listener.protocol == Protocol.HTTP) {
                action.accept(name, listener.counters);
            }
        });
    }
}
