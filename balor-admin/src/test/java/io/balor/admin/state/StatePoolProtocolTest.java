package io.balor.admin.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.PoolConfig.UpstreamProtocol;
import io.balor.config.UpstreamConfig;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A pool's {@code protocol} toward its upstreams in the state file ({@code http1}, {@code h2},
 * {@code h2c}): read (absent or null: http1), refused by path, and written back only when not http1.
 */
class StatePoolProtocolTest extends StateFileTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String pool(String upstream, String extra) {
        return "{\"version\": 1, \"listeners\": [{\"name\": \"web\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\","
                + " \"pool\": \"app\"}], \"pools\": [{\"name\": \"app\", \"upstreams\": [\"" + upstream + "\"]" + extra + "}]}";
    }

    @Test
    void protocolIsReadAndWrittenBack() throws Exception {
        assertEquals(UpstreamProtocol.H2C, read(pool("10.0.0.4:50051", ", \"protocol\": \"h2c\"")).config().pool("app").protocol());
        assertEquals(UpstreamProtocol.H2, read(pool("https://10.0.0.4:443", ", \"protocol\": \"h2\"")).config().pool("app")
                .protocol());
        assertEquals(UpstreamProtocol.HTTP1, read(pool("10.0.0.4:8080", ", \"protocol\": \"http1\"")).config().pool("app")
                .protocol());
        assertEquals(UpstreamProtocol.HTTP1, read(pool("10.0.0.4:8080", ", \"protocol\": null")).config().pool("app").protocol());
        assertEquals(UpstreamProtocol.HTTP1, read(pool("10.0.0.4:8080", "")).config().pool("app").protocol());

        ListenerConfig web = ListenerConfig.http("web", "127.0.0.1:0", "app");
        PoolConfig grpc = PoolConfig.of("app", UpstreamConfig.of("10.0.0.4:50051")).withProtocol(UpstreamProtocol.H2C);
        JsonNode written = JSON.readTree(saveAndReload(new BalorConfig(List.of(web), List.of(grpc)))).get("pools").get(0);
        assertEquals("h2c", written.get("protocol").textValue());
        JsonNode plain = JSON.readTree(saveAndReload(new BalorConfig(List.of(web),
                List.of(PoolConfig.of("app", UpstreamConfig.of("10.0.0.4:8080")))))).get("pools").get(0);
        assertFalse(plain.has("protocol"), "http1 is not written: " + plain);
    }

    @Test
    void aProtocolThatIsNotOneIsRefusedByPath() {
        for (String value : List.of("\"h3\"", "\"H2\"", "\"http2\"", "\"\"", "2", "true")) {
            StateFileException bad = refused(pool("10.0.0.4:8080", ", \"protocol\": " + value));
            assertEquals(List.of("pools[0].protocol"), paths(bad), value + ": " + bad.getMessage());
        }
        StateFileException plainH2 = refused(pool("10.0.0.4:8080", ", \"protocol\": \"h2\""));
        assertEquals(List.of("pools[0].upstreams[0].address"), paths(plainH2), plainH2.getMessage());
        assertTrue(messageAt(plainH2, "pools[0].upstreams[0].address").contains("https://"), plainH2.getMessage());
    }
}
