package io.balor.admin.http;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No CORS: no Access-Control-* header ever, preflights refused, Origin never echoed. */
class ApiCorsTest extends ApiServerTestBase {

    private static final String ORIGIN = "https://evil.example";


    private static void assertNoCors(ApiTestServer.RawResponse response) {
        for (Map.Entry<String, List<String>> header : response.headers().entrySet()) {
            assertFalse(header.getKey().startsWith("access-control-"), header.getKey());
            for (String value : header.getValue()) {
                assertFalse(value.contains("evil.example"), header.getKey() + ": " + value);
            }
        }
        assertFalse(response.body().contains("evil.example"));
    }

    @Test
    void aPreflightIsRefused() throws Exception {
        ApiTestServer.RawResponse response = api.raw("OPTIONS /api/listeners HTTP/1.1\nHost: 127.0.0.1\nOrigin: " + ORIGIN
                + "\nAccess-Control-Request-Method: POST\nAccess-Control-Request-Headers: authorization, content-type"
                + "\nConnection: close");
        assertEquals(405, response.status());
        assertEquals("GET, POST", response.header("Allow"));
        assertNoCors(response);
        ApiTestServer.RawResponse unknown = api.raw("OPTIONS /api/nothing HTTP/1.1\nHost: 127.0.0.1\nOrigin: " + ORIGIN
                + "\nAccess-Control-Request-Method: DELETE\nConnection: close");
        assertEquals(404, unknown.status());
        assertNoCors(unknown);
        ApiTestServer.RawResponse star = api.raw("OPTIONS * HTTP/1.1\nHost: 127.0.0.1\nOrigin: " + ORIGIN + "\nConnection: close");
        assertTrue(star.status() >= 400, "OPTIONS * is never a 2xx: " + star.status());
        assertNoCors(star);
    }

    @Test
    void crossOriginRequestsGetNoCorsHeaders() throws Exception {
        ApiTestServer.RawResponse get = api.raw("GET /api/listeners HTTP/1.1\nHost: 127.0.0.1\nOrigin: " + ORIGIN
                + "\nAuthorization: Bearer viewer-token\nConnection: close");
        assertEquals(200, get.status());
        assertNoCors(get);
        String json = "{\"name\":\"a\",\"port\":1}";
        ApiTestServer.RawResponse post = api.raw("POST /api/listeners HTTP/1.1\nHost: 127.0.0.1\nOrigin: " + ORIGIN
                + "\nAuthorization: Bearer operator-token\nContent-Type: application/json\nContent-Length: "
                + json.length() + "\nConnection: close", json.getBytes());
        assertEquals(201, post.status());
        assertNoCors(post);
        ApiTestServer.RawResponse refused = api.raw("GET /api/listeners HTTP/1.1\nHost: 127.0.0.1\nOrigin: " + ORIGIN
                + "\nConnection: close");
        assertEquals(401, refused.status());
        assertNoCors(refused);
    }

    @Test
    void handlersCannotAddCorsOrFramingHeaders() {
        ApiResponse ok = ApiResponse.ok(Map.of());
        assertThrows(IllegalArgumentException.class, () -> ok.withHeader("Access-Control-Allow-Origin", "*"));
        assertThrows(IllegalArgumentException.class, () -> ok.withHeader("access-control-allow-credentials", "true"));
        assertThrows(IllegalArgumentException.class, () -> ok.withHeader("Content-Length", "1"));
        assertThrows(IllegalArgumentException.class, () -> ok.withHeader("Content-Type", "text/html"));
        assertThrows(IllegalArgumentException.class, () -> ok.withHeader("Location", "/a\r\nSet-Cookie: x=1"));
        assertThrows(IllegalArgumentException.class,
                () -> ApiException.notFound("x", "y").withHeader("Access-Control-Allow-Origin", "*"));
        assertEquals("/api/listeners/web", ok.withHeader("Location", "/api/listeners/web").headers().get("Location"));
    }
}
