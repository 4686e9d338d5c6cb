package io.balor.admin.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.Balor;
import io.balor.UpstreamHealthStatus;
import io.balor.admin.api.ConfigEdits.Section;
import io.balor.admin.state.BalorState;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a read of {@code /api/listeners} and {@code /api/pools} adds to the state file's objects,
 * never saved: where a listener is bound, each upstream's live health and which listeners use a
 * pool. Made for one read from one look at the runtime's health; worker threads.
 */
final class LiveState {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Balor balor;
    /** The runtime's upstream health by pool, as it was when this read began. */
    private final Map<String, List<UpstreamHealthStatus>> health = new HashMap<>();

    LiveState(Balor balor) {
        this.balor = balor;
        for (UpstreamHealthStatus status : balor.upstreamHealth()) {
            health.computeIfAbsent(status.pool(), k -> new ArrayList<>()).add(status);
        }
    }

    /** The live part of a read: where a listener is bound, and each upstream's health. */
    ObjectNode decorate(Section section, ObjectNode item, BalorState state) {
        String name = item.path("name").asText();
        if (section == Section.LISTENERS) {
            item.put("id", name);
            InetSocketAddress bound = balor.boundAddress(name);
            item.put("bound", bound == null ? null : bound.getAddress().getHostAddress() + ":" + bound.getPort());
            ListenerConfig listener = state.config().listener(name);
            ArrayNode upstreams = item.putArray("upstream_health");
            for (String pool : pools(listener)) {
                upstreams.addAll(upstreamHealth(state, pool, upstreamsOf(state, listener, pool), health));
            }
        } else {
            PoolConfig pool = state.config().pool(name);
            item.set("upstream_health", upstreamHealth(state, name, pool.upstreams(), health));
            item.set("used_by", NODES.arrayNode().addAll(ConfigEdits.poolUsers(state.config(), name).stream()
                    .map(NODES::textNode).toList()));
        }
        return item;
    }

    private static java.util.Set<String> pools(ListenerConfig listener) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        if (listener.poolName() != null) {
            names.add(listener.poolName());
        }
        listener.http().routes().forEach(route -> names.add(route.pool()));
        return names;
    }

    private static List<UpstreamConfig> upstreamsOf(BalorState state, ListenerConfig listener, String pool) {
        PoolConfig shared = state.config().pool(pool);
        return shared != null ? shared.upstreams() : pool.equals(listener.name()) ? listener.upstreams() : List.of();
    }

    /**
     * Each upstream's live state: {@code checked} when its pool has active health checks,
     * {@code up} false while they say down or passive health has it ejected. {@code failures}
     * and {@code last_error} say why it is out, or is going out: while passive health has it
     * ejected, the live-traffic failures in a row that ejected it and the last one's reason (an
     * access-log {@code error} token); otherwise what its checks say, or live traffic's in a pool
     * without checks. {@code traffic_failures} and {@code traffic_error} are always live traffic's.
     */
    private static ArrayNode upstreamHealth(BalorState state, String pool, List<UpstreamConfig> upstreams,
                                            Map<String, List<UpstreamHealthStatus>> health) {
        PoolConfig config = state.config().pool(pool);
        boolean activeChecks = config != null && config.healthCheck() != null;
        ArrayNode list = NODES.arrayNode();
        List<UpstreamHealthStatus> checked = health.getOrDefault(pool, List.of());
        for (UpstreamConfig upstream : upstreams) {
            ObjectNode node = list.addObject().put("pool", pool).put("upstream", upstream.address());
            UpstreamHealthStatus status = checked.stream()
                    .filter(s -> s.upstream().equals(pool + "/" + io.balor.config.HostPort.parseUpstream(upstream.address()).value()))
                    .findFirst().orElse(null);
            node.put("checked", status != null && activeChecks);
            node.put("up", status == null || (status.up() && !status.ejected()));
            if (status != null) {
                boolean traffic = status.ejected() || !activeChecks;
                node.put("ejected", status.ejected())
                        .put("failures", traffic ? status.trafficFailures() : status.failures())
                        .put("last_error", traffic ? status.trafficError() : status.lastError())
                        .put("traffic_failures", status.trafficFailures())
                        .put("traffic_error", status.trafficError());
            }
            node.put("enabled", upstream.enabled());
        }
        return list;
    }
}
