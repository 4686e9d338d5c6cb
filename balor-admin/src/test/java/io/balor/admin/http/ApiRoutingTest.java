package io.balor.admin.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Routing, path parameters, 404/405, response kinds and headers, over real HTTP. */
class ApiRoutingTest extends ApiServerTestBase {

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    @Test
    void pathParametersArePercentDecodedPerSegment() throws Exception {
        HttpResponse<String> response = api.get("/api/listeners/web%20one", "viewer-token");
        assertEquals(200, response.statusCode());
        assertEquals("web one", json(response).get("id").asText());
        assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void aLiteralSegmentWinsOverAParameter() throws Exception {
        assertTrue(json(api.get("/api/listeners/new", "viewer-token")).get("template").asBoolean());
        assertEquals("news", json(api.get("/api/listeners/news", "viewer-token")).get("id").asText());
    }

    @Test
    void unknownPathIs404Json() throws Exception {
        HttpResponse<String> response = api.get("/api/nothing-here", "admin-token");
        assertEquals(404, response.statusCode());
        assertEquals("no such API path", json(response).get("error").asText());
        assertTrue(json(response).has("hint"));
        assertFalse(json(response).has("field"));
    }

    @Test
    void trailingSlashAndEmptySegmentsDoNotMatch() throws Exception {
        assertEquals(404, api.get("/api/listeners/", "admin-token").statusCode());
        assertEquals(404, api.get("/api//listeners", "admin-token").statusCode());
        assertEquals(404, api.get("/", "admin-token").statusCode());
    }

    @Test
    void knownPathWrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> response = api.send(api.request("/api/listeners/web", "admin-token")
                .PUT(HttpRequest.BodyPublishers.noBody()));
        assertEquals(405, response.statusCode());
        assertEquals("DELETE, GET", response.headers().firstValue("Allow").orElseThrow());
        assertEquals("method not allowed", json(response).get("error").asText());
    }

    @Test
    void headIsRefusedWith405AndNoBody() throws Exception {
        ApiTestServer.RawResponse response = api.raw("HEAD /api/health HTTP/1.1\nHost: 127.0.0.1\nConnection: close");
        assertEquals(405, response.status());
        assertEquals("GET", response.header("Allow"));
        assertEquals("", response.body());
        assertEquals(0, sample.calls.get());
    }

    @Test
    void everyResponseHasTheSecurityHeaders() throws Exception {
        for (String path : List.of("/api/health", "/api/nothing", "/api/boom", "/api/listeners")) {
            HttpResponse<String> response = api.get(path, null);
            assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(null), path);
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(null), path);
            assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElse(null), path);
            assertEquals("DENY", response.headers().firstValue("X-Frame-Options").orElse(null), path);
            assertTrue(response.headers().firstValue("Content-Type").isPresent(), path);
        }
    }

    @Test
    void createdIs201WithTheBody() throws Exception {
        HttpResponse<String> response = api.sendJson("POST", "/api/listeners", "operator-token",
                "{\"name\": \"web\", \"port\": 8080}");
        assertEquals(201, response.statusCode());
        assertEquals("{\"name\":\"web\",\"port\":8080,\"weight\":1}", response.body());
    }

    @Test
    void noContentIs204WithoutBody() throws Exception {
        HttpResponse<String> response = api.send(api.request("/api/listeners/web", "operator-token").DELETE());
        assertEquals(204, response.statusCode());
        assertEquals("", response.body());
        assertFalse(response.headers().firstValue("Content-Type").isPresent());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElseThrow());
    }

    @Test
    void textKeepsItsContentType() throws Exception {
        HttpResponse<String> response = api.get("/api/metrics", null);
        assertEquals("balor_up 1\n", response.body());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void downloadIsAnAttachmentWithASafeName() throws Exception {
        HttpResponse<String> response = api.get("/api/logs/files/access%20log%22%3B.txt", "viewer-token");
        assertEquals(200, response.statusCode());
        assertEquals("attachment; filename=\"access_log__.txt\"",
                response.headers().firstValue("Content-Disposition").orElseThrow());
        assertEquals("log access log\";.txt", response.body());
    }

    @Test
    void aRuntimeExceptionIsA500WithoutItsMessage() throws Exception {
        HttpResponse<String> response = api.get("/api/boom", null);
        assertEquals(500, response.statusCode());
        assertEquals("{\"error\":\"internal error\",\"hint\":\"see the server log\"}", response.body());
        assertFalse(response.body().contains("secret-detail-xyz"));
        assertFalse(response.body().contains("IllegalStateException"));
        assertEquals(500, api.get("/api/null", null).statusCode());
    }

    @Test
    void tooManyRequestsCarriesRetryAfter() throws Exception {
        HttpResponse<String> response = api.sendJson("POST", "/api/slow-down", null, "{}");
        assertEquals(429, response.statusCode());
        assertEquals("7", response.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("too many requests", json(response).get("error").asText());
    }

    @Test
    void queryParametersAreDecodedAndStrict() throws Exception {
        JsonNode ok = json(api.get("/api/search?q=a+b%26c&limit=5", null));
        assertEquals("a b&c", ok.get("q").asText());
        assertEquals(5, ok.get("limit").asInt());
        HttpResponse<String> twice = api.get("/api/search?q=a&q=b", null);
        assertEquals(400, twice.statusCode());
        assertEquals("q", json(twice).get("field").asText());
        assertEquals(400, api.get("/api/search?limit=1000", null).statusCode());
        assertEquals(400, api.get("/api/search?limit=%2B5", null).statusCode());
        assertEquals(400, api.get("/api/search?q=a%00b", null).statusCode());
        assertEquals("malformed percent-encoding in the query", json(api.get("/api/search?q=%C3", null))
                .get("error").asText());
        assertEquals(400, api.raw("GET /api/search?q=%zz HTTP/1.1\nHost: 127.0.0.1\nConnection: close").status(),
                "java.net.URI refuses it: jdk.httpserver's own 400");
        assertEquals(1, sample.calls.get(), "only the good request got an answer from the handler");
    }

    @Test
    void routesThatAnswerTheSameEndpointAreRefused() {
        List<Endpoint> twice = List.of(
                Endpoint.get("/api/listeners/{id}", Access.PUBLIC, r -> ApiResponse.noContent()),
                Endpoint.get("/api/listeners/{name}", Access.PUBLIC, r -> ApiResponse.noContent()));
        assertThrows(IllegalArgumentException.class,
                () -> ApiServer.start(new InetSocketAddress("127.0.0.1", 0), twice,
                        ApiOptions.defaults(Authentication.nobody(), new AuditRing(1))));
    }

    @Test
    void badPatternsAreRefused() {
        Handler h = r -> ApiResponse.noContent();
        assertThrows(IllegalArgumentException.class, () -> Endpoint.get("api/x", Access.PUBLIC, h));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.get("/api/../x", Access.PUBLIC, h));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.get("/api/{a}/{a}", Access.PUBLIC, h));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.get("/api//x", Access.PUBLIC, h));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.get("//", Access.PUBLIC, h));
        // A trailing slash is a pattern of its own (the index, /api/): it matches only a path that has one.
        Endpoint slash = Endpoint.get("/api/x/", Access.PUBLIC, h);
        assertEquals(java.util.Map.of(), slash.match(List.of("api", "x", "")));
        assertEquals(null, slash.match(List.of("api", "x")));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.of("get", "/api/x", Access.PUBLIC, h));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.get("/x", Access.PUBLIC, h).withAccepts("Text/Plain"));
    }

    @Test
    void theBoundPortIsReported() {
        assertTrue(api.server.address().getPort() > 0);
        assertTrue(api.auditRecords().isEmpty());
    }
}
