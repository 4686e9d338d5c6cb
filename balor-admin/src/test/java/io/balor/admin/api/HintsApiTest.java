package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.balor.admin.api.AdminFixture.ADMIN_TOKEN;
import static io.balor.admin.api.AdminFixture.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The errors' hints say what is wrong with this request (issue 12, part B, point 8): a token that
 * was sent but is invalid or expired is not told to send one; a bad role names the roles; a 409
 * over a certificate file hints about the file, not the address; an uploaded key that does not
 * match names the files it would have been kept as.
 */
class HintsApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aMissingAForeignAnInvalidAndAnExpiredTokenEachGetTheirOwnAnswer() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            HttpResponse<String> none = admin.call("GET", "/api/listeners", null, null);
            assertEquals(401, none.statusCode());
            assertEquals("authentication required", json(none).get("error").asText());
            assertTrue(json(none).get("hint").asText().contains("POST /api/login"), none.body());
            assertEquals("Bearer realm=\"balor\"", none.headers().firstValue("WWW-Authenticate").orElse(null));

            HttpResponse<String> invalid = admin.call("GET", "/api/listeners", "no-such-token", null);
            assertEquals(401, invalid.statusCode());
            assertEquals("the token is invalid or expired", json(invalid).get("error").asText());
            String hint = json(invalid).get("hint").asText();
            assertTrue(hint.startsWith("log in again"), hint);
            assertFalse(hint.contains("send Authorization"), "one was sent: " + hint);
            assertEquals("Bearer realm=\"balor\", error=\"invalid_token\"",
                    invalid.headers().firstValue("WWW-Authenticate").orElse(null), "RFC 6750 §3.1");

            String token = admin.user("vera", "viewer");
            assertEquals(200, admin.call("GET", "/api/listeners", token, null).statusCode());
            admin.clock.advance(Duration.ofHours(13));   // past the session's whole life
            HttpResponse<String> expired = admin.call("GET", "/api/listeners", token, null);
            assertEquals(401, expired.statusCode(), expired.body());
            assertEquals("the token is invalid or expired", json(expired).get("error").asText());

            HttpResponse<String> basic = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            admin.uri("/api/listeners")).header("Authorization", "Basic YWRtaW46YWRtaW4=").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, basic.statusCode());
            assertEquals("the Authorization header is not a bearer token", json(basic).get("error").asText());
            assertTrue(json(basic).get("hint").asText().contains("Bearer <token>"), basic.body());
        }
    }

    @Test
    void aBadRoleNamesTheRoles() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            for (String[] call : new String[][] {
                    {"POST", "/api/users", "{\"username\": \"root\", \"password\": \"long-enough-1\", \"role\": \"root\"}"},
                    {"PUT", "/api/users/admin", "{\"role\": \"superuser\"}"}}) {
                HttpResponse<String> refused = admin.call(call[0], call[1], ADMIN_TOKEN, call[2]);
                assertEquals(400, refused.statusCode(), refused.body());
                assertEquals("role", json(refused).get("field").asText());
                String hint = json(refused).get("hint").asText();
                assertTrue(hint.contains("admin:") && hint.contains("operator:") && hint.contains("viewer:"), hint);
            }
        }
    }

    @Test
    void aConflictOverAFileHintsAboutTheFileAndOneOverAnAddressAboutTheAddress() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir); ServerSocket taken = new ServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            admin.create("/api/pools", "{\"name\": \"app\", \"upstreams\": [\"127.0.0.1:9\"]}");
            byte[] before = StateFileView.bytes(admin);
            Path missing = dir.resolve("data/certs/shop.example.com.crt");
            HttpResponse<String> file = admin.call("POST", "/api/listeners", ADMIN_TOKEN, JSON.createObjectNode()
                    .put("name", "shop").put("listen", "127.0.0.1:0").put("protocol", "http").put("pool", "app")
                    .set("tls", JSON.createObjectNode().put("cert_file", missing.toString())).toString());
            assertEquals(409, file.statusCode(), file.body());
            assertEquals("tls.cert_file", json(file).get("field").asText(), file.body());
            assertTrue(json(file).get("error").asText().contains(missing.toString()), file.body());
            String fileHint = json(file).get("hint").asText();
            assertTrue(fileHint.contains("the file must exist") && fileHint.contains("state file's directory"),
                    fileHint);
            assertFalse(fileHint.contains("address"), fileHint);

            HttpResponse<String> address = admin.call("POST", "/api/listeners", ADMIN_TOKEN, "{\"name\": \"web\","
                    + " \"listen\": \"127.0.0.1:" + taken.getLocalPort() + "\", \"pool\": \"app\"}");
            assertEquals(409, address.statusCode(), address.body());
            assertEquals("listen", json(address).get("field").asText(), address.body());
            assertTrue(json(address).get("hint").asText().contains("free the address"), address.body());
            assertArrayEquals(before, StateFileView.bytes(admin), "nothing was saved");
        }
    }

    @Test
    void aKeyThatDoesNotMatchNamesTheFilesItWouldHaveBeenKeptAs() throws Exception {
        Pem shop = Pem.selfSigned(dir.resolve("pki"), "shop.example");
        Pem other = Pem.selfSigned(dir.resolve("pki2"), "other.example");
        try (AdminFixture admin = new AdminFixture(dir)) {
            for (String key : new String[] {null, other.key()}) {
                var body = JSON.createObjectNode().put("name", "shop").put("pem", shop.cert() + (key == null
                        ? other.key() : ""));
                if (key != null) {
                    body.put("key", key);
                }
                HttpResponse<String> refused = admin.call("POST", "/api/certificates", ADMIN_TOKEN, body.toString());
                assertEquals(400, refused.statusCode(), refused.body());
                JsonNode error = json(refused);
                assertEquals("the bundle does not load: shop.key: the private key does not match the certificate in"
                        + " shop.crt", error.get("error").asText(), refused.body());
                String hint = error.get("hint").asText();
                assertTrue(hint.startsWith("shop.crt would hold the certificates of pem, shop.key the key of "
                        + (key == null ? "pem" : "key")), hint);
                assertFalse(Files.exists(dir.resolve("data/certs/shop.crt")), "nothing is kept");
            }
        }
    }
}
