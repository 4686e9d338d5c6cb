package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.config.HealthCheckConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static io.balor.admin.api.AdminFixture.ADMIN_TOKEN;
import static io.balor.admin.api.AdminFixture.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Script health checks through the admin API (issue 11), with real programs run by a real Balor:
 * without {@code BALOR_HEALTH_SCRIPT_DIR} none can be made (400 at {@code health_check.command[0]}
 * naming the setting); with it, only an executable regular file inside that directory may run
 * (a shell line, {@code ../}, an absolute path outside, a link leading outside, a file that is not
 * executable or not a file are 400 even for an admin), and only an admin may make or change one
 * (403 for an operator, who may still edit the rest of a pool whose check stays the same, or remove
 * the check). An accepted check really runs, with the upstream's address and port as its last
 * arguments; a refused one never runs, and the shell attack of the issue writes no file anywhere.
 * The admin's change is in {@code audit.log} with the command among its fields. When the
 * directory is a symbolic link, a program named relative to it or by its real path runs.
 */
class ScriptChecksApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where no upstream listens: a script check does not connect, it only gets the address. */
    private static final String UPSTREAM = "127.0.0.1:61234";

    @TempDir
    Path dir;

    /** The directory of check programs (BALOR_HEALTH_SCRIPT_DIR). */
    private Path scripts;
    /** What {@code check.sh} appends its arguments to, one line per run. */
    private Path marker;
    /** {@code check.sh} in {@link #scripts}: records its arguments in {@link #marker}, exits 0. */
    private Path check;

    @BeforeEach
    void makeScripts() throws Exception {
        scripts = Files.createDirectories(dir.resolve("scripts"));
        marker = dir.resolve("marker.txt");
        check = program(scripts.resolve("check.sh"), marker);
    }

    @Test
    void withoutAScriptDirectoryNoScriptCheckCanBeMade() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            byte[] file = StateFileView.bytes(admin);
            for (String program : List.of(check.toString(), "/bin/true")) {
                HttpResponse<String> refused = admin.call("POST", "/api/pools", ADMIN_TOKEN,
                        pool("p1", UPSTREAM, scriptCheck(program)));
                assertEquals(400, refused.statusCode(), refused.body());
                assertEquals("health_check.command[0]", json(refused).get("field").asText(), refused.body());
                assertTrue(json(refused).get("error").asText().contains("BALOR_HEALTH_SCRIPT_DIR"), refused.body());
                assertTrue(problemFields(refused).contains("health_check.command[0]"), refused.body());
            }
            assertArrayEquals(file, StateFileView.bytes(admin), "nothing saved");
            assertEquals(404, admin.call("GET", "/api/pools/p1", ADMIN_TOKEN, null).statusCode());
            assertNull(admin.balor.config().pool("p1"), "nothing runs");

            // A pool without a script check is still made: the refusal was the check's.
            admin.create("/api/pools", pool("p1", UPSTREAM, null));
            assertFalse(Files.exists(marker), "check.sh never ran");
        }
    }

    @Test
    void onlyAnAdminMakesAScriptCheckAndItRunsWithTheUpstreamsAddress() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir, scripts)) {
            String operator = admin.user("olga", "operator");
            String body = pool("p1", UPSTREAM, scriptCheck(check.toString(), "--deep"));
            byte[] file = StateFileView.bytes(admin);

            HttpResponse<String> refused = admin.call("POST", "/api/pools", operator, body);
            assertEquals(403, refused.statusCode(), refused.body());
            assertEquals("health_check", json(refused).get("field").asText(), refused.body());
            assertTrue(json(refused).get("error").asText().contains("admin role"), refused.body());
            assertArrayEquals(file, StateFileView.bytes(admin), "nothing saved");
            assertEquals(404, admin.call("GET", "/api/pools/p1", operator, null).statusCode());
            assertNull(admin.balor.config().pool("p1"), "nothing runs");

            HttpResponse<String> created = admin.call("POST", "/api/pools", ADMIN_TOKEN, body);
            assertEquals(201, created.statusCode(), created.body());
            StateFileView.assertSaved(admin, "pools", json(created));
            Await.until("check.sh ran with the upstream's address and port", () -> Files.exists(marker)
                    && Files.readAllLines(marker).contains("--deep 127.0.0.1 61234"));
            assertEquals(List.of("--deep 127.0.0.1 61234"), Files.readAllLines(marker).stream().distinct().toList(),
                    "only the admin's check ran, never the operator's refused one (same arguments)");
            Await.until("the pool's health says checked and up (exit 0)", () -> {
                JsonNode health = json(admin.call("GET", "/api/pools/p1", operator, null)).get("upstream_health").get(0);
                return health.get("checked").asBoolean() && health.get("up").asBoolean();
            });

            // The audit: the operator's refusal and the admin's change, with the command among its fields.
            List<JsonNode> audit = AuditLogView.audit(admin);
            JsonNode forbidden = AuditLogView.one(audit, refused.headers().firstValue("X-Request-Id").orElseThrow());
            assertEquals(List.of("olga", "POST", "/api/pools", 403), List.of(forbidden.get("username").asText(),
                    forbidden.get("method").asText(), forbidden.get("path").asText(), forbidden.get("status").asInt()));
            JsonNode record = AuditLogView.one(audit, created.headers().firstValue("X-Request-Id").orElseThrow());
            assertEquals("BALOR_ADMIN_TOKEN", record.get("username").asText(), record.toString());
            assertEquals(201, record.get("status").asInt(), record.toString());
            assertTrue(record.get("changes").toString().contains(
                    "{\"field\":\"health_check.command[0]\",\"before\":null,\"after\":\"" + check + "\"}"), record.toString());
            assertTrue(record.get("changes").toString().contains(
                    "{\"field\":\"health_check.command[1]\",\"before\":null,\"after\":\"--deep\"}"), record.toString());
            assertTrue(record.get("changes").toString().contains(
                    "{\"field\":\"health_check.type\",\"before\":null,\"after\":\"script\"}"), record.toString());
        }
    }

    @Test
    void anOperatorEditsAroundAnUnchangedCheckAndMayRemoveItButNotChangeIt() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir, scripts)) {
            String operator = admin.user("olga", "operator");
            String deep = scriptCheck(check.toString(), "--deep");
            admin.create("/api/pools", pool("p1", UPSTREAM, deep));
            Await.until("check.sh ran", () -> Files.exists(marker));

            HttpResponse<String> moved = admin.call("PUT", "/api/pools/p1", operator, pool("p1", "127.0.0.1:61235", deep));
            assertEquals(200, moved.statusCode(), "the check is the same; the upstreams are the operator's: " + moved.body());
            StateFileView.assertSaved(admin, "pools", json(moved));
            Await.until("the same check runs against the new upstream", () -> Files.readAllLines(marker)
                    .contains("--deep 127.0.0.1 61235"));

            byte[] file = StateFileView.bytes(admin);
            HealthCheckConfig running = admin.balor.config().pool("p1").healthCheck();
            List<String> changes = List.of(
                    scriptCheck(check.toString(), "--shallow"),                 // other arguments
                    scriptCheck("check.sh", "--deep"),                          // the same file, named otherwise
                    "{\"type\": \"script\", \"interval_ms\": 60000, \"command\": [\"" + check + "\", \"--deep\"]}");
            for (String changed : changes) {
                HttpResponse<String> refused = admin.call("PUT", "/api/pools/p1", operator,
                        pool("p1", "127.0.0.1:61235", changed));
                assertEquals(403, refused.statusCode(), changed + ": " + refused.body());
                assertEquals("health_check", json(refused).get("field").asText(), refused.body());
            }
            assertArrayEquals(file, StateFileView.bytes(admin), "refusals change nothing");
            assertEquals(running, admin.balor.config().pool("p1").healthCheck());

            HttpResponse<String> removed = admin.call("PUT", "/api/pools/p1", operator, pool("p1", "127.0.0.1:61235", null));
            assertEquals(200, removed.statusCode(), "removing a script check takes nothing from anyone: " + removed.body());
            assertNull(json(removed).get("health_check"), removed.body());
            assertNull(StateFileView.item(admin, "pools", "p1").get("health_check"), "saved without it");
            assertNull(admin.balor.config().pool("p1").healthCheck(), "and no longer running");

            HttpResponse<String> readded = admin.call("PUT", "/api/pools/p1", operator, pool("p1", "127.0.0.1:61235", deep));
            assertEquals(403, readded.statusCode(), "putting it back is making one: " + readded.body());
            HttpResponse<String> byAdmin = admin.call("PUT", "/api/pools/p1", admin.login("admin", AdminFixture.ADMIN_PASSWORD),
                    pool("p1", "127.0.0.1:61235", scriptCheck(check.toString(), "--shallow")));
            assertEquals(200, byAdmin.statusCode(), "an admin (logged in) may: " + byAdmin.body());
            Await.until("the admin's changed check runs", () -> Files.readAllLines(marker)
                    .contains("--shallow 127.0.0.1 61235"));
        }
    }

    @Test
    void aProgramOutsideTheDirectoryIsRefusedEvenForAnAdmin() throws Exception {
        Path escapeMarker = dir.resolve("escaped.txt");
        Path outside = program(dir.resolve("escape.sh"), escapeMarker);
        Files.createSymbolicLink(scripts.resolve("link.sh"), outside);
        Files.writeString(scripts.resolve("plain.sh"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(scripts.resolve("plain.sh"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.createDirectories(scripts.resolve("sub"));
        try (AdminFixture admin = new AdminFixture(dir, scripts)) {
            byte[] file = StateFileView.bytes(admin);
            String inside = "must be a program inside";
            List<List<String>> cases = List.of(
                    List.of(inside, "/bin/sh", "-c", "id > f"),
                    List.of(inside, "../escape.sh"),
                    List.of(inside, outside.toString()),
                    List.of(inside, scripts.resolve("../escape.sh").toString()),
                    List.of(inside, scripts.toString()),
                    List.of(inside, "."),
                    List.of("is a link to a file outside it", "link.sh"),
                    List.of("is a link to a file outside it", scripts.resolve("link.sh").toString()),
                    List.of("is not executable", "plain.sh"),
                    List.of("is not a regular file", "sub"),
                    List.of("there is no program", "missing.sh"));
            for (List<String> c : cases) {
                List<String> command = c.subList(1, c.size());
                HttpResponse<String> refused = admin.call("POST", "/api/pools", ADMIN_TOKEN,
                        pool("p1", UPSTREAM, scriptCheck(command.toArray(String[]::new))));
                assertEquals(400, refused.statusCode(), command + ": " + refused.body());
                assertEquals("health_check.command[0]", json(refused).get("field").asText(), command + ": " + refused.body());
                assertTrue(json(refused).get("error").asText().contains(c.get(0)), command + ": " + refused.body());
            }
            assertArrayEquals(file, StateFileView.bytes(admin), "nothing saved");
            assertNull(admin.balor.config().pool("p1"));

            // A program inside, named relative to the directory, is taken and runs; by then none of the
            // refused ones has (escape.sh would have written its marker).
            admin.create("/api/pools", pool("p1", UPSTREAM, scriptCheck("check.sh")));
            Await.until("check.sh ran", () -> Files.exists(marker) && Files.readAllLines(marker).contains("127.0.0.1 61234"));
            assertFalse(Files.exists(escapeMarker), "escape.sh never ran");
        }
    }

    @Test
    void theShellAttackOfTheIssueIsRefusedAndWritesNothing() throws Exception {
        String attack = "{\"name\": \"pwn\", \"upstreams\": [\"" + UPSTREAM + "\"], \"health_check\": {\"type\": \"script\", "
                + "\"interval_ms\": 50, \"command\": [\"/bin/sh\", \"-c\", \"id > f; head -c 300 state.json >> f\"]}}";
        List<Path> places = List.of(Path.of("f").toAbsolutePath(), dir.resolve("f"), scripts.resolve("f"),
                dir.resolve("data/f"));
        for (Path place : places) {
            assertFalse(Files.exists(place), "no " + place + " before the test");
        }
        try (AdminFixture off = new AdminFixture(dir.resolve("off"))) {
            String operator = off.user("olga", "operator");
            HttpResponse<String> refused = off.call("POST", "/api/pools", operator, attack);
            assertEquals(403, refused.statusCode(), "an operator may not make one: " + refused.body());
            HttpResponse<String> off400 = off.call("POST", "/api/pools", ADMIN_TOKEN, attack);
            assertEquals(400, off400.statusCode(), "script checks are off: " + off400.body());
            assertEquals("health_check.command[0]", json(off400).get("field").asText(), off400.body());
        }
        try (AdminFixture admin = new AdminFixture(dir, scripts)) {
            String operator = admin.user("olga", "operator");
            byte[] file = StateFileView.bytes(admin);
            HttpResponse<String> forbidden = admin.call("POST", "/api/pools", operator, attack);
            assertEquals(403, forbidden.statusCode(), "the role is checked first: " + forbidden.body());
            assertFalse(forbidden.body().contains(scripts.toString()), "an operator learns nothing of the directory");
            for (String token : List.of(ADMIN_TOKEN)) {
                // /bin/sh is no program of the directory, whoever asks.
                HttpResponse<String> refused = admin.call("POST", "/api/pools", token, attack);
                assertEquals(400, refused.statusCode(), refused.body());
                assertEquals("health_check.command[0]", json(refused).get("field").asText(), refused.body());
                assertTrue(json(refused).get("error").asText().contains("must be a program inside"), refused.body());
                assertFalse(refused.body().contains("uid="), refused.body());
            }
            assertArrayEquals(file, StateFileView.bytes(admin), "nothing saved");
            assertNull(admin.balor.config().pool("pwn"), "nothing runs");

            // A check that is allowed runs meanwhile: had the attack been taken, its shell would have run by now too.
            admin.create("/api/pools", pool("p1", UPSTREAM, scriptCheck(check.toString())));
            Await.until("check.sh ran", () -> Files.exists(marker) && Files.readAllLines(marker).size() >= 2);
        }
        for (Path place : places) {
            assertFalse(Files.exists(place), place + " was written");
        }
        assertFalse(Files.readString(dir.resolve("data/balor_state.json")).contains("id > f"));
    }

    @Test
    void throughALinkedDirectoryAProgramNamedByItsRealPathOrRelativelyRuns() throws Exception {
        Path linked = Files.createSymbolicLink(dir.resolve("checks"), scripts);
        try (AdminFixture admin = new AdminFixture(dir, linked)) {
            admin.create("/api/pools", pool("p1", UPSTREAM, scriptCheck("check.sh", "--relative")));
            admin.create("/api/pools", pool("p2", UPSTREAM, scriptCheck(check.toString(), "--real")));
            Await.until("both checks ran", () -> Files.exists(marker) && Files.readAllLines(marker)
                    .containsAll(List.of("--relative 127.0.0.1 61234", "--real 127.0.0.1 61234")));
        }
    }

    @Test
    void throughALinkedDirectoryAProgramNamedByTheConfiguredPathRuns() throws Exception {
        Path linked = Files.createSymbolicLink(dir.resolve("checks"), scripts);
        try (AdminFixture admin = new AdminFixture(dir, linked)) {
            HttpResponse<String> created = admin.call("POST", "/api/pools", ADMIN_TOKEN,
                    pool("p1", UPSTREAM, scriptCheck(linked.resolve("check.sh").toString(), "--configured")));
            assertEquals(201, created.statusCode(), "HealthScripts: an absolute path that resolves, links followed, to"
                    + " an executable inside the directory's real path: " + created.body());
            Await.until("the check ran", () -> Files.exists(marker)
                    && Files.readAllLines(marker).contains("--configured 127.0.0.1 61234"));
        }
    }

    // ---- helpers

    /** An executable {@code #!/bin/sh} program at {@code file} that appends its arguments to {@code output} and exits 0. */
    private static Path program(Path file, Path output) throws Exception {
        Files.writeString(file, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + output + "'\nexit 0\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    /** A pool body with one upstream and {@code healthCheck} (JSON, null: none). */
    private static String pool(String name, String upstream, String healthCheck) throws Exception {
        ObjectNode pool = JSON.createObjectNode().put("name", name);
        pool.putArray("upstreams").add(upstream);
        if (healthCheck != null) {
            pool.set("health_check", JSON.readTree(healthCheck));
        }
        return pool.toString();
    }

    /** A script check of {@code command} run every 50 ms. */
    private static String scriptCheck(String... command) {
        ObjectNode check = JSON.createObjectNode().put("type", "script").put("interval_ms", 50).put("timeout_ms", 5000);
        ArrayNode list = check.putArray("command");
        for (String part : command) {
            list.add(part);
        }
        return check.toString();
    }

    private static List<String> problemFields(HttpResponse<String> response) throws Exception {
        List<String> fields = new ArrayList<>();
        for (JsonNode problem : json(response).path("problems")) {
            fields.add(problem.get("field").asText());
        }
        return fields;
    }
}
