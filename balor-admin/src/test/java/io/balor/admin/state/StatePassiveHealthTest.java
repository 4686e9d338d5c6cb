package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.balor.config.BalorConfig;
import io.balor.config.ConfigProblem;
import io.balor.config.ListenerConfig;
import io.balor.config.PassiveHealthConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A pool's {@code passive_health} and {@code slow_start_ms} in the state file. */
class StatePassiveHealthTest extends StateFileTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String pool(String extra) {
        return "{\"version\": 1, \"listeners\": [{\"name\": \"web\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\","
                + " \"pool\": \"app\"}], \"pools\": [{\"name\": \"app\", \"upstreams\": [\"10.0.0.4:8080\"]" + extra + "}]}";
    }

    @Test
    void readsEveryKeyAndDefaults() throws Exception {
        PoolConfig pool = read(pool(", \"passive_health\": {\"failures\": 3, \"eject_ms\": 10000, \"count_5xx\": false},"
                + " \"slow_start_ms\": 60000")).config().pools().get(0);
        assertEquals(new PassiveHealthConfig(3, Duration.ofSeconds(10), false), pool.passiveHealth());
        assertEquals(Duration.ofMinutes(1), pool.slowStart());

        pool = read(pool(", \"passive_health\": {}")).config().pools().get(0);
        assertEquals(PassiveHealthConfig.defaults(), pool.passiveHealth());
        assertEquals(Duration.ZERO, pool.slowStart());

        pool = read(pool("")).config().pools().get(0);
        assertNull(pool.passiveHealth());
        assertFalse(pool.tracksHealth());
    }

    private JsonNode roundTrip(BalorConfig config) throws Exception {
        return JSON.readTree(saveAndReload(config)).get("pools").get(0);
    }

    private static BalorConfig with(PoolConfig pool) {
        return new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")), List.of(pool));
    }

    @Test
    void roundTrips() throws Exception {
        PoolConfig base = PoolConfig.of("app", UpstreamConfig.of("10.0.0.4:8080"));
        JsonNode node = roundTrip(with(base.withPassiveHealth(PassiveHealthConfig.defaults())
                .withSlowStart(Duration.ofSeconds(60))));
        assertEquals(JSON.readTree("{\"failures\": 5, \"eject_ms\": 30000, \"count_5xx\": true}"), node.get("passive_health"));
        assertEquals(60000, node.get("slow_start_ms").asLong());

        node = roundTrip(with(base.withPassiveHealth(new PassiveHealthConfig(1, Duration.ofMillis(1500), false))));
        assertEquals(JSON.readTree("{\"failures\": 1, \"eject_ms\": 1500, \"count_5xx\": false}"), node.get("passive_health"));
        assertNull(node.get("slow_start_ms"));

        node = roundTrip(with(base));
        assertNull(node.get("passive_health"));
        assertNull(node.get("slow_start_ms"));
    }

    @Test
    void refusesBadValuesByPath() {
        StateFileException e = assertThrows(StateFileException.class, () -> read(pool(
                ", \"passive_health\": {\"failures\": 0, \"eject_ms\": 0, \"count_5xx\": \"yes\", \"window\": 1},"
                        + " \"slow_start_ms\": -1")));
        Map<String, String> problems = new java.util.TreeMap<>();
        for (ConfigProblem problem : e.problems()) {
            problems.put(problem.path(), problem.message());
        }
        assertEquals(List.of("pools[0].passive_health.count_5xx", "pools[0].passive_health.eject_ms",
                "pools[0].passive_health.failures", "pools[0].passive_health.window", "pools[0].slow_start_ms"),
                List.copyOf(problems.keySet()), problems.toString());

        e = assertThrows(StateFileException.class, () -> read(pool(", \"passive_health\": 5")));
        assertEquals("pools[0].passive_health", e.problems().get(0).path());
    }
}
