package io.balor.admin.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What is audited: every change (refused ones too), the reads of secrets (a handler's asking, the
 * admin token, a 403), every refusal of an anonymous client; never a secret; each record with the
 * request id the response carries in {@code X-Request-Id}, and a change with its fields before and after.
 */
class ApiAuditTest extends ApiServerTestBase {

    private AuditRecord only() {
        List<AuditRecord> records = api.auditRecords();
        assertEquals(1, records.size(), records.toString());
        return records.get(0);
    }

    @Test
    void aSuccessfulChangeIsRecordedWithTheRequestIdOfItsResponse() throws Exception {
        HttpResponse<String> response = api.sendJson("POST", "/api/listeners?token=secret-q", "operator-token",
                "{\"name\":\"web\",\"port\":8080}");
        assertEquals(201, response.statusCode());
        AuditRecord record = only();
        assertRecord(record, "oscar", "operator", "POST", "/api/listeners", 201, "listener web created");
        String id = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertTrue(id.matches("[0-9a-f]{16}"), id);
        assertEquals(id, record.requestId());
        String other = api.get("/api/health", null).headers().firstValue("X-Request-Id").orElseThrow();
        assertFalse(other.equals(id), "every response has its own id");
    }

    @Test
    void ordinaryReadsAreNotRecordedButAnonymousRefusalsAre() throws Exception {
        assertEquals(200, api.get("/api/listeners", "viewer-token").statusCode());
        assertEquals(200, api.get("/api/health", null).statusCode());
        assertEquals(200, api.get("/api/users/vera", "viewer-token").statusCode());
        assertTrue(api.auditRecords().isEmpty(), api.auditRecords().toString());
        assertEquals(401, api.get("/api/listeners", null).statusCode());
        assertEquals(404, api.get("/api/nothing", null).statusCode());
        assertEquals(405, api.raw("HEAD /api/health HTTP/1.1\nHost: 127.0.0.1\nConnection: close").status());
        List<AuditRecord> records = api.auditRecords();
        assertEquals(3, records.size(), records.toString());
        assertRecord(records.get(0), "-", "-", "GET", "/api/listeners", 401, "authentication required");
        assertTrue(records.stream().allMatch(AuditRecord::anonymous));
    }

    @Test
    void readsOfSecretsAreRecorded() throws Exception {
        assertEquals(200, api.get("/api/secrets", "admin-token").statusCode());
        assertEquals(200, api.get("/api/listeners", "the-admin-token").statusCode());
        assertEquals(403, api.get("/api/users/ann", "viewer-token").statusCode());
        List<AuditRecord> records = api.auditRecords();
        assertEquals(3, records.size(), records.toString());
        assertRecord(records.get(0), "ann", "admin", "GET", "/api/secrets", 200, "read the secrets");
        assertRecord(records.get(1), "BALOR_ADMIN_TOKEN", "admin", "GET", "/api/listeners", 200, "");
        assertRecord(records.get(2), "vera", "viewer", "GET", "/api/users/ann", 403, "forbidden");
    }

    @Test
    void aChangeListsItsFieldsBeforeAndAfterWithSecretsRedacted() throws Exception {
        assertEquals(200, api.sendJson("PUT", "/api/settings", "operator-token",
                "{\"a\": 2, \"password\": \"new-pw\", \"b\": [\"x\"]}").statusCode());
        JsonNode changes = only().changes();
        assertEquals("[{\"field\":\"a\",\"before\":1,\"after\":2},"
                + "{\"field\":\"password\",\"before\":\"(secret)\",\"after\":\"(secret)\"},"
                + "{\"field\":\"b[0]\",\"before\":null,\"after\":\"x\"}]", changes.toString());
        String line = only().toJsonLine();
        assertFalse(line.contains("old-pw") || line.contains("new-pw"), line);
        assertTrue(line.contains("\"changes\":[{\"field\":\"a\""), line);
    }

    @Test
    void refusedChangesAreRecordedWithWhoAndWhy() throws Exception {
        api.send(api.request("/api/listeners/web", null).DELETE());
        api.send(api.request("/api/listeners/web", "viewer-token").DELETE());
        api.sendJson("POST", "/api/listeners", "operator-token", "{\"name\":\"x\",\"password\":\"hunter2\"}");
        api.sendJson("POST", "/api/nothing", "admin-token", "{}");
        api.send(api.request("/api/listeners/web", "operator-token").DELETE());
        List<AuditRecord> records = api.auditRecords();
        assertEquals(5, records.size(), records.toString());
        assertRecord(records.get(0), "-", "-", "DELETE", "/api/listeners/web", 401, "authentication required");
        assertRecord(records.get(1), "vera", "viewer", "DELETE", "/api/listeners/web", 403, "forbidden");
        assertRecord(records.get(2), "oscar", "operator", "POST", "/api/listeners", 400, "unknown key password");
        assertRecord(records.get(3), "ann", "admin", "POST", "/api/nothing", 404, "no such API path");
        assertRecord(records.get(4), "oscar", "operator", "DELETE", "/api/listeners/web", 204, "listener web deleted");
        for (AuditRecord record : records) {
            assertFalse(record.toJsonLine().contains("hunter2"), record.toString());
            assertNull(record.changes());
        }
    }

    @Test
    void malformedBodiesAreNeverCopiedIntoTheRecord() throws Exception {
        api.sendJson("POST", "/api/listeners", "operator-token", "{\"name\": \"x\", \"password\": hunter2}");
        AuditRecord record = only();
        assertEquals(400, record.status());
        assertTrue(record.detail().startsWith("malformed JSON at line 1"), record.detail());
        assertFalse(record.toJsonLine().contains("hunter2"));
    }

    @Test
    void preflightsAndInternalErrorsAreRecorded() throws Exception {
        api.send(api.request("/api/listeners", null).method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertRecord(only(), "-", "-", "OPTIONS", "/api/listeners", 405, "method not allowed");
        try (ApiTestServer boom = new ApiTestServer(List.of(Endpoint.post("/api/boom", Access.PUBLIC, r -> {
            throw new IllegalStateException("secret");
        })))) {
            boom.sendJson("POST", "/api/boom", null, "{}");
            AuditRecord record = boom.auditRecords().get(0);
            assertEquals(500, record.status());
            assertEquals("internal error (IllegalStateException)", record.detail());
        }
    }

    @Test
    void aFailingSinkDoesNotChangeTheResponse() throws Exception {
        try (ApiTestServer failing = new ApiTestServer(sample.routes(), o -> o.withAudit(r -> {
            throw new IllegalStateException("disk full");
        }).withStopDelaySeconds(0))) {
            assertEquals(201, failing.sendJson("POST", "/api/listeners", "operator-token",
                    "{\"name\":\"web\",\"port\":1}").statusCode());
        }
    }

    @Test
    void jsonLines() {
        AuditRecord record = new AuditRecord(Instant.parse("2025-01-02T03:04:05Z"), "00000000000000ff", "ann", "admin",
                "10.0.0.7", "POST", "/api/listeners", 201, "quote \" and\nnewline", null, null);
        assertEquals("{\"time\":\"2025-01-02T03:04:05Z\",\"request_id\":\"00000000000000ff\",\"username\":\"ann\","
                + "\"role\":\"admin\",\"client\":\"10.0.0.7\",\"method\":\"POST\",\"path\":\"/api/listeners\","
                + "\"status\":201,\"detail\":\"quote \\\" and\\nnewline\"}", record.toJsonLine());
        AuditRecord login = new AuditRecord(Instant.parse("2025-01-02T03:04:05Z"), "1", "-", "-", "10.0.0.7", "POST",
                "/api/login", 401, "wrong username or password", "root", null);
        assertTrue(login.toJsonLine().endsWith(",\"detail\":\"wrong username or password\",\"login\":\"root\"}"));
        List<String> lines = new ArrayList<>();
        AuditSink.jsonLines(lines::add).record(record);
        assertEquals(List.of(record.toJsonLine()), lines);
    }

    @Test
    void theRingKeepsTheNewest() {
        AuditRing ring = new AuditRing(2);
        for (int status : new int[]{201, 202, 203}) {
            ring.record(new AuditRecord(Instant.EPOCH, "1", "-", "-", "::1", "POST", "/x", status, "", null, null));
        }
        assertEquals(List.of(202, 203), ring.recent().stream().map(AuditRecord::status).toList());
        assertThrows(IllegalArgumentException.class, () -> new AuditRing(0));
    }

    private static void assertRecord(AuditRecord record, String user, String role, String method, String path,
                                     int status, String detail) {
        assertEquals(List.of(ApiTestServer.NOW, user, role, "127.0.0.1", method, path, status, detail),
                List.of(record.time(), record.username(), record.role(), record.clientAddress(), record.method(),
                        record.path(), record.status(), record.detail()), record.toString());
        assertTrue(record.requestId().matches("[0-9a-f]{16}"), record.requestId());
    }
}
