package io.balor.admin.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The path-traversal guard: names taken from the path cannot name another directory, however
 * they are encoded. Sent on raw sockets, because HttpClient (java.net.URI) would keep or
 * normalise some of these targets differently.
 */
class ApiPathGuardTest extends ApiServerTestBase {

    private ApiTestServer.RawResponse get(String target) throws Exception {
        return api.raw("GET " + target + " HTTP/1.1\nHost: 127.0.0.1\nAuthorization: Bearer admin-token\nConnection: close");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/api/logs/files/..%2Fbalor_state.json",
            "/api/logs/files/..%2fbalor_state.json",
            "/api/logs/files/%2e%2e",
            "/api/logs/files/%2E%2E",
            "/api/logs/files/%2e",
            "/api/logs/files/..",
            "/api/logs/files/.",
            "/api/logs/files/..%5Cbalor_state.json",
            "/api/logs/files/a%5cb",
            "/api/logs/files/a%00b",
            "/api/logs/files/a%0Ab",
            "/api/logs/files/%2Fetc%2Fpasswd",
            "/api/../api/logs/files/app.log",
            "/api/./logs/files/app.log",
            "/api/logs/files/%2e%2e%2f%2e%2e%2fbalor_state.json",
    })
    void traversalAttemptsAreRefusedWith400(String target) throws Exception {
        ApiTestServer.RawResponse response = get(target);
        assertEquals(400, response.status(), target);
        assertEquals("path segment not allowed", Json.MAPPER.readTree(response.body()).get("error").asText(), target);
        assertEquals(0, sample.calls.get(), "the handler never runs");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/logs/files/%C3", "/api/logs/files/%FF", "/api/logs/files/%C0%AE%C0%AE"})
    void percentEncodedBytesThatAreNotUtf8AreRefusedWith400(String target) throws Exception {
        ApiTestServer.RawResponse response = get(target);
        assertEquals(400, response.status(), target);
        assertEquals("malformed percent-encoding in the path",
                Json.MAPPER.readTree(response.body()).get("error").asText());
        assertEquals(0, sample.calls.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/logs/files/%zz", "/api/logs/files/%2", "/api/logs/files/..\\balor_state.json"})
    void targetsJavaNetUriRefusesNeverReachAHandler(String target) throws Exception {
        // java.net.URI refuses a bad escape or a raw '\': jdk.httpserver answers 400 itself
        // (its own HTML body, no audit record) before the API sees the request.
        assertEquals(400, get(target).status(), target);
        assertEquals(0, sample.calls.get());
    }

    @Test
    void ordinaryNamesPass() throws Exception {
        ApiTestServer.RawResponse plain = get("/api/logs/files/app.log");
        assertEquals(200, plain.status());
        assertEquals("log app.log", plain.body());
        ApiTestServer.RawResponse dotted = get("/api/logs/files/..app.log");
        assertEquals(200, dotted.status(), "dots inside a name are fine");
        ApiTestServer.RawResponse utf8 = get("/api/logs/files/caf%C3%A9.log");
        assertEquals(200, utf8.status());
        assertEquals("log café.log", utf8.body());
    }

    @Test
    void segmentDecodingUnit() {
        assertNull(decodeOrNull("/api/a%2Fb"), "an encoded / stays in its segment and is refused there");
        assertEquals(List.of("api", "a b", "x"), decodeOrNull("/api/a%20b/x"));
        assertEquals(List.of(), RequestTarget.pathSegments("/"));
        assertEquals(List.of("a", ""), RequestTarget.pathSegments("/a/"));
        assertEquals(List.of("a+b"), RequestTarget.pathSegments("/a+b"), "+ is literal in a path");
        assertEquals("a b", RequestTarget.decode("a+b", true));
        assertEquals("\uD83D\uDE00", RequestTarget.decode("%F0%9F%98%80", false));
        assertNull(RequestTarget.decode("%ED%A0%80", false), "an encoded surrogate is not UTF-8");
        assertThrows(ApiException.class, () -> RequestTarget.pathSegments("*"));
        assertTrue(RequestTarget.isSafeSegment("..."));
    }

    /** The decoded segments, or null when the guard refuses the path. */
    private static List<String> decodeOrNull(String rawPath) {
        try {
            return RequestTarget.pathSegments(rawPath);
        } catch (ApiException e) {
            return null;
        }
    }
}
