package io.balor.control;

import io.balor.metrics.TrafficCounters;

import java.util.List;
import java.util.Map;

/**
 * The traffic counters of every route, pool and upstream of the running config, kept across
 * applies that keep them (a route by listener and name, a pool by name, an upstream by pool and
 * address), so their counters only grow while they exist. Compiling and committing on the
 * supervisor thread; the running maps from any thread (the scrape, the latency window).
 */
final class TrafficRegistry {

    /** The label a listener's default route (no host rule) gets. */
    static final String DEFAULT_ROUTE = "*";

    private final int loops;
    private final KeptByKey<List<String>, TrafficCounters> routes = new KeptByKey<>();
    private final KeptByKey<String, TrafficCounters> pools = new KeptByKey<>();
    private final KeptByKey<List<String>, TrafficCounters> upstreams = new KeptByKey<>();

    TrafficRegistry(int loops) {
        this.loops = loops;
    }

    /** The counters of {@code listener}'s route {@code name} (null: its default route). */
    TrafficCounters route(String listener, String name) {
        return routes.get(List.of(listener, name == null ? DEFAULT_ROUTE : name), this::fresh);
    }

    TrafficCounters pool(String name) {
        return pools.get(name, this::fresh);
    }

    /** The counters of the upstream at {@code address} (as the config wrote it) in {@code pool}. */
    TrafficCounters upstream(String pool, String address) {
        return upstreams.get(List.of(pool, address), this::fresh);
    }

    private TrafficCounters fresh() {
        return new TrafficCounters(loops);
    }

    void commit() {
        routes.commit();
        pools.commit();
        upstreams.commit();
    }

    void abandon() {
        routes.abandon();
        pools.abandon();
        upstreams.abandon();
    }

    /** Running routes by (listener, route). */
    Map<List<String>, TrafficCounters> routes() {
        return routes.running();
    }

    Map<String, TrafficCounters> pools() {
        return pools.running();
    }

    /** Running upstreams by (pool, address). */
    Map<List<String>, TrafficCounters> upstreams() {
        return upstreams.running();
    }
}
