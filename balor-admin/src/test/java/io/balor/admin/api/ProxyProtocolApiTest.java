package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.balor.admin.api.AdminFixture.ADMIN_TOKEN;
import static io.balor.admin.api.AdminFixture.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The PROXY protocol through the admin API, which takes pools and listeners in their state-file
 * form: a pool's {@code send_proxy_protocol} and a listener's {@code proxy_protocol.accept} are
 * taken, saved and shown; a bad value is a 400 naming its field, and changes nothing.
 */
class ProxyProtocolApiTest {

    @TempDir
    Path dir;

    private static List<String> problemFields(HttpResponse<String> response) throws Exception {
        List<String> fields = new ArrayList<>();
        for (JsonNode problem : json(response).path("problems")) {
            fields.add(problem.get("field").asText());
        }
        return fields;
    }

    @Test
    void poolsAndListenersTakeTheOptionsAndRefuseBadValuesByField() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir); TestUpstream upstream = new TestUpstream()) {
            JsonNode pool = admin.create("/api/pools", "{\"name\": \"app\", \"upstreams\": [\"" + upstream.address()
                    + "\"], \"send_proxy_protocol\": \"v2\"}");
            assertEquals("v2", pool.get("send_proxy_protocol").asText(), pool.toString());
            assertEquals("v2", StateFileView.item(admin, "pools", "app").get("send_proxy_protocol").asText());

            JsonNode listener = admin.create("/api/listeners", "{\"name\": \"edge\", \"listen\": \"127.0.0.1:0\", "
                    + "\"protocol\": \"http\", \"pool\": \"app\", "
                    + "\"proxy_protocol\": {\"accept\": true, \"trusted\": [\"127.0.0.0/8\", \"10.0.0.0/8\"]}}");
            assertEquals("{\"accept\":true,\"trusted\":[\"127.0.0.0/8\",\"10.0.0.0/8\"]}",
                    listener.get("proxy_protocol").toString());
            assertEquals(listener.get("proxy_protocol"), StateFileView.item(admin, "listeners", "edge").get("proxy_protocol"));

            byte[] file = StateFileView.bytes(admin);
            HttpResponse<String> badPool = admin.call("PUT", "/api/pools/app", ADMIN_TOKEN, "{\"name\": \"app\", "
                    + "\"upstreams\": [\"" + upstream.address() + "\"], \"send_proxy_protocol\": \"v3\"}");
            assertEquals(400, badPool.statusCode(), badPool.body());
            assertEquals(List.of("send_proxy_protocol"), problemFields(badPool), badPool.body());

            HttpResponse<String> badListener = admin.call("PUT", "/api/listeners/edge", ADMIN_TOKEN,
                    "{\"name\": \"edge\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", \"pool\": \"app\", "
                            + "\"proxy_protocol\": {\"accept\": \"yes\", \"trusted\": [\"127.0.0.0/8\"]}}");
            assertEquals(400, badListener.statusCode(), badListener.body());
            assertEquals(List.of("proxy_protocol.accept"), problemFields(badListener), badListener.body());
            assertArrayEquals(file, StateFileView.bytes(admin), "refusals leave the state file untouched");

            HttpResponse<String> off = admin.call("PUT", "/api/listeners/edge", ADMIN_TOKEN,
                    "{\"name\": \"edge\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", \"pool\": \"app\", "
                            + "\"proxy_protocol\": {\"accept\": false}}");
            assertEquals(200, off.statusCode(), off.body());
            assertEquals("{\"accept\":false}", json(off).get("proxy_protocol").toString());
        }
    }
}
