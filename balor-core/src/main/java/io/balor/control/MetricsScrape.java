package io.balor.control;

import io.balor.config.Protocol;
import io.balor.metrics.PrometheusText;
import io.balor.metrics.TrafficCounters;
import io.balor.proxy.SessionCounters;
import io.balor.upstream.Pool;
import io.balor.upstream.Upstream;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * One scrape: the per-loop counter shards of listeners, routes, pools and upstreams summed now
 * and written as Prometheus text. Family names keep the original Balor's
 * ({@code balor_http_requests_total}, {@code balor_http_request_duration_seconds},
 * {@code balor_tcp_connections_total}), labelled by {@code listener}; routes add {@code route}
 * ({@code host}, {@code host/prefix}, or {@code *} for a listener's default), pools {@code pool},
 * upstreams {@code pool} and {@code upstream} (its address as configured). Route, pool and
 * upstream requests are counted by status class ({@code code="2xx"}). Any thread; it only reads.
 */
final class MetricsScrape {

    private MetricsScrape() {
    }

    /**
     * @param checkedPools the pools with active health checks (their upstreams get probe counts)
     */
    static String write(Map<String, BoundListener> bound, Map<List<String>, TrafficCounters> routes,
                        Map<String, Pool> pools, Set<String> checkedPools) {
        PrometheusText text = new PrometheusText();
        listeners(text, new TreeMap<>(bound));
        routes(text, routes);
        pools(text, new TreeMap<>(pools), checkedPools);
        return text.text();
    }

    private static void listeners(PrometheusText text, Map<String, BoundListener> listeners) {
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
        listeners.forEach((name, listener) -> {
            if (listener.protocol == Protocol.HTTP) {
                text.histogram(List.of("listener", name), listener.traffic.histogram(),
                        listener.traffic.durationNanos() / 1e9);
            }
        });

        text.family("balor_tcp_connections_total", "counter", "Client connections accepted, by listener.");
        listeners.forEach((name, listener) -> text.sample("", List.of("listener", name), listener.acceptor.accepted()));
        text.family("balor_accept_errors_total", "counter",
                "Accepts that failed (the process out of file descriptors, typically), by listener.");
        listeners.forEach((name, listener) -> text.sample("", List.of("listener", name), listener.acceptor.acceptErrors()));
        text.family("balor_connections_active", "gauge", "Client connections open now, by listener.");
        listeners.forEach((name, listener) -> text.sample("", List.of("listener", name), listener.acceptor.active()));
        text.family("balor_bytes_in_total", "counter", "Bytes read from clients, by listener.");
        listeners.forEach((name, listener) -> text.sample("", List.of("listener", name), listener.traffic.bytesIn()));
        text.family("balor_bytes_out_total", "counter", "Bytes written to clients, by listener.");
        listeners.forEach((name, listener) -> text.sample("", List.of("listener", name), listener.traffic.bytesOut()));
        counter(text, listeners, "balor_upstream_connect_failures_total",
                "Upstream connects that failed (each moves on to the next upstream), by listener.",
                SessionCounters::connectFailures);
        counter(text, listeners, "balor_upstream_unavailable_total",
                "Sessions closed (L4) or requests answered 502 (L7) because no upstream could be reached.",
                SessionCounters::unavailable);
        counter(text, listeners, "balor_http_retries_total",
                "Requests sent again on a new connection after a kept-alive one turned out closed.",
                SessionCounters::retries);
        counter(text, listeners, "balor_rate_limited_total",
                "Requests answered 429 (L7) or connections closed (L4) by a rate limit.", SessionCounters::rateLimited);
        counter(text, listeners, "balor_client_aborts_total",
                "HTTP exchanges ended because the client went away (reset, or closed before its request was complete) "
                        + "before its response was complete (logged as 499 if no response had started).",
                SessionCounters::clientAborts);
        counter(text, listeners, "balor_proxy_headers_refused_total",
                "Connections closed before their session: from a peer not trusted to send a PROXY header, or with"
                        + " one malformed, too long or late, by listener.",
                SessionCounters::proxyHeaderRefusedCount);
    }

    private static void routes(PrometheusText text, Map<List<String>, TrafficCounters> routes) {
        Map<List<String>, TrafficCounters> sorted = new TreeMap<>(MetricsScrape::compare);
        sorted.putAll(routes);
        text.family("balor_route_requests_total", "counter", "HTTP requests a route took, by status class.");
        sorted.forEach((key, traffic) -> classes(text, List.of("listener", key.get(0), "route", key.get(1)), traffic));
        text.family("balor_route_request_duration_seconds", "histogram",
                "Durations of the requests a route took, from the first byte of the head to the end of the response.");
        sorted.forEach((key, traffic) -> text.histogram(List.of("listener", key.get(0), "route", key.get(1)),
                traffic.histogram(), traffic.durationNanos() / 1e9));
    }

    private static void pools(PrometheusText text, Map<String, Pool> pools, Set<String> checkedPools) {
        text.family("balor_pool_requests_total", "counter",
                "HTTP requests routed to a pool (those no upstream could take too), by status class.");
        pools.forEach((name, pool) -> classes(text, List.of("pool", name), pool.traffic()));
        text.family("balor_pool_request_duration_seconds", "histogram", "Durations of the requests routed to a pool.");
        pools.forEach((name, pool) -> text.histogram(List.of("pool", name), pool.traffic().histogram(),
                pool.traffic().durationNanos() / 1e9));

        text.family("balor_upstream_requests_total", "counter", "HTTP requests sent to an upstream, by status class.");
        upstreams(pools, (labels, upstream) -> classes(text, labels, upstream.traffic()));
        text.family("balor_upstream_request_duration_seconds", "histogram",
                "Durations of the requests sent to an upstream, from the first byte of the head to the end of the response.");
        upstreams(pools, (labels, upstream) -> text.histogram(labels, upstream.traffic().histogram(),
                upstream.traffic().durationNanos() / 1e9));
        upstreamFamily(text, pools, "balor_upstream_bytes_in_total", "counter", "Bytes sent to an upstream.",
                upstream -> upstream.traffic().bytesIn());
        upstreamFamily(text, pools, "balor_upstream_bytes_out_total", "counter", "Bytes received from an upstream.",
                upstream -> upstream.traffic().bytesOut());
        upstreamFamily(text, pools, "balor_upstream_connection_attempts_total", "counter",
                "Connections begun to an upstream.", upstream -> upstream.traffic().connections());
        upstreamFamily(text, pools, "balor_upstream_connection_errors_total", "counter",
                "Connections to an upstream that failed (refused, timed out, TLS).",
                upstream -> upstream.traffic().connectFailures());
        upstreamFamily(text, pools, "balor_upstream_up", "gauge",
                "1 while an upstream may take traffic by its health (checks up, not ejected), else 0.",
                upstream -> upstream.health().up() ? 1 : 0);
        upstreamFamily(text, pools, "balor_upstream_ejections_total", "counter",
                "Times passive health ejected an upstream.", upstream -> upstream.health().ejections());

        text.family("balor_health_checks_total", "counter", "Active health probes of an upstream, by result.");
        upstreams(pools, (labels, upstream) -> {
            if (checkedPools.contains(labels.get(1))) {
                text.sample("", with(labels, "result", "success"), upstream.health().passedProbes());
                text.sample("", with(labels, "result", "failure"), upstream.health().failedProbes());
            }
        });
    }

    private static void classes(PrometheusText text, List<String> labels, TrafficCounters traffic) {
        for (int statusClass = 0; statusClass < TrafficCounters.CLASSES; statusClass++) {
            long count = traffic.responses(statusClass);
            if (count > 0) {
                text.sample("", with(labels, "code", TrafficCounters.classLabel(statusClass)), count);
            }
        }
    }

    private static void upstreamFamily(PrometheusText text, Map<String, Pool> pools, String family, String type,
                                        String help, ToLongFunction<Upstream> value) {
        text.family(family, type, help);
        upstreams(pools, (labels, upstream) -> text.sample("", labels, value.applyAsLong(upstream)));
    }

    /** Every upstream of every pool, with its {@code pool} and {@code upstream} labels. */
    private static void upstreams(Map<String, Pool> pools, java.util.function.BiConsumer<List<String>, Upstream> action) {
        pools.forEach((name, pool) -> {
            for (Upstream upstream : pool.upstreams()) {
                action.accept(List.of("pool", name, "upstream", upstream.id().substring(name.length() + 1)), upstream);
            }
        });
    }

    private static List<String> with(List<String> labels, String name, String value) {
        java.util.ArrayList<String> all = new java.util.ArrayList<>(labels);
        all.add(name);
        all.add(value);
        return all;
    }

    private static void counter(PrometheusText text, Map<String, BoundListener> listeners, String family, String help,
                                ToLongFunction<SessionCounters> value) {
        text.family(family, "counter", help);
        listeners.forEach((name, listener) ->
                text.sample("", List.of("listener", name), sum(listener.counters, value)));
    }

    private static long sum(SessionCounters[] shards, ToLongFunction<SessionCounters> value) {
        long total = 0;
        for (SessionCounters shard : shards) {
            total += value.applyAsLong(shard);
        }
        return total;
    }

    private static int compare(List<String> a, List<String> b) {
        int first = a.get(0).compareTo(b.get(0));
        return first != 0 ? first : a.get(1).compareTo(b.get(1));
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
