package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static io.balor.admin.api.AdminFixture.ADMIN_TOKEN;
import static io.balor.admin.api.AdminFixture.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /api/listeners/{name}/enable} (issue 12, part B, point 5), drain's other half: an
 * operator brings a drained listener back without sending the whole object; it binds and carries
 * traffic at once, is saved enabled, and its audit record says {@code enabled} went from false to
 * true. Enabling an enabled listener changes nothing; a taken address is a 409 naming it.
 */
class ListenerEnableApiTest {

    @TempDir
    Path dir;

    @Test
    void aDrainedListenerComesBackWithEnable() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir); TestUpstream upstream = new TestUpstream()) {
            String operator = admin.user("olga", "operator");
            String viewer = admin.user("vera", "viewer");
            admin.webListener(upstream.address());
            HttpResponse<String> drained = admin.call("POST", "/api/listeners/web/drain", operator, null);
            assertEquals(200, drained.statusCode(), drained.body());
            assertFalse(json(drained).get("enabled").asBoolean());

            byte[] file = StateFileView.bytes(admin);
            assertEquals(403, admin.call("POST", "/api/listeners/web/enable", viewer, null).statusCode());
            HttpResponse<String> withSettings = admin.call("POST", "/api/listeners/web/enable", operator,
                    "{\"listen\": \"127.0.0.1:0\"}");
            assertEquals(400, withSettings.statusCode(), "enable takes no settings: " + withSettings.body());
            assertEquals("listen", json(withSettings).get("field").asText());
            assertEquals(404, admin.call("POST", "/api/listeners/nope/enable", operator, null).statusCode());
            assertArrayEquals(file, StateFileView.bytes(admin), "refusals change nothing");

            HttpResponse<String> enabled = admin.call("POST", "/api/listeners/web/enable", operator, "{}");
            assertEquals(200, enabled.statusCode(), enabled.body());
            JsonNode listener = json(enabled);
            assertTrue(listener.get("enabled").asBoolean(), enabled.body());
            assertEquals("web", listener.get("id").asText());
            int port = Downstream.port(listener.get("bound").asText());
            assertEquals(200, Downstream.get(port, "/back").statusCode(), "it serves at once");
            StateFileView.assertSaved(admin, "listeners", listener);

            byte[] saved = StateFileView.bytes(admin);
            HttpResponse<String> again = admin.call("POST", "/api/listeners/web/enable", operator, null);
            assertEquals(200, again.statusCode(), again.body());
            assertEquals(listener.get("bound"), json(again).get("bound"), "the same socket");
            assertArrayEquals(saved, StateFileView.bytes(admin), "enabling an enabled listener is no change");

            List<JsonNode> audit = AuditLogView.audit(admin);
            JsonNode record = AuditLogView.one(audit, enabled.headers().firstValue("X-Request-Id").orElseThrow());
            assertEquals("olga", record.get("username").asText(), record.toString());
            assertEquals("[{\"field\":\"enabled\",\"before\":false,\"after\":true}]", record.path("changes").toString());
            assertTrue(record.toString().contains("enabled listener web"), record.toString());
            assertTrue(AuditLogView.one(audit, again.headers().firstValue("X-Request-Id").orElseThrow())
                    .path("changes").isMissingNode(), "the second enable changed nothing");
        }
    }

    @Test
    void anAddressTakenMeanwhileIsAConflictNamingIt() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            admin.create("/api/pools", "{\"name\": \"app\", \"upstreams\": [\"127.0.0.1:9\"]}");
            admin.create("/api/listeners", "{\"name\": \"fixed\", \"listen\": \"127.0.0.1:" + port + "\", \"pool\": \"app\","
                    + " \"enabled\": false}");
            byte[] file = StateFileView.bytes(admin);
            try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                HttpResponse<String> refused = admin.call("POST", "/api/listeners/fixed/enable", ADMIN_TOKEN, null);
                assertEquals(409, refused.statusCode(), refused.body());
                assertEquals("listeners[0].listen", json(refused).get("field").asText(), refused.body());
                assertTrue(json(refused).get("hint").asText().contains("free the address"), refused.body());
            }
            assertArrayEquals(file, StateFileView.bytes(admin), "still saved disabled");
            HttpResponse<String> freed = admin.call("POST", "/api/listeners/fixed/enable", ADMIN_TOKEN, null);
            assertEquals(200, freed.statusCode(), freed.body());
            assertEquals("127.0.0.1:" + port, json(freed).get("bound").asText());
        }
    }
}
