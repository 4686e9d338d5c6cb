package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /api/users} (issue 6): create, refusals by status and field, the last admin kept, and no
 * password hash ever answered. Called with the admin token.
 */
class UsersApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = AdminFixture.ADMIN_TOKEN;

    @TempDir
    Path dir;

    private static void assertRefused(HttpResponse<String> response, int status, String field) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode body = AdminFixture.json(response);
        assertFalse(body.path("error").asText().isEmpty(), response.body());
        if (field != null) {
            assertEquals(field, body.path("field").asText(null), response.body());
        }
    }

    /**
     * A user whose stored hash has fewer iterations than the hasher's gets a stronger one at its
     * next login, saved to the state file, and keeps its session; a user changed meanwhile is not
     * written back.
     */
    @Test
    void aWeakerStoredHashIsMadeStrongerAtLoginAndSaved() throws Exception {
        io.balor.admin.auth.PasswordHasher weak = new io.balor.admin.auth.PasswordHasher(500,
                new java.security.SecureRandom());
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/balor_state.json"), "{\"version\": 1, \"users\": ["
                + "{\"username\": \"admin\", \"role\": \"admin\", \"password_hash\": \""
                + weak.hash("admin-password-1".toCharArray()) + "\"}]}");
        try (AdminFixture admin = new AdminFixture(dir)) {
            String token = admin.login("admin", "admin-password-1");
            String saved = StateFileView.root(admin).get("users").get(0).get("password_hash").asText();
            assertTrue(saved.startsWith("$pbkdf2-sha256$i=1000$"), "made again at the hasher's count: " + saved);
            assertEquals(200, admin.call("GET", "/api/users", token, null).statusCode(), "the session lives on");
            admin.login("admin", "admin-password-1");
            assertEquals(saved, StateFileView.root(admin).get("users").get(0).get("password_hash").asText(),
                    "a strong hash is left as it is");
        }
    }

    @Test
    void createAnswers201AndTheUserCanLogIn() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            HttpResponse<String> created = admin.call("POST", "/api/users", TOKEN,
                    "{\"username\": \"erin\", \"password\": \"erin-password\", \"role\": \"operator\"}");
            assertEquals(201, created.statusCode(), created.body());
            JsonNode user = AdminFixture.json(created);
            assertEquals("erin", user.path("username").asText());
            assertEquals("operator", user.path("role").asText());
            assertEquals(admin.clock.instant(), Instant.parse(user.path("created_at").asText()));
            assertEquals("operator", AdminFixture.json(admin.call("POST", "/api/login", null,
                    "{\"username\": \"erin\", \"password\": \"erin-password\"}")).path("role").asText());

            HttpResponse<String> plain = admin.call("POST", "/api/users", TOKEN,
                    "{\"username\": \"frank\", \"password\": \"frank-password\"}");
            assertEquals(201, plain.statusCode(), plain.body());
            assertEquals("viewer", AdminFixture.json(plain).path("role").asText(), "the default role");
            HttpResponse<String> one = admin.call("GET", "/api/users/frank", TOKEN, null);
            assertEquals(200, one.statusCode(), one.body());
            assertEquals("viewer", AdminFixture.json(one).path("role").asText());
        }
    }

    @Test
    void refusalsNameTheirStatusAndField() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            assertEquals(201, admin.call("POST", "/api/users", TOKEN,
                    "{\"username\": \"gina\", \"password\": \"gina-password\"}").statusCode());
            String before = Files.readString(dir.resolve("data/balor_state.json"), StandardCharsets.UTF_8);

            assertRefused(admin.call("POST", "/api/users", TOKEN,
                    "{\"username\": \"gina\", \"password\": \"other-password\"}"), 409, null);
            assertRefused(admin.call("POST", "/api/users", TOKEN,
                    "{\"username\": \"admin\", \"password\": \"other-password\", \"role\": \"admin\"}"), 409, null);
            assertRefused(admin.call("POST", "/api/users", TOKEN,
                    "{\"username\": \"hank\", \"password\": \"hank-password\", \"role\": \"root\"}"), 400, "role");
            assertRefused(admin.call("POST", "/api/users", TOKEN,
                    "{\"username\": \"hank\", \"password\": \"short\"}"), 400, "password");
            assertRefused(admin.call("POST", "/api/users", TOKEN,
                    "{\"username\": \"hank\"}"), 400, "password");
            assertRefused(admin.call("POST", "/api/users", TOKEN,
                    "{\"username\": \"hank\", \"password\": \"hank-password\", \"is_admin\": true}"), 400, "is_admin");
            assertRefused(admin.call("POST", "/api/users", TOKEN,
                    "{\"username\": \"hank\", \"password_hash\": \"$pbkdf2-sha256$i=1$AA$AA\"}"), 400, "password_hash");
            assertRefused(admin.call("POST", "/api/users", TOKEN,
                    "{\"username\": \"no spaces\", \"password\": \"hank-password\"}"), 400, "username");
            assertRefused(admin.call("POST", "/api/users", TOKEN,
                    "{\"username\": \"BALOR_ADMIN_TOKEN\", \"password\": \"hank-password\"}"), 400, "username");
            assertRefused(admin.call("PUT", "/api/users/gina", TOKEN, "{\"role\": \"root\"}"), 400, "role");
            assertRefused(admin.call("PUT", "/api/users/gina", TOKEN, "{\"password\": \"short\"}"), 400, "password");
            assertRefused(admin.call("PUT", "/api/users/gina", TOKEN, "{\"username\": \"gina2\"}"), 400, "username");
            assertRefused(admin.call("PUT", "/api/users/gina", TOKEN, "{}"), 400, null);
            assertRefused(admin.call("PUT", "/api/users/nobody", TOKEN, "{\"role\": \"viewer\"}"), 404, null);
            assertRefused(admin.call("DELETE", "/api/users/nobody", TOKEN, null), 404, null);

            assertEquals(before, Files.readString(dir.resolve("data/balor_state.json"), StandardCharsets.UTF_8),
                    "a refused change was saved");
            assertEquals(2, AdminFixture.json(admin.call("GET", "/api/users", TOKEN, null)).size());
        }
    }

    @Test
    void theLastAdminCannotBeDeletedOrDemoted() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            assertRefused(admin.call("DELETE", "/api/users/admin", TOKEN, null), 409, null);
            assertRefused(admin.call("PUT", "/api/users/admin", TOKEN, "{\"role\": \"operator\"}"), 409, null);
            String session = admin.login("admin", AdminFixture.ADMIN_PASSWORD);
            assertEquals(200, admin.call("GET", "/api/users", session, null).statusCode(),
                    "a refused change revokes nothing");

            assertEquals(201, admin.call("POST", "/api/users", TOKEN,
                    "{\"username\": \"ivan\", \"password\": \"ivan-password\", \"role\": \"admin\"}").statusCode());
            assertEquals(204, admin.call("DELETE", "/api/users/admin", TOKEN, null).statusCode(),
                    "with another admin it can go");
            assertRefused(admin.call("DELETE", "/api/users/ivan", TOKEN, null), 409, null);
            JsonNode users = AdminFixture.json(admin.call("GET", "/api/users", TOKEN, null));
            assertEquals(1, users.size(), users.toString());
            assertEquals("ivan", users.get(0).path("username").asText());
        }
    }

    @Test
    void noAnswerEverCarriesAPasswordHash() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            HttpResponse<String> created = admin.call("POST", "/api/users", TOKEN,
                    "{\"username\": \"judy\", \"password\": \"judy-password\", \"role\": \"viewer\"}");
            HttpResponse<String> updated = admin.call("PUT", "/api/users/judy", TOKEN,
                    "{\"password\": \"judy-password-2\", \"role\": \"operator\"}");
            assertEquals(200, updated.statusCode(), updated.body());
            HttpResponse<String> list = admin.call("GET", "/api/users", TOKEN, null);
            HttpResponse<String> one = admin.call("GET", "/api/users/judy", TOKEN, null);
            JsonNode saved = JSON.readTree(Files.readString(dir.resolve("data/balor_state.json"))).path("users");
            List<String> hashes = new ArrayList<>();
            saved.forEach(user -> hashes.add(user.path("password_hash").asText()));
            assertEquals(2, hashes.size(), saved.toString());
            for (HttpResponse<String> response : List.of(created, updated, list, one)) {
                String body = response.body();
                assertFalse(body.contains("pbkdf2"), body);
                assertFalse(body.contains("password\""), body);
                for (String hash : hashes) {
                    assertFalse(body.contains(hash), body);
                    String[] parts = hash.split("\\$");
                    assertFalse(body.contains(parts[parts.length - 1]), "the hash's digest is in " + body);
                }
            }
            for (JsonNode user : AdminFixture.json(list)) {
                for (Iterator<String> keys = user.fieldNames(); keys.hasNext(); ) {
                    String key = keys.next();
                    assertTrue(List.of("username", "role", "created_at", "password_login").contains(key),
                            "unexpected key " + key + " in " + user);
                }
            }
        }
    }
}
