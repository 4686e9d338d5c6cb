package io.balor.admin.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code Host} check of a real {@link ApiServer} (DNS rebinding), with requests written byte
 * for byte on sockets: a foreign {@code Host} is a 421 with a JSON error before authentication,
 * routing or any handler, whatever token comes with it; HTTP/1.0 without {@code Host} is 421 too,
 * HTTP/1.1 without one (or with two) is 400; {@code localhost}, {@code 127.0.0.1} and
 * {@code [::1]} with the server's port are answered, and so is a name added with
 * {@link ApiOptions#withHostNames}. Each refusal is in the audit as an anonymous one, with the
 * request id of its response.
 */
class ApiHostCheckTest extends ApiServerTestBase {

    private int port() {
        return api.server.address().getPort();
    }

    private ApiTestServer.RawResponse get(ApiTestServer server, String path, String version, String... headers)
            throws Exception {
        StringBuilder head = new StringBuilder("GET " + path + " " + version);
        for (String header : headers) {
            head.append('\n').append(header);
        }
        return server.raw(head.append("\nConnection: close").toString());
    }

    private static JsonNode json(ApiTestServer.RawResponse response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    /** The one audit record with {@code response}'s request id: an anonymous refusal of {@code status}. */
    private void assertAnonymousRefusal(ApiTestServer server, ApiTestServer.RawResponse response, String method,
                                        String path, int status) {
        String id = response.header("X-Request-Id");
        List<AuditRecord> records = server.auditRecords().stream().filter(r -> r.requestId().equals(id)).toList();
        assertEquals(1, records.size(), id + " in " + server.auditRecords());
        AuditRecord record = records.get(0);
        assertTrue(record.anonymous(), record.toString());
        assertEquals(List.of("-", "-", "127.0.0.1", method, path, status),
                List.of(record.username(), record.role(), record.clientAddress(), record.method(), record.path(),
                        record.status()), record.toString());
    }

    @Test
    void aForeignHostIs421BeforeAnyHandlerWhateverTheToken() throws Exception {
        ApiTestServer.RawResponse health = get(api, "/api/health", "HTTP/1.1", "Host: evil.example");
        assertEquals(421, health.status(), health.body());
        assertEquals("application/json; charset=utf-8", health.header("Content-Type"));
        assertEquals("this server does not answer to that Host", json(health).get("error").asText(), health.body());
        assertTrue(json(health).get("hint").asText().contains("BALOR_ADMIN_HOSTS"), health.body());
        assertAnonymousRefusal(api, health, "GET", "/api/health", 421);

        ApiTestServer.RawResponse withPort = get(api, "/api/secrets", "HTTP/1.1", "Host: evil.example:" + port(),
                "Authorization: Bearer the-admin-token");
        assertEquals(421, withPort.status(), withPort.body());
        assertAnonymousRefusal(api, withPort, "GET", "/api/secrets", 421);

        byte[] body = "{\"name\":\"web\",\"port\":8080}".getBytes(StandardCharsets.UTF_8);
        ApiTestServer.RawResponse post = api.raw("POST /api/listeners HTTP/1.1\nHost: localhost.evil.example:" + port()
                + "\nAuthorization: Bearer operator-token\nContent-Type: application/json\nContent-Length: " + body.length
                + "\nConnection: close", body);
        assertEquals(421, post.status(), post.body());
        assertAnonymousRefusal(api, post, "POST", "/api/listeners", 421);

        ApiTestServer.RawResponse unknown = get(api, "/api/nothing", "HTTP/1.1", "Host: evil.example");
        assertEquals(421, unknown.status(), "before routing (no 404): " + unknown.body());
        assertEquals(0, sample.calls.get(), "no handler ran");
        assertEquals(4, api.auditRecords().size(), api.auditRecords().toString());
    }

    @Test
    void withoutHostHttp10Is421AndHttp11Is400() throws Exception {
        ApiTestServer.RawResponse old = get(api, "/api/health", "HTTP/1.0");
        assertEquals(421, old.status(), old.body());
        assertEquals("this server does not answer to that Host", json(old).get("error").asText(), old.body());
        assertAnonymousRefusal(api, old, "GET", "/api/health", 421);

        ApiTestServer.RawResponse none = get(api, "/api/health", "HTTP/1.1");
        assertEquals(400, none.status(), none.body());
        assertEquals("an HTTP/1.1 request needs one Host header", json(none).get("error").asText(), none.body());
        assertAnonymousRefusal(api, none, "GET", "/api/health", 400);

        ApiTestServer.RawResponse two = get(api, "/api/health", "HTTP/1.1", "Host: localhost", "Host: localhost");
        assertEquals(400, two.status(), two.body());
        assertAnonymousRefusal(api, two, "GET", "/api/health", 400);
        ApiTestServer.RawResponse twoOld = get(api, "/api/health", "HTTP/1.0", "Host: localhost", "Host: evil.example");
        assertEquals(421, twoOld.status(), twoOld.body());

        ApiTestServer.RawResponse named = get(api, "/api/health", "HTTP/1.0", "Host: localhost");
        assertEquals(200, named.status(), "HTTP/1.0 with a Host it answers: " + named.body());
        assertEquals(1, sample.calls.get(), "only the answered request reached its handler");
    }

    @Test
    void theLoopbackNamesWithThePortAreAnswered() throws Exception {
        for (String host : List.of("localhost:" + port(), "127.0.0.1:" + port(), "[::1]:" + port(), "LOCALHOST",
                "localhost.:" + port())) {
            ApiTestServer.RawResponse response = get(api, "/api/health", "HTTP/1.1", "Host: " + host);
            assertEquals(200, response.status(), host + ": " + response.body());
            assertEquals("ok", json(response).get("status").asText());
        }
        HttpResponse<String> client = api.get("/api/whoami", "viewer-token");   // java.net.http: Host 127.0.0.1:port
        assertEquals(200, client.statusCode(), client.body());
        assertEquals(6, sample.calls.get());
        assertTrue(api.auditRecords().isEmpty(), "answered public reads leave no record: " + api.auditRecords());
    }

    @Test
    void aNameAddedWithWithHostNamesIsAnswered() throws Exception {
        ApiTestServer.RawResponse before = get(api, "/api/health", "HTTP/1.1", "Host: balor.example:" + port());
        assertEquals(421, before.status(), "not without the option: " + before.body());

        try (ApiTestServer named = new ApiTestServer(sample.routes(), o -> o.withHostNames(List.of("balor.example")))) {
            int namedPort = named.server.address().getPort();
            for (String host : List.of("balor.example", "balor.example:" + namedPort, "Balor.Example.:" + namedPort,
                    "localhost:" + namedPort)) {
                ApiTestServer.RawResponse response = get(named, "/api/listeners", "HTTP/1.1", "Host: " + host,
                        "Authorization: Bearer viewer-token");
                assertEquals(200, response.status(), host + ": " + response.body());
            }
            for (String host : List.of("evil.example", "sub.balor.example", "balor.example.evil", "balor.example:0")) {
                ApiTestServer.RawResponse response = get(named, "/api/listeners", "HTTP/1.1", "Host: " + host,
                        "Authorization: Bearer viewer-token");
                assertEquals(421, response.status(), host + ": " + response.body());
                assertAnonymousRefusal(named, response, "GET", "/api/listeners", 421);
            }
        }
        for (String name : List.of("balor.example:9443", "http://balor.example", "*.example")) {
            IllegalArgumentException invalid = assertThrows(IllegalArgumentException.class,
                    () -> ApiOptions.defaults(ApiTestServer.FAKE_AUTH, new AuditRing(1)).withHostNames(List.of(name)), name);
            assertTrue(invalid.getMessage().contains("is not a host name or an IP address"), invalid.getMessage());
        }
    }
}
