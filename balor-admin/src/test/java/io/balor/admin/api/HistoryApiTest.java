package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.admin.state.ChangeHistory;
import io.balor.admin.state.SecretHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /api/history} end to end: each change through the API is a version with who, what and a
 * field diff; a refused one is none; a rollback makes an old version run again (a listener comes
 * back, or goes, on its real port), is a version of its own, and is refused with 409 and nothing
 * changed when the version's address is taken; 404s; viewers read but do not roll back.
 */
class HistoryApiTest {

    private static final String TOKEN = AdminFixture.ADMIN_TOKEN;

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<JsonNode> history(AdminFixture admin, String token) throws Exception {
        HttpResponse<String> response = admin.call("GET", "/api/history", token, null);
        assertEquals(200, response.statusCode(), response.body());
        List<JsonNode> list = new ArrayList<>();
        AdminFixture.json(response).forEach(list::add);
        return list;
    }

    private static JsonNode call(AdminFixture admin, String method, String path, String token, String body, int status)
            throws Exception {
        HttpResponse<String> response = admin.call(method, path, token, body);
        assertEquals(status, response.statusCode(), method + " " + path + ": " + response.body());
        return response.body().isEmpty() ? null : AdminFixture.json(response);
    }

    /** Pool {@code app} and TCP listener {@code web} on it at {@code port}, made by {@code token}'s user. */
    private static void webOn(AdminFixture admin, String token, int port) throws Exception {
        call(admin, "POST", "/api/pools", token, "{\"name\": \"app\", \"upstreams\": [\"127.0.0.1:9\"]}", 201);
        call(admin, "POST", "/api/listeners", token, "{\"name\": \"web\", \"listen\": \"127.0.0.1:" + port
                + "\", \"pool\": \"app\"}", 201);
    }

    private static List<String> paths(JsonNode version) {
        List<String> paths = new ArrayList<>();
        version.path("diff").forEach(change -> paths.add(change.path("path").asText()));
        return paths;
    }

    @Test
    void eachChangeIsAVersionWithWhoWhatAndAFieldDiff() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            String operator = admin.user("hist-op", "operator");
            int port = freePort();
            webOn(admin, operator, port);
            call(admin, "PUT", "/api/pools/app", operator,
                    "{\"name\": \"app\", \"upstreams\": [\"127.0.0.1:9\", \"127.0.0.1:10\"]}", 200);
            call(admin, "POST", "/api/listeners/web/drain", operator, null, 200);
            call(admin, "DELETE", "/api/listeners/web", operator, null, 204);

            List<JsonNode> list = history(admin, operator);
            assertEquals(List.of("deleted listener web", "drained listener web", "updated pool app",
                            "created listener web", "created pool app", "the state file's config when the history began"),
                    list.stream().map(v -> v.path("summary").asText()).toList());
            assertEquals("hist-op", list.get(0).path("by").asText());
            assertEquals(ChangeHistory.STATE_FILE, list.get(5).path("by").asText());
            assertTrue(list.get(0).path("at").asText().endsWith("Z"), list.get(0).toString());
            assertEquals(1, list.get(2).path("changed").asInt(), list.get(2).toString());
            JsonNode limited = call(admin, "GET", "/api/history?limit=2", operator, null, 200);
            assertEquals(2, limited.size());
            assertEquals(list.get(0).path("id"), limited.get(0).path("id"));

            long update = list.get(2).path("id").asLong();
            JsonNode updated = call(admin, "GET", "/api/history/" + update, operator, null, 200);
            assertEquals("updated pool app", updated.path("summary").asText());
            assertEquals(update - 1, updated.path("diff_from").asLong());
            assertEquals(List.of("pools[app].upstreams[1]"), paths(updated));
            assertTrue(updated.path("diff").get(0).path("before").isNull());
            assertEquals("127.0.0.1:10", updated.path("diff").get(0).path("after").path("address").asText());
            assertEquals(2, updated.path("config").path("pools").get(0).path("upstreams").size());
            assertEquals("127.0.0.1:" + port, updated.path("config").path("listeners").get(0).path("listen").asText());

            JsonNode drained = call(admin, "GET", "/api/history/" + list.get(1).path("id").asLong(), operator, null, 200);
            assertEquals(List.of("listeners[web].enabled"), paths(drained));
            JsonNode deleted = call(admin, "GET", "/api/history/" + list.get(0).path("id").asLong(), operator, null, 200);
            assertEquals(List.of("listeners[web]"), paths(deleted));
            assertTrue(deleted.path("diff").get(0).path("after").isNull());
            assertEquals("web", deleted.path("diff").get(0).path("before").path("name").asText());

            // compare: from the first version (nothing) straight to the update
            long first = list.get(5).path("id").asLong();
            JsonNode compared = call(admin, "GET", "/api/history/" + update + "?compare=" + first, operator, null, 200);
            assertEquals(first, compared.path("diff_from").asLong());
            assertEquals(List.of("listeners[web]", "pools[app]"), paths(compared));
            JsonNode oldest = call(admin, "GET", "/api/history/" + first, operator, null, 200);
            assertTrue(oldest.path("diff_from").isNull());
            assertEquals(List.of(), paths(oldest), "an empty state file: nothing against nothing");
        }
    }

    @Test
    void aRefusedChangeRecordsNothingAndUsersNeverReachTheHistory() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            call(admin, "POST", "/api/pools", TOKEN, "{\"name\": \"app\", \"upstreams\": [\"127.0.0.1:9\"]}", 201);
            int before = history(admin, TOKEN).size();
            call(admin, "POST", "/api/listeners", TOKEN, "{\"name\": \"bad\", \"listen\": \"nowhere\", \"pool\": \"app\"}", 400);
            try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                call(admin, "POST", "/api/listeners", TOKEN, "{\"name\": \"busy\", \"listen\": \"127.0.0.1:"
                        + taken.getLocalPort() + "\", \"pool\": \"app\"}", 409);
            }
            admin.user("hist-viewer", "viewer");   // a users change: saved, not a version
            assertEquals(before, history(admin, TOKEN).size());

            String hash = admin.store.current().extras().get("users").get(0).path("password_hash").asText();
            assertFalse(hash.isEmpty());
            try (Stream<Path> files = Files.list(ChangeHistory.directory(admin.store.file()))) {
                for (Path file : files.toList()) {
                    String text = Files.readString(file, StandardCharsets.UTF_8);
                    assertFalse(text.contains(hash), file + " holds the admin's hash");
                    assertFalse(text.contains("password_hash") || text.contains("hist-viewer"), file + " holds users");
                }
            }
        }
    }

    @Test
    void aRollbackBringsADeletedListenerBackAndIsAVersionOfItsOwn() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            String operator = admin.user("roll-op", "operator");
            int port = freePort();
            webOn(admin, TOKEN, port);
            long withWeb = admin.store.history().newest().id();
            Await.until("web accepts on " + port, () -> accepts(port));
            call(admin, "DELETE", "/api/listeners/web", TOKEN, null, 204);
            Await.until("web stops accepting on " + port, () -> !accepts(port));

            JsonNode rolled = call(admin, "POST", "/api/history/" + withWeb + "/rollback", operator, null, 200);
            assertEquals("rollback to version " + withWeb, rolled.path("summary").asText());
            assertEquals("roll-op", rolled.path("by").asText());
            assertFalse(rolled.path("unchanged").asBoolean());
            assertEquals(withWeb + 2, rolled.path("id").asLong());
            assertEquals(1, rolled.path("changed").asInt());
            Await.until("web accepts again on " + port, () -> accepts(port));
            assertEquals(rolled.path("id"), history(admin, operator).get(0).path("id"));

            // the same again: it is the running config, nothing changes and no version is added
            JsonNode again = call(admin, "POST", "/api/history/" + withWeb + "/rollback", operator, "{}", 200);
            assertTrue(again.path("unchanged").asBoolean(), again.toString());
            assertTrue(again.path("id").isNull());
            assertEquals(rolled.path("id"), history(admin, operator).get(0).path("id"));

            // back before web was made: it goes
            JsonNode removed = call(admin, "POST", "/api/history/" + (withWeb - 1) + "/rollback", operator, null, 200);
            assertEquals("rollback to version " + (withWeb - 1), removed.path("summary").asText());
            Await.until("web stops accepting on " + port, () -> !accepts(port));
            assertEquals(404, admin.call("GET", "/api/listeners/web", operator, null).statusCode());
        }
    }

    @Test
    void aRollbackToAnAddressNowTakenIs409AndChangesNothing() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = held.getLocalPort();
                held.close();
                webOn(admin, TOKEN, port);
                long withWeb = admin.store.history().newest().id();
                call(admin, "DELETE", "/api/listeners/web", TOKEN, null, 204);
                Await.until("web stops accepting on " + port, () -> !accepts(port));
                try (ServerSocket taken = new ServerSocket()) {
                    taken.bind(new InetSocketAddress("127.0.0.1", port));
                    String stateBefore = Files.readString(admin.store.file());
                    int versions = history(admin, TOKEN).size();
                    JsonNode refused = call(admin, "POST", "/api/history/" + withWeb + "/rollback", TOKEN, null, 409);
                    assertEquals("listeners[0].listen", refused.path("problems").get(0).path("field").asText(),
                            refused.toString());
                    assertEquals(stateBefore, Files.readString(admin.store.file()));
                    assertEquals(versions, history(admin, TOKEN).size());
                    assertEquals(404, admin.call("GET", "/api/listeners/web", TOKEN, null).statusCode());
                }
            }
        }
    }

    @Test
    void unknownVersionsAre404AndViewersMayReadButNotRollBack() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            String viewer = admin.user("hist-viewer", "viewer");
            JsonNode missing = call(admin, "GET", "/api/history/999", viewer, null, 404);
            assertTrue(missing.path("hint").asText().contains("GET /api/history"), missing.toString());
            call(admin, "GET", "/api/history/abc", viewer, null, 404);
            call(admin, "GET", "/api/history/1?compare=999", viewer, null, 404);
            call(admin, "POST", "/api/history/999/rollback", TOKEN, null, 404);
            call(admin, "GET", "/api/history/1", viewer, null, 200);
            call(admin, "POST", "/api/history/1/rollback", viewer, null, 403);
            call(admin, "POST", "/api/history/1/rollback", TOKEN, "{\"to\": 2}", 400);
        }
    }

    @Test
    void aRedactedHeaderKeepsItsRunningValueOrIsRefused() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            String check = ", \"health_check\": {\"type\": \"http\", \"path\": \"/\", \"headers\": "
                    + "{\"Authorization\": \"Bearer s3cret\", \"X-Probe\": \"one\"}}}";
            call(admin, "POST", "/api/pools", TOKEN, "{\"name\": \"app\", \"upstreams\": [\"127.0.0.1:9\"]" + check, 201);
            long first = admin.store.history().newest().id();
            JsonNode stored = call(admin, "GET", "/api/history/" + first, TOKEN, null, 200);
            assertEquals(SecretHeaders.REDACTED, stored.path("config").path("pools").get(0).path("health_check")
                    .path("headers").path("Authorization").asText());
            call(admin, "PUT", "/api/pools/app", TOKEN, "{\"name\": \"app\", \"upstreams\": [\"127.0.0.1:10\"]"
                    + check.replace("one", "two"), 200);
            call(admin, "POST", "/api/history/" + first + "/rollback", TOKEN, null, 200);
            JsonNode headers = StateFileView.item(admin, "pools", "app").path("health_check").path("headers");
            assertEquals("Bearer s3cret", headers.path("Authorization").asText(), "the running value kept");
            assertEquals("one", headers.path("X-Probe").asText());
            assertEquals(io.balor.admin.auth.Principal.ADMIN_TOKEN, history(admin, TOKEN).get(0).path("by").asText());
            assertTrue(admin.server.recentAudit().stream().anyMatch(r -> ("rollback to version " + first)
                    .equals(r.detail()) && r.status() == 200), "audited");

            call(admin, "PUT", "/api/pools/app", TOKEN, "{\"name\": \"app\", \"upstreams\": [\"127.0.0.1:10\"]}", 200);
            String stateBefore = Files.readString(admin.store.file());
            JsonNode refused = call(admin, "POST", "/api/history/" + first + "/rollback", TOKEN, null, 409);
            assertEquals("pools[0].health_check.headers.Authorization", refused.path("field").asText(), refused.toString());
            assertEquals(stateBefore, Files.readString(admin.store.file()));
        }
    }
}
