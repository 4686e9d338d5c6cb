package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.log.EventLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.balor.admin.api.AdminFixture.ADMIN_TOKEN;
import static io.balor.admin.api.AdminFixture.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /api/logging}, {@code /api/logs} and {@code /api/logs/files} over real HTTP: the access
 * log's sampling is clamped, saved and changed only by admins; recent events are filtered by
 * level and the access records of real traffic show up; the log directory's files are listed and
 * served, only the log files among them, and no name or encoding reaches a file outside them.
 */
class LogsApiTest {

    @TempDir
    Path dir;

    @Test
    void samplingIsCheckedSavedAndChangedOnlyByAdmins() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            String viewer = admin.user("vera", "viewer");
            String operator = admin.user("olga", "operator");
            HttpResponse<String> initial = admin.call("GET", "/api/logging", viewer, null);
            assertEquals(200, initial.statusCode(), initial.body());
            assertEquals(10_000, json(initial).get("trace_sample").asInt(), "every exchange by default");
            assertEquals(1, json(initial).get("min").asInt());
            assertEquals(10_000, json(initial).get("max").asInt());

            for (int value : new int[] {250, 10_000, 1, 42}) {
                HttpResponse<String> set = admin.call("PUT", "/api/logging", ADMIN_TOKEN, "{\"trace_sample\": " + value + "}");
                assertEquals(200, set.statusCode(), set.body());
                assertEquals(value, json(set).get("trace_sample").asInt());
                assertEquals(value, StateFileView.root(admin).get("trace_sample").asInt(), "saved");
                assertEquals(value, json(admin.call("GET", "/api/logging", viewer, null)).get("trace_sample").asInt());
            }
            for (int value : new int[] {0, -5, 20_000, 10_001}) {
                HttpResponse<String> refused = admin.call("PUT", "/api/logging", ADMIN_TOKEN,
                        "{\"trace_sample\": " + value + "}");
                assertEquals(400, refused.statusCode(), "refused, not clamped: " + value);
                assertEquals("trace_sample", json(refused).get("field").asText());
            }
            assertEquals(42, StateFileView.root(admin).get("trace_sample").asInt(), "nothing changed");

            byte[] file = StateFileView.bytes(admin);
            assertEquals(403, admin.call("PUT", "/api/logging", viewer, "{\"trace_sample\": 5}").statusCode());
            assertEquals(403, admin.call("PUT", "/api/logging", operator, "{\"trace_sample\": 5}").statusCode());
            assertEquals(401, admin.call("PUT", "/api/logging", null, "{\"trace_sample\": 5}").statusCode());
            for (String body : List.of("{\"trace_sample\": \"5\"}", "{\"trace_sample\": 1.5}", "{\"trace_sample\": true}",
                    "{\"trace_sample\": null}", "{}", "{\"trace_sample\": 5, \"level\": \"debug\"}",
                    "{\"trace_sample\": 99999999999}", "{\"trace_sample\": 5", "[5]")) {
                HttpResponse<String> refused = admin.call("PUT", "/api/logging", ADMIN_TOKEN, body);
                assertEquals(400, refused.statusCode(), body + ": " + refused.body());
            }
            HttpResponse<String> unknown = admin.call("PUT", "/api/logging", ADMIN_TOKEN,
                    "{\"trace_sample\": 5, \"level\": \"debug\"}");
            assertEquals("level", json(unknown).get("field").asText(), unknown.body());
            assertArrayEquals(file, StateFileView.bytes(admin), "refusals leave the state file untouched");
            assertEquals(42, json(admin.call("GET", "/api/logging", viewer, null)).get("trace_sample").asInt());
        }
    }

    /**
     * The sampling reaches the running access log, now and after a restart (the saved setting wins).
     * Sampling draws from a per-loop xorshift with a fixed seed, so in a fresh Balor which of 20
     * exchanges are kept at 1 in 10,000 is fixed: none of them.
     */
    @Test
    void samplingChangesWhatTheRunningAccessLogKeeps() throws Exception {
        try (TestUpstream upstream = new TestUpstream()) {
            try (AdminFixture admin = new AdminFixture(dir)) {
                admin.webListener(upstream.address());
                assertEquals(200, admin.call("PUT", "/api/logging", ADMIN_TOKEN, "{\"trace_sample\": 1}").statusCode());
                assertUnsampled(admin);
            }
            try (AdminFixture restarted = new AdminFixture(dir)) {
                assertEquals(1, json(restarted.call("GET", "/api/logging", ADMIN_TOKEN, null)).get("trace_sample").asInt());
                assertUnsampled(restarted);
            }
        }
    }

    /** 20 exchanges leave no access record; one after sampling everything again does. */
    private static void assertUnsampled(AdminFixture admin) throws Exception {
        int port = admin.balor.boundAddress("web").getPort();
        String unsampled = "/unsampled-" + UUID.randomUUID();
        for (int i = 0; i < 20; i++) {
            assertEquals(200, Downstream.get(port, unsampled).statusCode());
        }
        assertEquals(200, admin.call("PUT", "/api/logging", ADMIN_TOKEN, "{\"trace_sample\": 10000}").statusCode());
        String marker = "/sampled-" + UUID.randomUUID();
        assertEquals(200, Downstream.get(port, marker).statusCode());
        Await.until("the access record of " + marker, () -> access(admin, ADMIN_TOKEN, "").stream()
                .anyMatch(record -> marker.equals(record.path("path").asText())));
        assertTrue(access(admin, ADMIN_TOKEN, "").stream().noneMatch(r -> unsampled.equals(r.path("path").asText())),
                "at 1 in 10,000 none of the 20 was kept");
        assertEquals(200, admin.call("PUT", "/api/logging", ADMIN_TOKEN, "{\"trace_sample\": 1}").statusCode());
    }

    @Test
    void recentEventsByLevelAndAccessRecordsOfRealTraffic() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir); TestUpstream upstream = new TestUpstream()) {
            String viewer = admin.user("vera", "viewer");
            JsonNode web = admin.webListener(upstream.address());
            String path = "/logged-" + UUID.randomUUID();
            assertEquals(200, Downstream.get(Downstream.port(web.get("bound").asText()), path).statusCode());

            Await.until("the access record of " + path, () -> access(admin, viewer, "").stream()
                    .anyMatch(record -> path.equals(record.path("path").asText())));
            JsonNode record = access(admin, viewer, "").stream()
                    .filter(r -> path.equals(r.path("path").asText())).findFirst().orElseThrow();
            assertEquals("web", record.get("listener").asText(), record.toString());
            assertEquals("app", record.get("pool").asText(), record.toString());
            assertEquals(200, record.get("status").asInt(), record.toString());
            assertEquals("GET", record.get("method").asText(), record.toString());

            String warning = "test warning " + UUID.randomUUID();
            String info = "test info " + UUID.randomUUID();
            EventLog.process().record(System.Logger.Level.WARNING, "test", warning);
            EventLog.process().record(System.Logger.Level.INFO, "test", info);

            HttpResponse<String> warnings = admin.call("GET", "/api/logs?level=warning&limit=1000", viewer, null);
            assertEquals(200, warnings.statusCode(), warnings.body());
            assertTrue(messages(warnings).contains(warning), warnings.body());
            assertFalse(messages(warnings).contains(info), "below the level");
            assertEquals(0, json(warnings).get("access").size(), "access records are info: " + warnings.body());
            for (JsonNode event : json(warnings).get("events")) {
                assertTrue(List.of("warning", "error").contains(event.get("level").asText()), event.toString());
            }
            JsonNode event = find(json(warnings).get("events"), warning);
            assertEquals("test", event.get("source").asText());
            assertTrue(event.get("sequence").isIntegralNumber() && event.get("time").isTextual(), event.toString());

            HttpResponse<String> errors = admin.call("GET", "/api/logs?level=error&limit=1000", viewer, null);
            assertFalse(messages(errors).contains(warning), errors.body());
            HttpResponse<String> all = admin.call("GET", "/api/logs?limit=1000", viewer, null);
            assertTrue(messages(all).containsAll(List.of(warning, info)), "info by default: " + all.body());
            assertTrue(json(all).get("access").size() >= 1, all.body());

            HttpResponse<String> one = admin.call("GET", "/api/logs?level=debug&limit=1", viewer, null);
            assertEquals(1, json(one).get("events").size(), one.body());
            assertEquals(info, json(one).get("events").get(0).get("message").asText(), "the newest");
            assertEquals(1, json(one).get("access").size(), one.body());

            for (String query : List.of("level=loud", "limit=0", "limit=10001", "limit=abc", "limit=%2B5",
                    "limit=1&limit=2", "level=")) {
                HttpResponse<String> refused = admin.call("GET", "/api/logs?" + query, viewer, null);
                assertEquals(400, refused.statusCode(), query + ": " + refused.body());
            }
            assertEquals(401, admin.call("GET", "/api/logs", null, null).statusCode());
        }
    }

    @Test
    void logFilesAreListedAndServedAndNothingElse() throws Exception {
        Path logs = dir.resolve("data/logs");
        Files.createDirectories(logs.resolve("events.log.3"));   // a directory with a log's name
        write(logs.resolve("access.log"), "{\"path\":\"/a\"}\n");
        write(logs.resolve("access.log.1"), "{\"path\":\"/older\"}\n");
        write(logs.resolve("events.log"), "{\"message\":\"started\"}\n");
        write(logs.resolve("events.log.2"), "{\"message\":\"old\"}\n");
        write(logs.resolve("notes.txt"), "not a log\n");
        write(logs.resolve("access.log.bak"), "not a log either\n");
        write(dir.resolve("data/secret.log"), "SECRET\n");
        Files.createSymbolicLink(logs.resolve("access.log.7"), dir.resolve("data/secret.log"));
        try (AdminFixture admin = new AdminFixture(dir)) {
            String viewer = admin.user("vera", "viewer");   // a change: audit.log now exists
            assertEquals(400, admin.call("PUT", "/api/logging", ADMIN_TOKEN, "{}").statusCode(), "refused, audited too");

            HttpResponse<String> listed = admin.call("GET", "/api/logs/files", viewer, null);
            assertEquals(200, listed.statusCode(), listed.body());
            List<String> names = new ArrayList<>();
            for (JsonNode file : json(listed)) {
                names.add(file.get("name").asText());
                assertEquals(Files.size(logs.resolve(file.get("name").asText())), file.get("size").asLong());
                assertTrue(file.get("modified").isTextual(), file.toString());
            }
            assertEquals(List.of("access.log", "access.log.1", "events.log", "events.log.2"), names,
                    "the audit logs are not a viewer's");
            List<String> adminNames = new ArrayList<>();
            json(admin.call("GET", "/api/logs/files", ADMIN_TOKEN, null)).forEach(f -> adminNames.add(f.get("name").asText()));
            assertEquals(List.of("access.log", "access.log.1", "audit.log", "events.log", "events.log.2"), adminNames);

            for (String name : List.of("access.log", "access.log.1", "events.log", "events.log.2")) {
                HttpResponse<String> file = admin.call("GET", "/api/logs/files/" + name, viewer, null);
                assertEquals(200, file.statusCode(), name + ": " + file.body());
                assertEquals(Files.readString(logs.resolve(name)), file.body());
                assertEquals("attachment; filename=\"" + name + "\"",
                        file.headers().firstValue("Content-Disposition").orElse(null));
                assertTrue(file.headers().firstValue("Content-Type").orElse("").startsWith("application/x-ndjson"));
            }
            assertEquals(403, admin.call("GET", "/api/logs/files/audit.log", viewer, null).statusCode());
            String viewerTry = admin.call("GET", "/api/logs/files/audit-anonymous.log", viewer, null).body();
            assertTrue(viewerTry.contains("the audit logs are for admins"), viewerTry);
            HttpResponse<String> audit = admin.call("GET", "/api/logs/files/audit.log", ADMIN_TOKEN, null);
            assertEquals(200, audit.statusCode(), audit.body());
            String[] lines = audit.body().split("\n");
            assertTrue(lines.length >= 2, audit.body());
            assertTrue(audit.body().contains("/api/logging") && audit.body().contains("\"status\":400"),
                    "the refused change is recorded: " + audit.body());
            assertTrue(java.util.Arrays.stream(lines).anyMatch(line -> line.contains("\"status\":403")
                    && line.contains("\"vera\"") && line.contains("audit.log")), "and the viewer's refused read of it: "
                    + audit.body());

            for (String name : List.of("notes.txt", "access.log.bak", "access.log.7", "events.log.3", "secret.log",
                    "access.log.9")) {
                HttpResponse<String> refused = admin.call("GET", "/api/logs/files/" + name, viewer, null);
                assertEquals(404, refused.statusCode(), name + ": " + refused.body());
                assertFalse(refused.body().contains("SECRET"), refused.body());
            }
            assertEquals(401, admin.call("GET", "/api/logs/files", null, null).statusCode());
            assertEquals(401, admin.call("GET", "/api/logs/files/access.log", null, null).statusCode());
        }
    }

    @Test
    void noEncodingOfALogNameLeavesTheLogDirectory() throws Exception {
        write(dir.resolve("data/logs/access.log"), "{\"path\":\"/a\"}\n");
        write(dir.resolve("data/secret.log"), "SECRET\n");
        try (AdminFixture admin = new AdminFixture(dir)) {
            String viewer = admin.user("vera", "viewer");
            for (String name : List.of("..%2Fsecret.log", "..%2F..%2Fdata%2Fsecret.log", "%2e%2e%2fsecret.log",
                    "%2E%2E%2Fsecret.log", "..%5Csecret.log", "%2e%2e", "..", ".", "access.log%00",
                    "access.log%2F..%2F..%2Fsecret.log", "%2Fetc%2Fpasswd", "..%252Fsecret.log%00",
                    "%c0%ae%c0%ae%2fsecret.log", "..%2F..%2Fbalor_state.json")) {
                RawHttp.Answer answer = RawHttp.get(admin, "/api/logs/files/" + name, viewer);
                assertEquals(400, answer.status(), name + ": " + answer.body());
                assertFalse(answer.body().contains("SECRET") || answer.body().contains("\"version\""), answer.body());
            }
            for (String target : List.of("/api/logs/files/../../secret.log", "/api/logs/files/./access.log",
                    "/api/logs/files/%2e%2e/%2e%2e/secret.log", "/api/logs/files/access.log/..")) {
                RawHttp.Answer answer = RawHttp.get(admin, target, viewer);
                assertEquals(400, answer.status(), target + ": " + answer.body());
            }
            for (String name : List.of("..%252Fsecret.log", "secret.log", "access.log.", "ACCESS.LOG", "access.log%20")) {
                RawHttp.Answer answer = RawHttp.get(admin, "/api/logs/files/" + name, viewer);
                assertEquals(404, answer.status(), name + ": " + answer.body());
                assertFalse(answer.body().contains("SECRET"), answer.body());
            }
            assertEquals(200, RawHttp.get(admin, "/api/logs/files/access.log", viewer).status());
        }
    }

    // ---- helpers


    private static List<JsonNode> access(AdminFixture admin, String token, String query) throws Exception {
        HttpResponse<String> response = admin.call("GET", "/api/logs?limit=1000" + query, token, null);
        assertEquals(200, response.statusCode(), response.body());
        List<JsonNode> records = new ArrayList<>();
        json(response).get("access").forEach(records::add);
        return records;
    }

    private static List<String> messages(HttpResponse<String> response) throws Exception {
        List<String> messages = new ArrayList<>();
        json(response).get("events").forEach(event -> messages.add(event.get("message").asText()));
        return messages;
    }

    private static JsonNode find(JsonNode events, String message) {
        for (JsonNode event : events) {
            if (message.equals(event.get("message").asText())) {
                return event;
            }
        }
        throw new AssertionError("no event " + message + " in " + events);
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
