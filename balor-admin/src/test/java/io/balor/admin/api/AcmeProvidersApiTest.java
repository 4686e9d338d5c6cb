package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.balor.admin.api.AdminFixture.ADMIN_TOKEN;
import static io.balor.admin.api.AdminFixture.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /api/acme/providers} over real HTTP (issue 16): the DNS-01 providers of the state
 * file's {@code acme_providers}. Secrets are write-only: no answer and no audit record carries
 * one, only the state file; a {@code PUT} that sends the mask back keeps the stored value. A bad
 * entry is a {@code 400} naming its fields relative to the body, a second entry of one name a
 * {@code 409}, and a provider a job uses cannot be deleted; a refused call leaves the state file
 * as it was, byte for byte.
 */
class AcmeProvidersApiTest {

    private static final String REDACTED = "<redacted>";
    private static final String CF_TOKEN = "cf-token-4f1c9a0e77d2";
    private static final String R53_SECRET = "r53-secret-9b2e51c0aa";
    private static final String HOOK_TOKEN = "hook-token-51d7e0b3c2";
    private static final String CLOUDFLARE = "{\"name\": \"cf\", \"provider\": \"cloudflare\", \"api_token\": \""
            + CF_TOKEN + "\"}";
    private static final String ROUTE53 = "{\"name\": \"r53\", \"provider\": \"route53\", \"access_key\": "
            + "\"AKIAEXAMPLE\", \"secret_key\": \"" + R53_SECRET + "\", \"region\": \"eu-west-1\"}";
    private static final String GENERIC = "{\"name\": \"hook\", \"provider\": \"generic\", \"api_base\": "
            + "\"https://127.0.0.1:1/hook\", \"api_token\": \"" + HOOK_TOKEN + "\"}";
    private static final String ACME = "{\"email\": \"ops@example.com\", \"accept_terms\": true, "
            + "\"directory_url\": \"https://127.0.0.1:1/directory\", \"challenge\": \"dns01\", \"provider\": \"%s\"}";

    @TempDir
    Path dir;

    @Test
    void secretsAreStoredButNeverShown() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            for (String body : List.of(CLOUDFLARE, ROUTE53, GENERIC)) {
                HttpResponse<String> created = admin.call("POST", "/api/acme/providers", ADMIN_TOKEN, body);
                assertEquals(201, created.statusCode(), created.body());
                assertNoSecret(created.body());
            }
            HttpResponse<String> list = admin.call("GET", "/api/acme/providers", ADMIN_TOKEN, null);
            assertEquals(200, list.statusCode(), list.body());
            assertNoSecret(list.body());
            assertEquals(3, json(list).size(), list.body());
            assertEquals(REDACTED, json(list).get(0).get("api_token").asText());
            assertEquals(REDACTED, json(list).get(1).get("secret_key").asText());
            assertEquals("AKIAEXAMPLE", json(list).get(1).get("access_key").asText(), "an access key id is no secret");
            assertEquals("eu-west-1", json(list).get(1).get("region").asText());
            assertEquals(REDACTED, json(list).get(2).get("api_token").asText());
            assertEquals("https://127.0.0.1:1/hook", json(list).get(2).get("api_base").asText());

            HttpResponse<String> one = admin.call("GET", "/api/acme/providers/r53", ADMIN_TOKEN, null);
            assertEquals(200, one.statusCode(), one.body());
            assertNoSecret(one.body());
            assertEquals(REDACTED, json(one).get("secret_key").asText());

            assertEquals(CF_TOKEN, stored(admin, "cf").get("api_token").asText(), "the state file holds the value");
            assertEquals(R53_SECRET, stored(admin, "r53").get("secret_key").asText());
            assertEquals(HOOK_TOKEN, stored(admin, "hook").get("api_token").asText());
            assertNoSecret(AuditLogView.everyLogFile(admin));
            assertFalse(AuditLogView.audit(admin).isEmpty(), "the creations were audited");
        }
    }

    @Test
    void aPutWithTheMaskKeepsTheSecretAndANewValueReplacesIt() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            admin.create("/api/acme/providers", CLOUDFLARE);
            admin.create("/api/acme/providers", ROUTE53);

            HttpResponse<String> kept = admin.call("PUT", "/api/acme/providers/cf", ADMIN_TOKEN,
                    "{\"provider\": \"cloudflare\", \"api_token\": \"" + REDACTED + "\", \"zone\": \"example.com\"}");
            assertEquals(200, kept.statusCode(), kept.body());
            assertEquals(REDACTED, json(kept).get("api_token").asText());
            assertEquals("cf", json(kept).get("name").asText(), "the name is the path's");
            assertEquals(CF_TOKEN, stored(admin, "cf").get("api_token").asText(), "the mask kept the stored token");
            assertEquals("example.com", stored(admin, "cf").get("zone").asText());

            HttpResponse<String> region = admin.call("PUT", "/api/acme/providers/r53", ADMIN_TOKEN,
                    ROUTE53.replace("\"" + R53_SECRET + "\"", "\"" + REDACTED + "\"").replace("eu-west-1", "us-west-2"));
            assertEquals(200, region.statusCode(), region.body());
            assertEquals(R53_SECRET, stored(admin, "r53").get("secret_key").asText());
            assertEquals("us-west-2", stored(admin, "r53").get("region").asText());

            String fresh = "cf-token-rotated-0d93b1";
            HttpResponse<String> replaced = admin.call("PUT", "/api/acme/providers/cf", ADMIN_TOKEN,
                    "{\"name\": \"cf\", \"provider\": \"cloudflare\", \"api_token\": \"" + fresh + "\"}");
            assertEquals(200, replaced.statusCode(), replaced.body());
            assertFalse(replaced.body().contains(fresh), replaced.body());
            assertEquals(fresh, stored(admin, "cf").get("api_token").asText(), "a new value replaces the old one");
            assertNull(stored(admin, "cf").get("zone"), "a PUT is the whole entry");
            String logs = AuditLogView.everyLogFile(admin);
            assertFalse(logs.contains(fresh), logs);
            assertNoSecret(logs);

            assertEquals(404, admin.call("PUT", "/api/acme/providers/nope", ADMIN_TOKEN, CLOUDFLARE.replace(
                    "\"cf\"", "\"nope\"")).statusCode());
        }
    }

    @Test
    void invalidEntriesAreRefusedNamingTheirFieldsAndNothingIsSaved() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            admin.create("/api/acme/providers", CLOUDFLARE);
            byte[] before = StateFileView.bytes(admin);
            assertRefused(admin, "POST", "/api/acme/providers", "{\"name\": \"cf2\", \"provider\": \"cloudflare\"}",
                    "api_token");
            assertRefused(admin, "POST", "/api/acme/providers", ROUTE53.replace("eu-west-1", "the moon"), "region");
            assertRefused(admin, "POST", "/api/acme/providers", "{\"name\": \"x\", \"provider\": \"bind9\"}", "provider");
            assertRefused(admin, "POST", "/api/acme/providers", GENERIC.replace("\"api_base\"", "\"colour\""),
                    "colour");
            assertRefused(admin, "POST", "/api/acme/providers", "{\"name\": \"cf3\", \"provider\": \"cloudflare\", "
                    + "\"api_token\": \"" + REDACTED + "\"}", "api_token");   // a mask with nothing stored to keep
            assertRefused(admin, "POST", "/api/acme/providers", "{\"provider\": \"generic\"}", "name");
            assertRefused(admin, "PUT", "/api/acme/providers/cf", "{\"provider\": \"cloudflare\", \"api_token\": \""
                    + CF_TOKEN + "\", \"region\": \"eu-west-1\"}", "region");
            assertRefused(admin, "PUT", "/api/acme/providers/cf", "{\"provider\": \"route53\", \"access_key\": \"A\", "
                    + "\"secret_key\": \"" + REDACTED + "\"}", "secret_key");   // cloudflare's entry has none
            HttpResponse<String> renamed = admin.call("PUT", "/api/acme/providers/cf", ADMIN_TOKEN,
                    CLOUDFLARE.replace("\"cf\"", "\"other\""));
            assertEquals(400, renamed.statusCode(), renamed.body());
            assertEquals(before.length, StateFileView.bytes(admin).length);
            assertArrayEquals(before, StateFileView.bytes(admin), "nothing refused was saved");

            HttpResponse<String> duplicate = admin.call("POST", "/api/acme/providers", ADMIN_TOKEN,
                    CLOUDFLARE.replace(CF_TOKEN, "another-token-123"));
            assertEquals(409, duplicate.statusCode(), duplicate.body());
            assertArrayEquals(before, StateFileView.bytes(admin), "the duplicate was not saved");
            assertEquals(CF_TOKEN, stored(admin, "cf").get("api_token").asText());
        }
    }

    @Test
    void aProviderInUseCannotBeDeleted() throws Exception {
        try (AdminFixture admin = AdminFixture.withAcme(dir)) {
            admin.create("/api/acme/providers", CLOUDFLARE);
            admin.create("/api/acme/providers", GENERIC);
            admin.create("/api/acme/providers", ROUTE53);
            admin.create("/api/pools", "{\"name\": \"app\", \"upstreams\": [\"127.0.0.1:9\"]}");
            admin.create("/api/listeners", "{\"name\": \"web\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", "
                    + "\"pool\": \"app\", \"host_routes\": [{\"host\": \"shop.example.com\", \"pool\": \"app\", \"acme\": "
                    + String.format(ACME, "cf") + "}]}");
            HttpResponse<String> standalone = admin.call("POST", "/api/acme/request", ADMIN_TOKEN,
                    "{\"host\": \"*.example.org\", \"acme\": " + String.format(ACME, "hook") + "}");
            assertEquals(202, standalone.statusCode(), standalone.body());
            byte[] before = StateFileView.bytes(admin);

            HttpResponse<String> byRoute = admin.call("DELETE", "/api/acme/providers/cf", ADMIN_TOKEN, null);
            assertEquals(409, byRoute.statusCode(), byRoute.body());
            assertTrue(json(byRoute).get("error").asText().contains("shop.example.com"), byRoute.body());
            HttpResponse<String> byStandalone = admin.call("DELETE", "/api/acme/providers/hook", ADMIN_TOKEN, null);
            assertEquals(409, byStandalone.statusCode(), byStandalone.body());
            assertTrue(json(byStandalone).get("error").asText().contains("*.example.org"), byStandalone.body());
            assertArrayEquals(before, StateFileView.bytes(admin), "a refused delete saves nothing");

            assertEquals(404, admin.call("DELETE", "/api/acme/providers/nope", ADMIN_TOKEN, null).statusCode());
            assertEquals(404, admin.call("GET", "/api/acme/providers/nope", ADMIN_TOKEN, null).statusCode());
            assertEquals(204, admin.call("DELETE", "/api/acme/providers/r53", ADMIN_TOKEN, null).statusCode());
            assertNull(stored(admin, "r53"));
            assertEquals(2, StateFileView.root(admin).get("acme_providers").size());

            assertEquals(204, admin.call("DELETE", "/api/acme/jobs/*.example.org", ADMIN_TOKEN, null).statusCode());
            assertEquals(204, admin.call("DELETE", "/api/acme/providers/hook", ADMIN_TOKEN, null).statusCode(),
                    "unused once its job is gone");
        }
    }

    @Test
    void operatorsAndViewersSeeNoProviders() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            admin.create("/api/acme/providers", CLOUDFLARE);
            for (String token : List.of(admin.user("p-viewer", "viewer"), admin.user("p-operator", "operator"))) {
                HttpResponse<String> list = admin.call("GET", "/api/acme/providers", token, null);
                assertEquals(403, list.statusCode(), list.body());
                assertFalse(list.body().contains("cloudflare"), list.body());
            }
        }
    }

    /** The state file's entry named {@code name}, or null. */
    private static JsonNode stored(AdminFixture admin, String name) throws Exception {
        for (JsonNode entry : StateFileView.root(admin).path("acme_providers")) {
            if (name.equals(entry.path("name").asText())) {
                return entry;
            }
        }
        return null;
    }

    private static void assertNoSecret(String text) {
        for (String secret : List.of(CF_TOKEN, R53_SECRET, HOOK_TOKEN)) {
            assertFalse(text.contains(secret), "a secret shown: " + text);
        }
    }

    /** A 400 whose field (or one of its problems) is {@code field} (relative to the body), the state file unchanged. */
    private static void assertRefused(AdminFixture admin, String method, String path, String body, String field)
            throws Exception {
        byte[] before = StateFileView.bytes(admin);
        HttpResponse<String> response = admin.call(method, path, ADMIN_TOKEN, body);
        assertEquals(400, response.statusCode(), method + " " + body + ": " + response.body());
        List<String> fields = new ArrayList<>(List.of(json(response).path("field").asText()));
        json(response).path("problems").forEach(problem -> fields.add(problem.path("field").asText()));
        assertTrue(fields.contains(field), field + " in " + response.body());
        assertNoSecret(response.body());
        assertArrayEquals(before, StateFileView.bytes(admin), method + " " + body + " was refused but saved");
    }
}
