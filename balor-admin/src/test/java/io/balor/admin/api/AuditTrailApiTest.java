package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.balor.admin.api.AdminFixture.ADMIN_PASSWORD;
import static io.balor.admin.api.AdminFixture.ADMIN_TOKEN;
import static io.balor.admin.api.AdminFixture.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit trail of a real admin API on disk ({@code data/logs/audit.log} and
 * {@code audit-anonymous.log}), each record found by the {@code X-Request-Id} of the response it
 * belongs to: reads of secrets (the users, a user, a private key), every request made with
 * {@code BALOR_ADMIN_TOKEN} and every 403 are recorded, ordinary reads of a logged-in caller are
 * not; a user's repeated refusals are one whole record and one summary a minute, whole records
 * from at most 16 of its addresses a minute; a change lists its fields before and after, a password change only says that the hash
 * changed, and no password is in any log file; a flood of anonymous refusals from three addresses
 * is one whole record per address and one summary per address once the minute is over, with the
 * counts adding up, and adds nothing to {@code audit.log}.
 */
class AuditTrailApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void readsOfSecretsTokenRequestsAndForbiddenReadsAreAuditedOrdinaryReadsAreNot() throws Exception {
        Pem shop = Pem.selfSigned(dir.resolve("pki"), "shop.example");
        try (AdminFixture admin = new AdminFixture(dir)) {
            admin.create("/api/certificates", JSON.createObjectNode().put("name", "shop")
                    .put("pem", shop.cert() + shop.key()).toString());
            String viewer = admin.user("vera", "viewer");
            String ann = admin.login("admin", ADMIN_PASSWORD);
            int before = AuditLogView.audit(admin).size();

            // method path token -> status, username, detail of the record it must leave
            record Call(String path, String token, int status, String username, String detail) {
            }
            List<Call> recorded = List.of(
                    new Call("/api/users", ann, 200, "admin", "read the users"),
                    new Call("/api/users/vera", ann, 200, "admin", "read user vera"),
                    new Call("/api/certificates/shop?include_key=true", ann, 200, "admin",
                            "downloaded the key of certificate shop"),
                    new Call("/api/stats", ADMIN_TOKEN, 200, "BALOR_ADMIN_TOKEN", ""),
                    new Call("/api/pools", ADMIN_TOKEN, 200, "BALOR_ADMIN_TOKEN", ""),
                    new Call("/api/users/vera", ADMIN_TOKEN, 200, "BALOR_ADMIN_TOKEN", "read user vera"),
                    new Call("/api/users", viewer, 403, "vera", "forbidden"),
                    new Call("/api/users/vera", viewer, 403, "vera", "forbidden"),
                    new Call("/api/certificates/shop?include_key=true", viewer, 403, "vera",
                            "only admins may download a private key"));
            List<Call> unrecorded = List.of(
                    new Call("/api/stats", viewer, 200, null, null),
                    new Call("/api/stats", ann, 200, null, null),
                    new Call("/api/pools", viewer, 200, null, null),
                    new Call("/api/certificates/shop", ann, 200, null, null),
                    new Call("/api/certificates/shop", viewer, 200, null, null),
                    new Call("/api/health", null, 200, null, null));

            Map<String, Call> ids = new LinkedHashMap<>();
            List<String> quiet = new ArrayList<>();
            for (Call call : recorded) {
                if (call.status() == 403) {
                    // A user's 403s are written whole once a minute (the rest are counted): a new minute each.
                    admin.clock.advance(Duration.ofSeconds(61));
                }
                HttpResponse<String> response = admin.call("GET", call.path(), call.token(), null);
                assertEquals(call.status(), response.statusCode(), call + ": " + response.body());
                ids.put(requestId(response), call);
            }
            for (Call call : unrecorded) {
                HttpResponse<String> response = admin.call("GET", call.path(), call.token(), null);
                assertEquals(call.status(), response.statusCode(), call + ": " + response.body());
                quiet.add(requestId(response));
            }

            List<JsonNode> audit = AuditLogView.audit(admin);
            List<JsonNode> added = audit.subList(before, audit.size());
            assertEquals(recorded.size(), added.size(), "one record per recorded read, none for the others: " + added);
            ids.forEach((id, call) -> {
                JsonNode record = AuditLogView.one(added, id);
                assertEquals(List.of("GET", call.path().replaceFirst("\\?.*", ""), call.status(), call.username(),
                                call.detail(), "127.0.0.1"),
                        List.of(record.get("method").asText(), record.get("path").asText(), record.get("status").asInt(),
                                record.get("username").asText(), record.get("detail").asText(),
                                record.get("client").asText()), record.toString());
            });
            List<JsonNode> anonymous = AuditLogView.anonymous(admin);
            for (String id : quiet) {
                assertTrue(AuditLogView.withRequestId(audit, id).isEmpty(), id);
                assertTrue(AuditLogView.withRequestId(anonymous, id).isEmpty(), id);
            }
            assertEquals(ids.size() + quiet.size(), new TreeSet<>(concat(ids.keySet(), quiet)).size(),
                    "every response has its own request id");
            assertFalse(AuditLogView.everyLogFile(admin).contains("PRIVATE KEY"), "no key in any log");
        }
    }

    @Test
    void aLoggedInCallersFailedOrdinaryReadIsNotAudited() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            String viewer = admin.user("vera", "viewer");
            int before = AuditLogView.audit(admin).size();
            HttpResponse<String> missing = admin.call("GET", "/api/pools/nope", viewer, null);
            assertEquals(404, missing.statusCode(), missing.body());
            HttpResponse<String> badQuery = admin.call("GET", "/api/logs?limit=many", viewer, null);
            assertEquals(400, badQuery.statusCode(), badQuery.body());
            HttpResponse<String> unknown = admin.call("GET", "/api/nothing", viewer, null);
            assertEquals(404, unknown.statusCode(), unknown.body());
            List<JsonNode> audit = AuditLogView.audit(admin);
            assertEquals(List.of(), audit.subList(before, audit.size()), "ordinary reads of a viewer, refused or not");
        }
    }

    @Test
    void aUsersRepeatedRefusalsAreOneRecordAndOneSummaryAMinute() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            String viewer = admin.user("vera", "viewer");
            int before = AuditLogView.audit(admin).size();
            String firstId = null;
            String longPath = "/api/x" + "y".repeat(20_000);
            Map<String, Integer> statuses = new TreeMap<>();
            for (int i = 0; i < 200; i++) {
                HttpResponse<String> response = switch (i % 4) {
                    case 0 -> admin.call("GET", "/api/users", viewer, null);
                    case 1 -> admin.call("POST", "/api/pools", viewer, "{\"name\": \"p" + i + "\"}");
                    case 2 -> admin.call("POST", longPath, viewer, "{}");
                    default -> admin.call("DELETE", "/api/health", viewer, null);
                };
                assertTrue(response.statusCode() >= 400, response.statusCode() + " " + response.body());
                if (firstId == null) {
                    firstId = requestId(response);
                } else {
                    statuses.merge(Integer.toString(response.statusCode()), 1, Integer::sum);
                }
            }
            assertEquals(Map.of("403", 99, "404", 50, "405", 50), statuses);
            List<JsonNode> audit = AuditLogView.audit(admin);
            List<JsonNode> added = audit.subList(before, audit.size());
            assertEquals(1, added.size(), "only the first refusal of the minute, whole: " + added);
            assertEquals(firstId, added.get(0).get("request_id").asText());

            admin.clock.advance(Duration.ofSeconds(61));
            Await.until("the summary of the minute", Duration.ofSeconds(20),
                    () -> AuditLogView.audit(admin).size() > before + 1);
            audit = AuditLogView.audit(admin);
            JsonNode summary = audit.get(audit.size() - 1);
            assertEquals(List.of("refusals", "vera", "127.0.0.1", 199, JSON.valueToTree(statuses).toString()),
                    List.of(summary.get("kind").asText(), summary.get("username").asText(),
                            summary.get("client").asText(), summary.get("count").asInt(),
                            summary.get("statuses").toString()), summary.toString());
            assertEquals(4, summary.get("paths").size(), summary.toString());

            // From 20 addresses in one minute: whole first refusals from 16, the rest only counted.
            int mark = AuditLogView.audit(admin).size();
            for (int a = 1; a <= 20; a++) {
                for (int i = 0; i < 2; i++) {
                    RawHttp.Answer answer = RawHttp.send(admin, "127.0.3." + a, "POST " + longPath
                            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + viewer
                            + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    assertEquals(404, answer.status(), answer.body());
                }
            }
            List<JsonNode> wholes = AuditLogView.audit(admin).subList(mark, AuditLogView.audit(admin).size());
            assertEquals(Refusals.MAX_WHOLE_PER_USER, wholes.size(), "whole lines of one user in a minute");
            for (JsonNode whole : wholes) {
                assertEquals(io.balor.admin.http.AuditRecord.MAX_PATH + 3, whole.get("path").asText().length(), "a long path is cut");
            }
            admin.clock.advance(Duration.ofSeconds(61));
            Await.until("the summaries of the minute", Duration.ofSeconds(20),
                    () -> AuditLogView.audit(admin).size() >= mark + Refusals.MAX_WHOLE_PER_USER + 20);
            int counted = 0;
            List<JsonNode> all = AuditLogView.audit(admin);
            for (JsonNode line : all.subList(mark + Refusals.MAX_WHOLE_PER_USER, all.size())) {
                assertEquals("refusals", line.get("kind").asText(), line.toString());
                counted += line.get("count").asInt();
            }
            assertEquals(40 - Refusals.MAX_WHOLE_PER_USER, counted, "every refusal is whole or counted");
            for (String line : Files.readAllLines(AuditLogView.logs(admin).resolve("audit.log"))) {
                assertTrue(line.length() < 2_000, "no audit line is long: " + line.length());
            }
        }
    }

    @Test
    void aPoolChangeIsRecordedFieldByFieldBeforeAndAfter() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            String operator = admin.user("olga", "operator");
            HttpResponse<String> created = admin.call("POST", "/api/pools", operator,
                    "{\"name\": \"app\", \"upstreams\": [\"a=127.0.0.1:9 2\", \"127.0.0.1:11\"]}");
            assertEquals(201, created.statusCode(), created.body());
            HttpResponse<String> changed = admin.call("PUT", "/api/pools/app", operator,
                    "{\"name\": \"app\", \"upstreams\": [\"a=127.0.0.1:10 3\", \"127.0.0.1:11\"], \"host_header\": \"upstream\"}");
            assertEquals(200, changed.statusCode(), changed.body());
            HttpResponse<String> same = admin.call("PUT", "/api/pools/app", operator,
                    "{\"name\": \"app\", \"upstreams\": [\"a=127.0.0.1:10 3\", \"127.0.0.1:11\"], \"host_header\": \"upstream\"}");
            assertEquals(200, same.statusCode(), same.body());
            HttpResponse<String> deleted = admin.call("DELETE", "/api/pools/app", operator, null);
            assertEquals(204, deleted.statusCode(), deleted.body());

            List<JsonNode> audit = AuditLogView.audit(admin);
            JsonNode put = AuditLogView.one(audit, requestId(changed));
            assertEquals(List.of("olga", "operator", "PUT", "/api/pools/app", 200, "updated pool app"),
                    List.of(put.get("username").asText(), put.get("role").asText(), put.get("method").asText(),
                            put.get("path").asText(), put.get("status").asInt(), put.get("detail").asText()), put.toString());
            assertEquals(JSON.readTree("[{\"field\":\"upstreams[0].address\",\"before\":\"127.0.0.1:9\",\"after\":\"127.0.0.1:10\"},"
                            + "{\"field\":\"upstreams[0].weight\",\"before\":2,\"after\":3},"
                            + "{\"field\":\"host_header\",\"before\":null,\"after\":\"upstream\"}]"),
                    put.get("changes"), "only what differs, by field: " + put);

            assertEquals("[]", AuditLogView.one(audit, requestId(same)).get("changes").toString(),
                    "a PUT that changes nothing says so");
            JsonNode post = AuditLogView.one(audit, requestId(created));
            assertTrue(post.get("changes").toString().contains(
                    "{\"field\":\"upstreams[0].address\",\"before\":null,\"after\":\"127.0.0.1:9\"}"), post.toString());
            JsonNode delete = AuditLogView.one(audit, requestId(deleted));
            assertTrue(delete.get("changes").toString().contains(
                    "{\"field\":\"host_header\",\"before\":\"upstream\",\"after\":null}"), delete.toString());
            assertTrue(delete.get("changes").toString().contains(
                    "{\"field\":\"name\",\"before\":\"app\",\"after\":null}"), delete.toString());
        }
    }

    @Test
    void aPasswordChangeSaysOnlyThatTheHashChangedAndNoPasswordIsInAnyLog() throws Exception {
        List<String> passwords = List.of("first-Secret-pw-1", "second-Secret-pw-2", "wrong-Secret-pw-3", "third-Secret-pw-4");
        List<String> hashes = new ArrayList<>();
        try (AdminFixture admin = new AdminFixture(dir)) {
            HttpResponse<String> created = admin.call("POST", "/api/users", ADMIN_TOKEN,
                    "{\"username\": \"uma\", \"password\": \"" + passwords.get(0) + "\", \"role\": \"operator\"}");
            assertEquals(201, created.statusCode(), created.body());
            hashes.add(hash(admin, "uma"));
            admin.login("uma", passwords.get(0));
            HttpResponse<String> changed = admin.call("PUT", "/api/users/uma", ADMIN_TOKEN,
                    "{\"password\": \"" + passwords.get(1) + "\"}");
            assertEquals(200, changed.statusCode(), changed.body());
            hashes.add(hash(admin, "uma"));
            assertEquals(401, RawHttp.post(admin, "127.0.2.3", "/api/login",
                    "{\"username\": \"uma\", \"password\": \"" + passwords.get(2) + "\"}").status());
            String ann = admin.login("admin", ADMIN_PASSWORD);
            HttpResponse<String> both = admin.call("PUT", "/api/users/uma", ann,
                    "{\"password\": \"" + passwords.get(3) + "\", \"role\": \"viewer\"}");
            assertEquals(200, both.statusCode(), both.body());
            hashes.add(hash(admin, "uma"));
            admin.login("uma", passwords.get(3));
            assertEquals(3, new TreeSet<>(hashes).size(), "each change made a new hash: " + hashes);

            List<JsonNode> audit = AuditLogView.audit(admin);
            assertEquals(JSON.readTree("[{\"field\":\"password_hash\",\"before\":\"(secret)\",\"after\":\"(secret)\"}]"),
                    AuditLogView.one(audit, requestId(changed)).get("changes"));
            assertEquals(JSON.readTree("[{\"field\":\"role\",\"before\":\"operator\",\"after\":\"viewer\"},"
                            + "{\"field\":\"password_hash\",\"before\":\"(secret)\",\"after\":\"(secret)\"}]"),
                    AuditLogView.one(audit, requestId(both)).get("changes"));
            JsonNode creation = AuditLogView.one(audit, requestId(created));
            assertTrue(creation.get("changes").toString().contains(
                    "{\"field\":\"password_hash\",\"before\":null,\"after\":\"(secret)\"}"), creation.toString());
            assertTrue(audit.stream().anyMatch(r -> r.get("username").asText().equals("uma")
                    && r.get("detail").asText().equals("login")), "the logins are recorded");

            admin.close();   // the anonymous refusal's minute is written out
            String logs = AuditLogView.everyLogFile(admin);
            assertTrue(logs.contains("\"login\":\"uma\""), "the wrong password's login is in the anonymous audit");
            for (String secret : concat(passwords, hashes)) {
                assertFalse(logs.contains(secret), secret + " is in a log file");
            }
        }
    }

    @Test
    void anAnonymousFloodIsAFewLinesWithCountsAndNothingInAuditLog() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            admin.user("vera", "viewer");
            Path auditLog = AuditLogView.logs(admin).resolve("audit.log");
            byte[] audit = Files.readAllBytes(auditLog);

            Map<String, Map<String, Integer>> statuses = new TreeMap<>();
            Map<String, String> firstIds = new TreeMap<>();
            for (int i = 0; i < 300; i++) {
                answer(statuses, firstIds, "127.0.2.7", RawHttp.post(admin, "127.0.2.7", "/api/login",
                        "{\"username\": \"admin\", \"password\": \"guess-a-" + i + "\"}"));
                answer(statuses, firstIds, "127.0.2.8", RawHttp.post(admin, "127.0.2.8", "/api/login",
                        "{\"username\": \"root-" + (i % 3) + "\", \"password\": \"guess-b-" + i + "\"}"));
            }
            for (int i = 0; i < 100; i++) {
                answer(statuses, firstIds, "127.0.2.9", RawHttp.send(admin, "127.0.2.9",
                        "GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
            }
            for (int i = 0; i < 20; i++) {
                answer(statuses, firstIds, "127.0.2.9", RawHttp.send(admin, "127.0.2.9",
                        "GET /api/stats HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer " + ADMIN_TOKEN
                                + "\r\nConnection: close\r\n\r\n"));
            }
            assertEquals(Map.of("401", 100, "421", 20), statuses.get("127.0.2.9"));
            assertTrue(statuses.values().stream().allMatch(s -> s.keySet().stream().allMatch(k -> k.compareTo("400") >= 0)),
                    "every one refused: " + statuses);

            List<JsonNode> firsts = AuditLogView.anonymous(admin);
            assertEquals(3, firsts.size(), "the first refusal of each address, whole, at once: " + firsts);
            for (JsonNode first : firsts) {
                String client = first.get("client").asText();
                assertEquals(firstIds.get(client), first.get("request_id").asText(), first.toString());
                assertEquals("-", first.get("username").asText(), first.toString());
            }
            assertEquals("admin", firsts.get(0).get("login").asText(), firsts.get(0).toString());
            assertEquals("root-0", firsts.get(1).get("login").asText(), firsts.get(1).toString());
            assertEquals("/api/stats", firsts.get(2).get("path").asText(), firsts.get(2).toString());

            admin.clock.advance(Duration.ofSeconds(61));
            Await.until("the summaries of the minute, by the audit's own flush", Duration.ofSeconds(20),
                    () -> AuditLogView.anonymous(admin).size() > 3);
            List<JsonNode> lines = AuditLogView.anonymous(admin);
            assertEquals(6, lines.size(), "three whole records and three summaries: " + lines);
            Map<String, Integer> counted = new TreeMap<>();
            for (JsonNode summary : lines.subList(3, 6)) {
                assertEquals("refusals", summary.get("kind").asText(), summary.toString());
                String client = summary.get("client").asText();
                Map<String, Integer> expected = new TreeMap<>(statuses.get(client));
                String firstStatus = Integer.toString(firsts.stream().filter(f -> f.get("client").asText().equals(client))
                        .findFirst().orElseThrow().get("status").asInt());
                expected.merge(firstStatus, -1, Integer::sum);
                expected.values().removeIf(n -> n == 0);
                Map<String, Integer> written = new TreeMap<>();
                summary.get("statuses").fields().forEachRemaining(e -> written.put(e.getKey(), e.getValue().asInt()));
                assertEquals(expected, written, "statuses of " + client + " beyond its first: " + summary);
                int count = summary.get("count").asInt();
                assertEquals(written.values().stream().mapToInt(Integer::intValue).sum(), count, summary.toString());
                counted.put(client, count + 1);
            }
            assertEquals(Map.of("127.0.2.7", 300, "127.0.2.8", 300, "127.0.2.9", 120), counted,
                    "whole records and summaries add up to every refusal");
            JsonNode second = lines.stream().filter(l -> l.path("client").asText().equals("127.0.2.8")
                    && l.has("kind")).findFirst().orElseThrow();
            assertEquals("[\"root-1\",\"root-2\",\"root-0\"]", second.get("logins").toString(), second.toString());
            JsonNode third = lines.stream().filter(l -> l.path("client").asText().equals("127.0.2.9")
                    && l.has("kind")).findFirst().orElseThrow();
            assertEquals("[\"/api/stats\"]", third.get("paths").toString(), third.toString());
            assertEquals("[]", third.get("logins").toString(), third.toString());

            admin.close();
            assertEquals(lines.size(), AuditLogView.anonymous(admin).size(), "nothing was left to write at close");
            assertArrayEquals(audit, Files.readAllBytes(auditLog), "anonymous refusals add nothing to audit.log");
            assertFalse(AuditLogView.everyLogFile(admin).contains("guess-"), "no password anywhere");
            System.out.println("AuditTrailApiTest: 720 anonymous refusals " + statuses + " wrote " + lines.size()
                    + " lines to audit-anonymous.log");
        }
    }

    // ---- helpers

    private static void answer(Map<String, Map<String, Integer>> statuses, Map<String, String> firstIds, String client,
                               RawHttp.Answer answer) {
        statuses.computeIfAbsent(client, c -> new TreeMap<>()).merge(Integer.toString(answer.status()), 1, Integer::sum);
        String id = answer.header("X-Request-Id");
        assertTrue(id != null && id.matches("[0-9a-f]{16}"), "X-Request-Id " + id);
        firstIds.putIfAbsent(client, id);
    }

    private static String requestId(HttpResponse<String> response) {
        String id = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertTrue(id.matches("[0-9a-f]{16}"), id);
        return id;
    }

    /** {@code user}'s password hash as the state file holds it. */
    private static String hash(AdminFixture admin, String user) throws Exception {
        for (JsonNode entry : StateFileView.root(admin).get("users")) {
            if (entry.get("username").asText().equals(user)) {
                return entry.get("password_hash").asText();
            }
        }
        throw new AssertionError("no user " + user + " in the state file");
    }

    private static List<String> concat(java.util.Collection<String> a, java.util.Collection<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
