package io.balor.admin.http;

import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One audit record per change (refused ones too), none for reads, never a secret. */
class ApiAuditTest extends ApiServerTestBase {

    private AuditRecord only() {
        List<AuditRecord> records = api.auditRecords();
        assertEquals(1, records.size(), records.toString());
        return records.get(0);
    }

    @Test
    void aSuccessfulChangeIsRecorded() throws Exception {
        assertEquals(201, api.sendJson("POST", "/api/listeners?token=secret-q", "operator-token",
                "{\"name\":\"web\",\"port\":8080}").statusCode());
        assertEquals(new AuditRecord(ApiTestServer.NOW, "oscar", "operator", "127.0.0.1", "POST", "/api/listeners",
                201, "listener web created"), only());
    }

    @Test
    void readsAreNotRecorded() throws Exception {
        assertEquals(200, api.get("/api/listeners", "viewer-token").statusCode());
        assertEquals(401, api.get("/api/listeners", null).statusCode());
        assertEquals(404, api.get("/api/nothing", null).statusCode());
        assertEquals(405, api.raw("HEAD /api/health HTTP/1.1\nHost: x\nConnection: close").status());
        assertTrue(api.auditRecords().isEmpty(), api.auditRecords().toString());
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
        try (ApiTestServer boom = new ApiTestServer(List.of(Route.post("/api/boom", Access.PUBLIC, r -> {
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
        try (ApiTestServer failing = new ApiTestServer(sample.routes(), o -> new ApiOptions(o.authentication(),
                r -> {
                    throw new IllegalStateException("disk full");
                }, o.clock(), o.maxBodyBytes(), o.threads(), o.queueCapacity(), 0))) {
            assertEquals(201, failing.sendJson("POST", "/api/listeners", "operator-token",
                    "{\"name\":\"web\",\"port\":1}").statusCode());
        }
    }

    @Test
    void jsonLines() {
        AuditRecord record = new AuditRecord(Instant.parse("2025-01-02T03:04:05Z"), "ann", "admin", "10.0.0.7",
                "POST", "/api/listeners", 201, "quote \" and\nnewline");
        assertEquals("{\"time\":\"2025-01-02T03:04:05Z\",\"username\":\"ann\",\"role\":\"admin\",\"client\":\"10.0.0.7\","
                + "\"method\":\"POST\",\"path\":\"/api/listeners\",\"status\":201,\"detail\":\"quote \\\" and\\nnewline\"}",
                record.toJsonLine());
        List<String> lines = new ArrayList<>();
        AuditSink.jsonLines(lines::add).record(record);
        assertEquals(List.of(record.toJsonLine()), lines);
    }

    @Test
    void theRingKeepsTheNewest() {
        AuditRing ring = new AuditRing(2);
        for (int status : new int[]{201, 202, 203}) {
            ring.record(new AuditRecord(Instant.EPOCH, "-", "-", "::1", "POST", "/x", status, ""));
        }
        assertEquals(List.of(202, 203), ring.recent().stream().map(AuditRecord::status).toList());
        assertThrows(IllegalArgumentException.class, () -> new AuditRing(0));
    }

    private static void assertRecord(AuditRecord record, String user, String role, String method, String path,
                                     int status, String detail) {
        assertEquals(new AuditRecord(ApiTestServer.NOW, user, role, "127.0.0.1", method, path, status, detail), record);
    }
}
