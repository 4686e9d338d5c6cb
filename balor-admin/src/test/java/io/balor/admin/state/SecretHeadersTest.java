package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SecretHeaders} on JSON trees: which names carry a credential; redaction leaves other
 * headers alone; a restore takes the running value (the name's case ignored), leaves a literal
 * {@code "<redacted>"} of a harmless header as it is, and names what it has no value for.
 */
class SecretHeadersTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode pool(String name, String headers) throws Exception {
        return (ObjectNode) JSON.readTree("{\"name\": \"" + name + "\", \"upstreams\": [\"127.0.0.1:9\"],"
                + " \"health_check\": {\"type\": \"http\", \"headers\": " + headers + "}}");
    }

    private static JsonNode headers(JsonNode pool) {
        return pool.path("health_check").path("headers");
    }

    @Test
    void credentialNames() {
        for (String name : List.of("Authorization", "proxy-authorization", "Cookie", "X-Auth-Token", "X-Api-Key",
                "X-APIKEY", "Session-Id", "X-Password", "Client-Secret")) {
            assertTrue(SecretHeaders.secret(name), name);
        }
        for (String name : List.of("Host", "X-Probe", "Accept", "User-Agent")) {
            assertFalse(SecretHeaders.secret(name), name);
        }
    }

    @Test
    void redactsOnlyCredentials() throws Exception {
        ObjectNode pool = SecretHeaders.redactPool(pool("app", "{\"Authorization\": \"Bearer x\", \"Host\": \"a\"}"));
        assertEquals(SecretHeaders.REDACTED, headers(pool).path("Authorization").asText());
        assertEquals("a", headers(pool).path("Host").asText());
    }

    @Test
    void restoresRunningValuesAndNamesTheMissing() throws Exception {
        JsonNode running = JSON.createArrayNode().add(pool("app", "{\"authorization\": \"Bearer x\"}"));
        ObjectNode config = JSON.createObjectNode();
        config.putArray("pools").add(pool("app", "{\"Authorization\": \"<redacted>\", \"X-Probe\": \"<redacted>\"}"))
                .add(pool("new", "{\"Cookie\": \"<redacted>\"}"));
        List<SecretHeaders.Missing> missing = SecretHeaders.restore(config, running);
        assertEquals(List.of(new SecretHeaders.Missing("new", "pools[1].health_check.headers.Cookie")), missing);
        JsonNode app = headers(config.path("pools").get(0));
        assertEquals("Bearer x", app.path("Authorization").asText(), "the name's case ignored");
        assertEquals(SecretHeaders.REDACTED, app.path("X-Probe").asText(), "not a credential: kept as sent");
    }
}
