package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.balor.config.BalorConfig;
import io.balor.config.ConfigProblem;
import io.balor.config.HealthCheckConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A pool's {@code health_check} in the state file: reading, defaults, round trips, refusals by path. */
class StateHealthCheckTest extends StateFileTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String pool(String check) {
        return "{\"version\": 1, \"listeners\": [{\"name\": \"web\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\","
                + " \"pool\": \"app\"}], \"pools\": [{\"name\": \"app\", \"upstreams\": [\"10.0.0.4:8080\"],"
                + " \"health_check\": " + check + "}]}";
    }

    private static Map<String, String> problems(StateFileException e) {
        Map<String, String> byPath = new java.util.TreeMap<>();
        for (ConfigProblem problem : e.problems()) {
            byPath.put(problem.path(), problem.message());
        }
        return byPath;
    }

    @Test
    void readsEveryKey() throws Exception {
        HealthCheckConfig check = read(pool("{\"type\": \"http\", \"path\": \"/healthz\", \"interval_ms\": 1000,"
                + " \"timeout_ms\": 500, \"rise\": 1, \"fall\": 5, \"method\": \"HEAD\", \"headers\": {\"Host\": \"app.internal\"},"
                + " \"expect_status\": [200, 204]}")).config().pools().get(0).healthCheck();
        assertEquals(HealthCheckConfig.http("/healthz").withInterval(Duration.ofSeconds(1))
                .withTimeout(Duration.ofMillis(500)).withRise(1).withFall(5).withMethod("HEAD")
                .withHeaders(Map.of("Host", "app.internal")).withExpectStatus(200, 204), check);

        check = read(pool("{\"type\": \"script\", \"command\": [\"/usr/local/bin/check\", \"--deep\"]}"))
                .config().pools().get(0).healthCheck();
        assertEquals(HealthCheckConfig.script("/usr/local/bin/check", "--deep"), check);
        assertEquals(Duration.ofSeconds(5), check.interval());
        assertEquals(Duration.ofSeconds(2), check.timeout());
        assertEquals(2, check.rise());
        assertEquals(3, check.fall());

        assertEquals(HealthCheckConfig.tcp(), read(pool("{\"type\": \"tcp\"}")).config().pools().get(0).healthCheck());
        assertNull(read(pool("null")).config().pools().get(0).healthCheck());
    }

    private JsonNode roundTrip(BalorConfig config) throws Exception {
        return JSON.readTree(saveAndReload(config)).get("pools").get(0).get("health_check");
    }

    private static BalorConfig with(HealthCheckConfig check) {
        return new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")),
                List.of(PoolConfig.of("app", UpstreamConfig.of("10.0.0.4:8080")).withHealthCheck(check)));
    }

    @Test
    void roundTripsWritingOnlyWhatIsNotTheDefault() throws Exception {
        assertEquals(JSON.readTree("{\"type\": \"http\", \"path\": \"/\"}"), roundTrip(with(HealthCheckConfig.http("/"))));
        assertEquals(JSON.readTree("{\"type\": \"https\", \"interval_ms\": 10000, \"timeout_ms\": 100, \"rise\": 4,"
                        + " \"fall\": 1, \"path\": \"/h\", \"method\": \"OPTIONS\", \"headers\": {\"X-A\": \"1\"},"
                        + " \"expect_status\": [200, 200]}"),
                roundTrip(with(HealthCheckConfig.https("/h").withInterval(Duration.ofSeconds(10))
                        .withTimeout(Duration.ofMillis(100)).withRise(4).withFall(1).withMethod("OPTIONS")
                        .withHeaders(Map.of("X-A", "1")).withExpectStatus(200, 200))));
        assertEquals(JSON.readTree("{\"type\": \"script\", \"command\": [\"/bin/check\", \"a b\"]}"),
                roundTrip(with(HealthCheckConfig.script("/bin/check", "a b"))));
        assertEquals(JSON.readTree("{\"type\": \"tcp\"}"), roundTrip(with(HealthCheckConfig.tcp())));
    }

    @Test
    void refusesBadValuesByPath() {
        StateFileException e = assertThrows(StateFileException.class, () -> read(pool(
                "{\"type\": \"http\", \"path\": \"healthz\", \"rise\": 0, \"fall\": 1001, \"interval_ms\": 0,"
                        + " \"method\": \"G T\", \"expect_status\": [399, 200], \"command\": [\"/bin/x\"], \"port\": 1}")));
        Map<String, String> problems = problems(e);
        assertEquals(List.of("pools[0].health_check.command", "pools[0].health_check.expect_status",
                "pools[0].health_check.fall", "pools[0].health_check.interval_ms", "pools[0].health_check.method",
                "pools[0].health_check.path", "pools[0].health_check.port", "pools[0].health_check.rise"),
                List.copyOf(problems.keySet()), problems.toString());
        assertTrue(problems.get("pools[0].health_check.rise").contains("between 1 and 1000"));

        e = assertThrows(StateFileException.class, () -> read(pool("{\"type\": \"script\", \"command\": \"/bin/check --x\","
                + " \"path\": \"/\"}")));
        problems = problems(e);
        assertTrue(problems.get("pools[0].health_check.command").contains("never a shell line"), problems.toString());
        assertTrue(problems.get("pools[0].health_check.path").contains("http and https checks only"), problems.toString());

        e = assertThrows(StateFileException.class, () -> read(pool("{\"type\": \"icmp\"}")));
        assertEquals(Map.of("pools[0].health_check.type", "must be 'tcp', 'http', 'https' or 'script', was 'icmp'"),
                problems(e));
        e = assertThrows(StateFileException.class, () -> read(pool("{\"path\": \"/\"}")));
        assertTrue(problems(e).containsKey("pools[0].health_check.type"), problems(e).toString());
        e = assertThrows(StateFileException.class, () -> read(pool("{\"type\": \"http\", \"expect_status\": 200}")));
        assertTrue(problems(e).containsKey("pools[0].health_check.expect_status"), problems(e).toString());
    }
}
