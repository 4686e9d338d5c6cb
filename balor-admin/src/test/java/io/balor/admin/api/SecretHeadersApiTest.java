package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import io.balor.admin.state.SecretHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A health-check header that carries a credential, end to end: every read, the export (JSON and
 * YAML) and the audit records show it as {@code "<redacted>"} to every role, other headers in
 * clear; a body read and sent back (PUT, a rename, an import of the export) keeps the real value,
 * which the state file holds and the health checks send; {@code "<redacted>"} with no value to
 * keep (a header the pool lacks, a new pool) is a 400 naming the field, nothing changed.
 */
class SecretHeadersApiTest {

    private static final String TOKEN = AdminFixture.ADMIN_TOKEN;
    private static final String SECRET = "Bearer s3cr3t-value";

    @TempDir
    Path dir;

    /** Pool {@code name} on {@code upstream}, http-checked every 50 ms with the secret and X-Probe {@code probe}. */
    private static String pool(String name, String upstream, String probe) {
        return "{\"name\": \"" + name + "\", \"upstreams\": [\"" + upstream + "\"], \"health_check\": {\"type\": \"http\","
                + " \"path\": \"/\", \"interval_ms\": 50, \"headers\": {\"Authorization\": \"" + SECRET
                + "\", \"X-Probe\": \"" + probe + "\"}}}";
    }

    private static JsonNode call(AdminFixture admin, String method, String path, String token, String body, int status)
            throws Exception {
        HttpResponse<String> response = admin.call(method, path, token, body);
        assertEquals(status, response.statusCode(), method + " " + path + ": " + response.body());
        assertFalse(response.body().contains("s3cr3t"), method + " " + path + " shows the secret: " + response.body());
        return response.body().isEmpty() ? null : AdminFixture.json(response);
    }

    private static JsonNode headers(JsonNode pool) {
        return pool.path("health_check").path("headers");
    }

    private static String savedSecret(AdminFixture admin, String pool) throws Exception {
        return headers(StateFileView.item(admin, "pools", pool)).path("Authorization").asText();
    }

    private static String requestId(HttpResponse<String> response) {
        return response.headers().firstValue("X-Request-Id").orElseThrow();
    }

    @Test
    void readsExportAndAuditRedactAndABodySentBackKeepsTheValue() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir); TestUpstream upstream = new TestUpstream()) {
            HttpResponse<String> created = admin.call("POST", "/api/pools", TOKEN, pool("app", upstream.address(), "one"));
            assertEquals(201, created.statusCode(), created.body());
            assertEquals(SecretHeaders.REDACTED, headers(AdminFixture.json(created)).path("Authorization").asText());
            String viewer = admin.user("vic", "viewer");
            for (String token : List.of(viewer, TOKEN)) {
                for (JsonNode pool : List.of(call(admin, "GET", "/api/pools", token, null, 200).get(0),
                        call(admin, "GET", "/api/pools/app", token, null, 200))) {
                    assertEquals(SecretHeaders.REDACTED, headers(pool).path("Authorization").asText(), pool.toString());
                    assertEquals("one", headers(pool).path("X-Probe").asText(), "other headers in clear");
                }
                JsonNode export = call(admin, "GET", "/api/config/export", token, null, 200);
                assertEquals(SecretHeaders.REDACTED, headers(export.path("pools").get(0)).path("Authorization").asText());
                HttpResponse<String> yaml = admin.call("GET", "/api/config/export?format=yaml", token, null);
                assertTrue(yaml.body().contains("\"Authorization\": \"<redacted>\""), yaml.body());
                assertFalse(yaml.body().contains("s3cr3t"), yaml.body());
            }

            // What a GET answered, sent back with one harmless change: the running value is kept.
            ObjectNode body = (ObjectNode) call(admin, "GET", "/api/pools/app", TOKEN, null, 200);
            ((ObjectNode) headers(body)).put("X-Probe", "two");
            HttpResponse<String> updated = admin.call("PUT", "/api/pools/app", TOKEN, body.toString());
            assertEquals(200, updated.statusCode(), updated.body());
            assertEquals(SECRET, savedSecret(admin, "app"));
            Await.until("a probe after the PUT with the real credential", () -> upstream.requests.stream().anyMatch(
                    (Headers probe) -> "two".equals(probe.getFirst("X-Probe")) && SECRET.equals(probe.getFirst("Authorization"))));

            List<JsonNode> audit = AuditLogView.audit(admin);
            for (String id : List.of(requestId(created), requestId(updated))) {
                JsonNode record = AuditLogView.one(audit, id);
                assertTrue(record.path("changes").isArray() && !record.path("changes").isEmpty(), record.toString());
                assertFalse(record.toString().contains("s3cr3t"), record.toString());
            }
            assertTrue(AuditLogView.one(audit, requestId(created)).toString().contains(SecretHeaders.REDACTED));
            assertFalse(AuditLogView.everyLogFile(admin).contains("s3cr3t"), "the secret is in no log file");

            // A rename keeps the value of the pool renamed.
            body.put("name", "renamed");
            call(admin, "PUT", "/api/pools/app?rename=true", TOKEN, body.toString(), 200);
            assertEquals(SECRET, savedSecret(admin, "renamed"));
        }
    }

    @Test
    void redactedWithNoValueToKeepIsRefusedNamingTheField() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            admin.create("/api/pools", pool("app", "127.0.0.1:9", "one"));
            byte[] before = StateFileView.bytes(admin);
            ObjectNode body = (ObjectNode) call(admin, "GET", "/api/pools/app", TOKEN, null, 200);
            ((ObjectNode) headers(body)).put("X-Api-Key", SecretHeaders.REDACTED);
            JsonNode refused = call(admin, "PUT", "/api/pools/app", TOKEN, body.toString(), 400);
            assertEquals("health_check.headers.X-Api-Key", refused.path("field").asText(), refused.toString());
            assertEquals(SecretHeaders.HINT, refused.path("hint").asText());

            ObjectNode fresh = body.deepCopy().put("name", "fresh");
            ((ObjectNode) headers(fresh)).remove("X-Api-Key");
            refused = call(admin, "POST", "/api/pools", TOKEN, fresh.toString(), 400);
            assertEquals("health_check.headers.Authorization", refused.path("field").asText(), refused.toString());
            assertArrayEquals(before, StateFileView.bytes(admin), "nothing changed");
        }
    }

    @Test
    void theExportImportedBackKeepsTheValueAndANewPoolCannotBeRedacted() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            admin.create("/api/pools", pool("app", "127.0.0.1:9", "one"));
            ObjectNode export = (ObjectNode) call(admin, "GET", "/api/config/export", TOKEN, null, 200);
            ((ObjectNode) headers(export.path("pools").get(0))).put("X-Probe", "two");
            JsonNode imported = call(admin, "POST", "/api/config/import", TOKEN, export.toString(), 200);
            assertFalse(imported.path("version").isNull(), imported.toString());
            assertEquals(SECRET, savedSecret(admin, "app"));
            assertEquals("two", headers(StateFileView.item(admin, "pools", "app")).path("X-Probe").asText());

            byte[] before = StateFileView.bytes(admin);
            ObjectNode other = ((ObjectNode) export.path("pools").get(0)).deepCopy().put("name", "other");
            ((ArrayNode) export.path("pools")).add(other);
            for (String path : List.of("/api/config/import", "/api/config/import?dry_run=true")) {
                JsonNode refused = call(admin, "POST", path, TOKEN, export.toString(), 400);
                assertEquals("pools[1].health_check.headers.Authorization", refused.path("field").asText(),
                        refused.toString());
                assertEquals(SecretHeaders.HINT, refused.path("hint").asText());
            }
            assertArrayEquals(before, StateFileView.bytes(admin), "nothing changed");
        }
    }
}
