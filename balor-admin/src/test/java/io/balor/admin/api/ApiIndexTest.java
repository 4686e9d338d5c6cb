package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.admin.http.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.balor.admin.api.AdminFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /api} (issue 12, part B, point 1): the URL the daemon prints answers, without a
 * token, an index of every endpoint generated from the routes the server runs (method, path, the
 * least role), and a path the API does not have says where that index is.
 */
class ApiIndexTest {

    @TempDir
    Path dir;

    @Test
    void theIndexListsEveryRouteWithItsLeastRoleToAnyone() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            HttpResponse<String> index = admin.call("GET", "/api", null, null);
            assertEquals(200, index.statusCode(), index.body());
            assertTrue(index.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            HttpResponse<String> slash = admin.call("GET", "/api/", null, null);
            assertEquals(200, slash.statusCode(), slash.body());
            assertEquals(index.body(), slash.body(), "with or without the trailing slash");
            assertEquals(200, admin.call("GET", "/api", "not-a-token", null).statusCode(),
                    "a bad token does not spoil a public route");

            JsonNode body = json(index);
            assertEquals(AdminContext.API_VERSION, body.get("api_version").asText());
            assertTrue(body.get("reference").asText().contains("Admin API"), index.body());
            assertTrue(body.get("login").asText().contains("POST /api/login"), index.body());
            List<String> listed = new ArrayList<>();
            for (JsonNode endpoint : body.get("endpoints")) {
                listed.add(endpoint.get("method").asText() + " " + endpoint.get("path").asText() + " "
                        + endpoint.get("min_role").asText());
            }
            List<String> routes = new ArrayList<>();
            for (Endpoint route : AdminServer.routes(new AdminContext(admin.store, admin.server.authenticator(),
                    dir.resolve("data/certs"), dir.resolve("data/logs"), admin.clock, false, "test", null))) {
                routes.add(route + " " + route.access().minimumRole());
            }
            assertEquals(routes, listed, "generated from the route table, in its order");
            for (String expected : List.of("GET /api public", "GET /api/health public", "GET /metrics public",
                    "GET /api/listeners viewer", "POST /api/listeners/{id}/drain operator",
                    "POST /api/listeners/{id}/enable operator", "PUT /api/logging admin", "GET /api/users admin")) {
                assertTrue(listed.contains(expected), expected + " in " + listed);
            }
            assertEquals(405, admin.call("POST", "/api", AdminFixture.ADMIN_TOKEN, "{}").statusCode());
        }
    }

    @Test
    void metricsShowAsViewerWhenTheyNeedOne() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir, true)) {
            JsonNode endpoints = json(admin.call("GET", "/api", null, null)).get("endpoints");
            boolean found = false;
            for (JsonNode endpoint : endpoints) {
                if (endpoint.get("path").asText().equals("/metrics")) {
                    assertEquals("viewer", endpoint.get("min_role").asText(), endpoint.toString());
                    found = true;
                }
            }
            assertTrue(found, endpoints.toString());
        }
    }

    @Test
    void aPathTheApiDoesNotHaveNamesTheIndex() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            HttpResponse<String> console = admin.call("GET", "/", null, null);
            assertEquals(200, console.statusCode(), "/ is the web console's page");
            assertTrue(console.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            for (String path : List.of("/api/nothing", "/api//", "/api/listeners/")) {
                HttpResponse<String> missing = admin.call("GET", path, null, null);
                assertEquals(404, missing.statusCode(), path + ": " + missing.body());
                assertEquals("no such API path", json(missing).get("error").asText());
                String hint = json(missing).get("hint").asText();
                assertTrue(hint.contains("GET /api lists every endpoint") && hint.contains("\"Admin API\" section"),
                        hint);
            }
        }
    }
}
