package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.LoopHealth;
import io.balor.admin.http.ApiResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static io.balor.admin.api.AdminFixture.ADMIN_TOKEN;
import static io.balor.admin.api.AdminFixture.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /api/health}, {@code /api/version}, {@code /api/stats}, {@code /metrics} and
 * {@code /api/admin/console} over real HTTP: who may call them, that stats and metrics count real
 * traffic, and that the console settings are checked, saved and said to need a restart.
 */
class SystemApiTest {

    @TempDir
    Path dir;

    @Test
    void healthAndVersionArePublic() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            HttpResponse<String> health = admin.call("GET", "/api/health", null, null);
            assertEquals(200, health.statusCode());
            assertEquals("ok", json(health).get("status").asText());
            assertEquals("running", json(health).get("loops").get(0).get("state").asText(), health.body());
            HttpResponse<String> version = admin.call("GET", "/api/version", null, null);
            assertEquals(200, version.statusCode());
            assertEquals(AdminContext.API_VERSION, json(version).get("api_version").asText());
            assertEquals(AdminContext.API_VERSION, json(version).get("ui_version").asText());
            assertEquals("test", json(version).get("build").asText());
            assertEquals(200, admin.call("GET", "/api/health", "not-a-token", null).statusCode(),
                    "a bad token does not spoil a public route");
            assertEquals(405, admin.call("POST", "/api/health", ADMIN_TOKEN, "{}").statusCode());
        }
    }

    @Test
    void statsAndMetricsCountRealTraffic() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir); TestUpstream upstream = new TestUpstream()) {
            String viewer = admin.user("vera", "viewer");
            assertEquals(401, admin.call("GET", "/api/stats", null, null).statusCode());
            JsonNode web = admin.webListener(upstream.address());
            admin.create("/api/listeners", "{\"name\": \"off\", \"listen\": \"127.0.0.1:0\", \"pool\": \"app\", "
                    + "\"enabled\": false}");
            int port = Downstream.port(web.get("bound").asText());
            for (int i = 0; i < 3; i++) {
                assertEquals(200, Downstream.get(port, "/counted").statusCode());
            }

            Await.until("the three requests counted", () -> json(admin.call("GET", "/api/stats", viewer, null))
                    .get("requests_total").asLong() == 3);
            HttpResponse<String> stats = admin.call("GET", "/api/stats", viewer, null);
            assertEquals(200, stats.statusCode(), stats.body());
            JsonNode node = json(stats);
            assertEquals(2, node.get("listeners").asInt(), stats.body());
            assertEquals(1, node.get("listeners_enabled").asInt(), stats.body());
            assertEquals(1, node.get("pools").asInt(), stats.body());
            assertEquals(1, node.get("runtimes").asInt(), "a disabled listener does not run: " + stats.body());
            assertTrue(node.get("connections_total").asLong() >= 1, stats.body());
            assertEquals(admin.balor.generation(), node.get("generation").asLong());
            JsonNode each = node.get("per_listener");
            assertEquals(1, each.size(), stats.body());
            assertEquals("web", each.get(0).get("name").asText());
            assertEquals(3, each.get(0).get("requests").asLong(), stats.body());
            assertTrue(each.get(0).get("accepted").asLong() >= 1, stats.body());

            HttpResponse<String> metrics = admin.call("GET", "/metrics", null, null);
            assertEquals(200, metrics.statusCode(), "public by default");
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            assertTrue(metrics.body().contains("# TYPE balor_http_requests_total counter"), metrics.body());
            assertTrue(metrics.body().lines().anyMatch(line -> line.startsWith("balor_http_requests_total{")
                    && line.contains("listener=\"web\"") && line.contains("200") && line.endsWith(" 3")),
                    metrics.body());
        }
    }

    @Test
    void metricsNeedAViewerWhenConfigured() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir, true)) {
            String viewer = admin.user("vera", "viewer");
            HttpResponse<String> anonymous = admin.call("GET", "/metrics", null, null);
            assertEquals(401, anonymous.statusCode());
            assertEquals("Bearer realm=\"balor\"", anonymous.headers().firstValue("WWW-Authenticate").orElse(null));
            assertEquals(401, admin.call("GET", "/metrics", "not-a-token", null).statusCode());
            assertEquals(200, admin.call("GET", "/metrics", viewer, null).statusCode());
            assertEquals(200, admin.call("GET", "/api/health", null, null).statusCode(), "health stays public");
        }
    }

    @Test
    void consoleSettingsAreCheckedSavedAndNeedARestart() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            String viewer = admin.user("vera", "viewer");
            String operator = admin.user("olga", "operator");
            HttpResponse<String> initial = admin.call("GET", "/api/admin/console", viewer, null);
            assertEquals(200, initial.statusCode(), initial.body());
            assertNull(json(initial).get("bind"), initial.body());
            assertTrue(json(initial).get("note").asText().contains("restart"), initial.body());

            Pem pem = Pem.selfSigned(dir.resolve("pki"), "localhost");
            java.nio.file.Path bundle = dir.resolve("pki/console.pem");
            java.nio.file.Files.writeString(bundle, pem.cert() + pem.key());
            HttpResponse<String> missing = admin.call("PUT", "/api/admin/console", ADMIN_TOKEN,
                    "{\"bind\": \"127.0.0.1:9443\", \"cert_file\": \"" + dir.resolve("none.pem") + "\"}");
            assertEquals(400, missing.statusCode(), "checked now, not at the next start: " + missing.body());
            assertEquals("cert_file", json(missing).get("field").asText());
            HttpResponse<String> set = admin.call("PUT", "/api/admin/console", ADMIN_TOKEN,
                    "{\"bind\": \"127.0.0.1:9443\", \"cert_file\": \"" + bundle + "\"}");
            assertEquals(200, set.statusCode(), set.body());
            assertTrue(json(set).get("restart_required").asBoolean(), set.body());
            assertEquals("127.0.0.1:9443", json(set).get("bind").asText());
            assertEquals(bundle.toString(), json(set).get("key_file").asText(), "the key is in the cert's file");
            JsonNode saved = StateFileView.root(admin).get("admin_console");
            assertEquals("{\"bind\":\"127.0.0.1:9443\",\"cert_file\":\"" + bundle + "\","
                    + "\"key_file\":\"" + bundle + "\"}", saved.toString());
            HttpResponse<String> read = admin.call("GET", "/api/admin/console", viewer, null);
            assertEquals("127.0.0.1:9443", json(read).get("bind").asText(), read.body());
            assertFalse(admin.server.address().getPort() == 9443, "nothing moved before a restart");

            byte[] file = StateFileView.bytes(admin);
            assertEquals(403, admin.call("PUT", "/api/admin/console", operator, "{\"bind\": \"127.0.0.1:9000\"}")
                    .statusCode());
            assertEquals(403, admin.call("PUT", "/api/admin/console", viewer, "{\"bind\": \"127.0.0.1:9000\"}")
                    .statusCode());
            for (String[] refusal : List.of(
                    new String[] {"{\"bind\": \"127.0.0.1:99999\"}", "bind"},
                    new String[] {"{\"bind\": \"nowhere\"}", "bind"},
                    new String[] {"{\"bind\": \"console.example:9443\"}", "bind"},
                    new String[] {"{\"bind\": 9443}", "bind"},
                    new String[] {"{}", "bind"},
                    new String[] {"{\"bind\": \"127.0.0.1:9000\", \"key_file\": \"/k.pem\"}", "key_file"},
                    new String[] {"{\"bind\": \"127.0.0.1:9000\", \"tls\": true}", "tls"},
                    new String[] {"{\"bind\": \"127.0.0.1:9000\", \"cert_file\": 5}", "cert_file"})) {
                HttpResponse<String> refused = admin.call("PUT", "/api/admin/console", ADMIN_TOKEN, refusal[0]);
                assertEquals(400, refused.statusCode(), refusal[0] + ": " + refused.body());
                assertEquals(refusal[1], json(refused).get("field").asText(), refused.body());
            }
            assertEquals(400, admin.call("PUT", "/api/admin/console", ADMIN_TOKEN, "{\"bind\": ").statusCode());
            assertArrayEquals(file, StateFileView.bytes(admin), "refusals leave the state file untouched");

            HttpResponse<String> plain = admin.call("PUT", "/api/admin/console", ADMIN_TOKEN,
                    "{\"bind\": \"0.0.0.0:9000\"}");
            assertEquals(200, plain.statusCode(), plain.body());
            assertEquals("{\"bind\":\"0.0.0.0:9000\"}", StateFileView.root(admin).get("admin_console").toString(),
                    "no certificate any more");
        }
    }


    /** A stalled or dead loop makes health 503 and names it; a stopped one (closing) does not. */
    @Test
    void healthIs503NamingEachStalledOrDeadLoop() throws Exception {
        ApiResponse ok = SystemApi.health(List.of(new LoopHealth(0, "balor-loop-0", LoopHealth.RUNNING, 12, null)));
        assertEquals(200, ok.status());
        ApiResponse bad = SystemApi.health(List.of(
                new LoopHealth(0, "balor-loop-0", LoopHealth.DEAD, 40, "died: java.nio.channels.ClosedSelectorException"),
                new LoopHealth(1, "balor-loop-1", LoopHealth.RUNNING, 3, null),
                new LoopHealth(2, "balor-loop-2", LoopHealth.STALLED, 6000, "no iteration for 6000 ms")));
        assertEquals(503, bad.status());
        JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(bad.body());
        assertEquals("unhealthy", body.get("status").asText());
        assertEquals(List.of("event loop balor-loop-0 died: java.nio.channels.ClosedSelectorException",
                "event loop balor-loop-2 no iteration for 6000 ms"),
                List.of(body.get("problems").get(0).asText(), body.get("problems").get(1).asText()));
        assertEquals(3, body.get("loops").size());
        assertEquals(200, SystemApi.health(List.of(new LoopHealth(0, "balor-loop-0", LoopHealth.STOPPED, 0, null))).status());
    }
}
