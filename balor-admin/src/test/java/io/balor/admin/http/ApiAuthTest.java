package io.balor.admin.http;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 401 (with WWW-Authenticate) against 403, public routes, role minimums and custom rules. */
class ApiAuthTest extends ApiServerTestBase {

    private static String error(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body()).get("error").asText();
    }

    @Test
    void noCredentialsOnAProtectedRouteIs401WithWwwAuthenticate() throws Exception {
        HttpResponse<String> response = api.get("/api/listeners", null);
        assertEquals(401, response.statusCode());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Bearer"));
        assertEquals("authentication required", error(response));
        assertEquals(0, sample.calls.get());
    }

    @Test
    void anInvalidTokenIs401Too() throws Exception {
        HttpResponse<String> response = api.get("/api/listeners", "stolen-token");
        assertEquals(401, response.statusCode());
        assertTrue(response.headers().firstValue("WWW-Authenticate").isPresent());
    }

    @Test
    void aRoleTooLowIs403WithoutWwwAuthenticate() throws Exception {
        HttpResponse<String> response = api.sendJson("POST", "/api/listeners", "viewer-token",
                "{\"name\": \"web\", \"port\": 80}");
        assertEquals(403, response.statusCode());
        assertFalse(response.headers().firstValue("WWW-Authenticate").isPresent());
        assertEquals("forbidden", error(response));
        assertTrue(Json.MAPPER.readTree(response.body()).get("hint").asText().contains("operator"));
        assertEquals(0, sample.calls.get());
    }

    @Test
    void higherRolesCoverLowerOnes() throws Exception {
        for (String token : List.of("viewer-token", "operator-token", "admin-token")) {
            assertEquals(200, api.get("/api/listeners", token).statusCode(), token);
        }
        assertEquals(201, api.sendJson("POST", "/api/listeners", "admin-token", "{\"name\":\"a\",\"port\":1}")
                .statusCode());
    }

    @Test
    void aPublicRouteWorksWithoutCredentialsAndStillSeesAValidToken() throws Exception {
        assertEquals("{\"username\":\"anonymous\"}", api.get("/api/whoami", null).body());
        assertEquals("{\"username\":\"oscar\"}", api.get("/api/whoami", "operator-token").body());
        assertEquals("{\"username\":\"anonymous\"}", api.get("/api/whoami", "bad-token").body());
    }

    @Test
    void adminOrSelf() throws Exception {
        assertEquals(200, api.get("/api/users/vera", "viewer-token").statusCode());
        assertEquals(403, api.get("/api/users/ann", "viewer-token").statusCode());
        assertEquals(403, api.get("/api/users/ann", "operator-token").statusCode());
        assertEquals(200, api.get("/api/users/vera", "admin-token").statusCode());
        assertEquals(401, api.get("/api/users/vera", null).statusCode());
    }

    @Test
    void authenticationMayRefuseWithItsOwnStatus() throws Exception {
        try (ApiTestServer limited = new ApiTestServer(sample.routes(), o -> o.withAuthentication(r -> {
            throw ApiException.tooManyRequests(30);
        }))) {
            HttpResponse<String> response = limited.get("/api/health", "admin-token");
            assertEquals(429, response.statusCode());
            assertEquals("30", response.headers().firstValue("Retry-After").orElseThrow());
        }
    }

    @Test
    void unauthenticatedRequestsAreRefusedBeforeTheBodyIsLookedAt() throws Exception {
        HttpResponse<String> response = api.send(api.request("/api/listeners", null)
                .header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("not json")));
        assertEquals(401, response.statusCode(), "401 wins over 415");
    }
}
