package io.balor.admin.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Media types (415), strict JSON (400 with line/column and field paths) and size limits (413). */
class ApiBodyTest extends ApiServerTestBase {

    private static final int LIMIT = 1024;

    @Override
    ApiOptions options(ApiOptions defaults) {
        return defaults.withMaxBodyBytes(LIMIT);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    private static JsonNode json(ApiTestServer.RawResponse response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    private HttpResponse<String> post(String contentType, String body) throws Exception {
        HttpRequest.Builder request = api.request("/api/listeners", "operator-token")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return api.send(contentType == null ? request : request.header("Content-Type", contentType));
    }

    @Test
    void textPlainIs415() throws Exception {
        HttpResponse<String> response = post("text/plain", "{\"name\":\"a\",\"port\":1}");
        assertEquals(415, response.statusCode());
        assertEquals("unsupported Content-Type text/plain", json(response).get("error").asText());
        assertEquals(0, sample.calls.get());
    }

    @Test
    void missingContentTypeIs415() throws Exception {
        HttpResponse<String> response = post(null, "{\"name\":\"a\",\"port\":1}");
        assertEquals(415, response.statusCode());
        assertEquals("Content-Type is missing", json(response).get("error").asText());
    }

    @Test
    void jsonMustBeUtf8() throws Exception {
        assertEquals(415, post("application/json; charset=iso-8859-1", "{}").statusCode());
        assertEquals(201, post("application/json; charset=UTF-8", "{\"name\":\"a\",\"port\":1}").statusCode());
        assertEquals(201, post("Application/JSON;charset=\"utf-8\"", "{\"name\":\"a\",\"port\":1}").statusCode());
        assertEquals(415, post("application/json;;", "{}").statusCode());
        HttpResponse<String> latin1 = api.send(api.request("/api/echo", null).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray("{\"a\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1))));
        assertEquals(400, latin1.statusCode());
        assertEquals("request body is not valid UTF-8", json(latin1).get("error").asText());
    }

    @Test
    void aRouteMayTakeOtherMediaTypes() throws Exception {
        HttpResponse<String> pem = api.send(api.request("/api/certificates/web", "admin-token")
                .header("Content-Type", "application/x-pem-file")
                .PUT(HttpRequest.BodyPublishers.ofString("-----BEGIN CERTIFICATE-----\n")));
        assertEquals(200, pem.statusCode());
        assertEquals(28, json(pem).get("bytes").asInt());
        assertEquals(415, api.sendJson("PUT", "/api/certificates/web", "admin-token", "{}").statusCode());
        HttpResponse<String> pemToJson = api.send(api.request("/api/certificates/web/json", "admin-token")
                .header("Content-Type", "application/x-pem-file").PUT(HttpRequest.BodyPublishers.ofString("{}")));
        assertEquals(415, pemToJson.statusCode(), "json() insists on application/json");
    }

    @Test
    void malformedJsonNamesLineAndColumn() throws Exception {
        HttpResponse<String> response = post("application/json", "{\n  \"name\": \"a\",\n  \"port\": 80,,\n}");
        assertEquals(400, response.statusCode());
        assertEquals("malformed JSON at line 3, column 14", json(response).get("error").asText());
        assertFalse(json(response).has("field"));
        assertEquals(1, sample.calls.get(), "the handler ran and json() refused");
    }

    @Test
    void duplicateKeysAreRefusedWithTheirPath() throws Exception {
        HttpResponse<String> top = post("application/json", "{\"name\":\"a\",\"port\":1,\"name\":\"b\"}");
        assertEquals(400, top.statusCode());
        assertEquals("name", json(top).get("field").asText());
        assertTrue(json(top).get("error").asText().startsWith("duplicate key at line 1, column "));
        HttpResponse<String> nested = post("application/json",
                "{\"name\":\"a\",\"port\":1,\"tls\":{\"cert_file\":\"x\",\"cert_file\":\"y\"}}");
        assertEquals("tls.cert_file", json(nested).get("field").asText());
        HttpResponse<String> inArray = api.sendJson("POST", "/api/echo", null, "{\"u\":[{\"p\":1},{\"p\":1,\"p\":2}]}");
        assertEquals("u[1].p", json(inArray).get("field").asText());
    }

    @Test
    void trailingTokensAreRefused() throws Exception {
        HttpResponse<String> response = post("application/json", "{\"name\":\"a\",\"port\":1} {}");
        assertEquals(400, response.statusCode());
        assertEquals("trailing data after the JSON value at line 1, column 23", json(response).get("error").asText());
        assertEquals(400, post("application/json", "{\"name\":\"a\",\"port\":1}x").statusCode());
    }

    @Test
    void emptyAndNonObjectBodiesAreRefused() throws Exception {
        assertEquals("request body is empty", json(post("application/json", "")).get("error").asText());
        assertEquals("request body is empty", json(post("application/json", "  \n")).get("error").asText());
        assertEquals("the request body must be a JSON object", json(post("application/json", "[1]")).get("error").asText());
    }

    @Test
    void unknownKeysAndWrongTypesNameTheirField() throws Exception {
        HttpResponse<String> unknown = post("application/json", "{\"name\":\"a\",\"port\":1,\"colour\":\"red\"}");
        assertEquals(400, unknown.statusCode());
        assertEquals("colour", json(unknown).get("field").asText());
        assertEquals("unknown key colour", json(unknown).get("error").asText());
        HttpResponse<String> nested = post("application/json", "{\"name\":\"a\",\"port\":1,\"tls\":{\"key\":\"k\"}}");
        assertEquals("tls.key", json(nested).get("field").asText());
        HttpResponse<String> typed = post("application/json", "{\"name\":\"a\",\"port\":\"80\"}");
        assertEquals("port", json(typed).get("field").asText());
        assertEquals("port must be a whole number", json(typed).get("error").asText());
        assertEquals("port", json(post("application/json", "{\"name\":\"a\",\"port\":80.0}")).get("field").asText());
        assertEquals("port", json(post("application/json", "{\"name\":\"a\",\"port\":3000000000}")).get("field").asText());
        assertEquals("port is required", json(post("application/json", "{\"name\":\"a\"}")).get("error").asText());
        assertEquals("name must not be empty", json(post("application/json", "{\"name\":\"\",\"port\":1}"))
                .get("error").asText());
        assertEquals("tls", json(post("application/json", "{\"name\":\"a\",\"port\":1,\"tls\":[]}")).get("field").asText());
    }

    @Test
    void contentLengthOverTheLimitIs413BeforeReading() throws Exception {
        ApiTestServer.RawResponse response = api.raw("POST /api/listeners HTTP/1.1\nHost: 127.0.0.1\n"
                + "Authorization: Bearer operator-token\nContent-Type: application/json\nContent-Length: 1000000000000");
        assertEquals(413, response.status(), "answered though no byte of the body was sent");
        assertEquals("request body too large", json(response).get("error").asText());
        assertEquals(0, sample.calls.get());
    }

    @Test
    void aClientSendingAWholeOversizedBodyReadsThe413() throws Exception {
        // The rest of the body is read and dropped, so the client is not reset before it reads the answer.
        for (int size : new int[] {LIMIT + 1, 64 * LIMIT, 8 << 20}) {
            HttpResponse<String> response = api.sendJson("POST", "/api/listeners", "operator-token",
                    "{\"name\":\"" + "a".repeat(size) + "\"}");
            assertEquals(413, response.statusCode(), "a body of " + size + " bytes");
        }
        assertEquals(0, sample.calls.get());
    }

    @Test
    void aChunkedBodyOverTheLimitIs413() throws Exception {
        ApiTestServer.RawResponse over = api.raw(chunkedHead(), chunked(LIMIT + 1));
        assertEquals(413, over.status());
        assertEquals(0, sample.calls.get());
    }

    @Test
    void aBodyAtTheLimitIsRead() throws Exception {
        ApiTestServer.RawResponse chunkedAtLimit = api.raw(chunkedHead(), chunked(LIMIT));
        assertEquals(400, chunkedAtLimit.status(), "read whole, then refused as JSON by the handler");
        assertEquals("malformed JSON at line 1, column 1", json(chunkedAtLimit).get("error").asText());
        String padded = "{\"name\":\"a\",\"port\":1}" + " ".repeat(LIMIT - 21);
        assertEquals(LIMIT, padded.length());
        assertEquals(201, post("application/json", padded).statusCode());
        assertEquals(413, post("application/json", padded + " ").statusCode());
    }

    private static String chunkedHead() {
        return "POST /api/listeners HTTP/1.1\nHost: 127.0.0.1\nAuthorization: Bearer operator-token\n"
                + "Content-Type: application/json\nTransfer-Encoding: chunked\nConnection: close";
    }

    /** {@code size} bytes of 'x' in chunks of 100, then the last chunk. */
    private static byte[] chunked(int size) {
        StringBuilder body = new StringBuilder();
        for (int left = size; left > 0; left -= 100) {
            int n = Math.min(100, left);
            char[] data = new char[n];
            Arrays.fill(data, 'x');
            body.append(Integer.toHexString(n)).append("\r\n").append(data).append("\r\n");
        }
        return body.append("0\r\n\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }
}
