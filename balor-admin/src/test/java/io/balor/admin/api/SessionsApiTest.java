package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.admin.auth.LoginResult;
import io.balor.admin.auth.SessionStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions of the admin API end to end (issue 6): what a login answers, logout, the idle (12 h)
 * and absolute (24 h) expiries on the fixture's clock, revocation on user deletion, password and
 * role changes, the admin token being a bearer token and never a password, one answer for a
 * wrong password and an unknown user, and login throttling per user and per client address.
 * Every test has a fixture (and so a throttle) of its own.
 */
class SessionsApiTest {

    @TempDir
    Path dir;

    private static String credentials(String username, String password) {
        return "{\"username\": \"" + username + "\", \"password\": \"" + password + "\"}";
    }

    private static HttpResponse<String> login(AdminFixture admin, String username, String password) throws Exception {
        return admin.call("POST", "/api/login", null, credentials(username, password));
    }

    /** The status of a viewer's read with {@code token}. */
    private static int use(AdminFixture admin, String token) throws Exception {
        return admin.call("GET", "/api/listeners", token, null).statusCode();
    }

    @Test
    void loginAnswersARandom256BitTokenThatWorksUntilLogout() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            admin.user("alice", "operator");
            HttpResponse<String> response = login(admin, "alice", "alice-password");
            assertEquals(200, response.statusCode(), response.body());
            JsonNode body = AdminFixture.json(response);
            assertEquals("alice", body.path("username").asText());
            assertEquals("operator", body.path("role").asText());
            assertEquals(admin.clock.instant().plus(SessionStore.DEFAULT_IDLE),
                    Instant.parse(body.path("expires_at").asText()), body.toString());
            String token = body.path("token").asText();
            assertEquals(32, Base64.getUrlDecoder().decode(token).length, "256 bits: " + token);
            String second = admin.login("alice", "alice-password");
            assertNotEquals(token, second);
            assertTrue(!response.body().contains("alice-password"), response.body());

            assertEquals(200, use(admin, token));
            assertEquals(201, admin.call("POST", "/api/pools", token,
                    "{\"name\": \"p\", \"upstreams\": [\"127.0.0.1:9\"]}").statusCode(),
                    "an operator's token carries the operator role");
            HttpResponse<String> logout = admin.call("POST", "/api/logout", token, null);
            assertEquals(204, logout.statusCode(), logout.body());
            HttpResponse<String> after = admin.call("GET", "/api/listeners", token, null);
            assertEquals(401, after.statusCode(), after.body());
            assertTrue(after.headers().firstValue("WWW-Authenticate").isPresent());
            assertEquals(401, admin.call("POST", "/api/logout", token, null).statusCode());
            assertEquals(200, use(admin, second), "logout ends that session only");
        }
    }

    @Test
    void anUnusedSessionExpiresAfter30Minutes() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            String idle = admin.login("admin", AdminFixture.ADMIN_PASSWORD);
            String used = admin.login("admin", AdminFixture.ADMIN_PASSWORD);
            admin.clock.advance(Duration.ofMinutes(30).minusSeconds(1));
            assertEquals(200, use(admin, used), "30 min - 1 s");
            admin.clock.advance(Duration.ofSeconds(2));
            assertEquals(401, use(admin, idle), "30 min + 1 s without use");
            assertEquals(200, use(admin, used), "used 2 s ago");
            // a use pushes the idle expiry 30 min on, not further
            String again = admin.login("admin", AdminFixture.ADMIN_PASSWORD);
            admin.clock.advance(Duration.ofMinutes(20));
            assertEquals(200, use(admin, again));
            admin.clock.advance(Duration.ofMinutes(30).plusSeconds(1));
            assertEquals(401, use(admin, again), "30 min + 1 s after its last use, 50 min after login");
        }
    }

    @Test
    void aSessionInUseEndsAt12Hours() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            String token = admin.login("admin", AdminFixture.ADMIN_PASSWORD);
            for (int i = 1; i < 36; i++) {
                admin.clock.advance(Duration.ofMinutes(20));
                assertEquals(200, use(admin, token), "at " + i * 20 + " min");
            }
            admin.clock.advance(Duration.ofMinutes(20).minusSeconds(1));
            assertEquals(200, use(admin, token), "at 12 h - 1 s");
            admin.clock.advance(Duration.ofSeconds(2));
            assertEquals(401, use(admin, token), "at 12 h + 1 s: the absolute expiry");
            assertEquals(200, use(admin, admin.login("admin", AdminFixture.ADMIN_PASSWORD)), "a new login works");
        }
    }

    @Test
    void deletingAUserEndsItsSessions() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            String bob = admin.user("bob", "viewer");
            String carol = admin.user("carol", "viewer");
            assertEquals(200, use(admin, bob));
            assertEquals(204, admin.call("DELETE", "/api/users/bob", AdminFixture.ADMIN_TOKEN, null).statusCode());
            assertEquals(401, use(admin, bob));
            assertEquals(200, use(admin, carol), "only bob's sessions end");
            assertEquals(401, login(admin, "bob", "bob-password").statusCode());
        }
    }

    @Test
    void changingAPasswordEndsTheUsersSessions() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            String bob = admin.user("bob", "viewer");
            String carol = admin.user("carol", "viewer");
            String adminSession = admin.login("admin", AdminFixture.ADMIN_PASSWORD);
            HttpResponse<String> change = admin.call("PUT", "/api/users/bob", adminSession,
                    "{\"password\": \"bob-new-password\"}");
            assertEquals(200, change.statusCode(), change.body());
            assertEquals(401, use(admin, bob));
            assertEquals(200, use(admin, carol));
            assertEquals(200, use(admin, adminSession), "the admin who made the change stays logged in");
            assertEquals(401, login(admin, "bob", "bob-password").statusCode());
            assertEquals(200, use(admin, admin.login("bob", "bob-new-password")));

            // an admin changing its own password ends its own sessions too, the one it used included
            String other = admin.login("admin", AdminFixture.ADMIN_PASSWORD);
            HttpResponse<String> own = admin.call("PUT", "/api/users/admin", adminSession,
                    "{\"password\": \"admin-password-2\"}");
            assertEquals(200, own.statusCode(), own.body());
            assertEquals(401, use(admin, adminSession));
            assertEquals(401, use(admin, other));
            assertEquals(200, use(admin, admin.login("admin", "admin-password-2")));
        }
    }

    @Test
    void changingARoleEndsTheUsersSessions() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            String bob = admin.user("bob", "operator");
            HttpResponse<String> change = admin.call("PUT", "/api/users/bob",
                    admin.login("admin", AdminFixture.ADMIN_PASSWORD), "{\"role\": \"viewer\"}");
            assertEquals(200, change.statusCode(), change.body());
            assertEquals("viewer", AdminFixture.json(change).path("role").asText());
            assertEquals(401, use(admin, bob), "the old token would still say operator");
            HttpResponse<String> again = login(admin, "bob", "bob-password");
            assertEquals(200, again.statusCode(), again.body());
            assertEquals("viewer", AdminFixture.json(again).path("role").asText());
            HttpResponse<String> create = admin.call("POST", "/api/pools", AdminFixture.json(again).path("token").asText(),
                    "{\"name\": \"p\", \"upstreams\": [\"127.0.0.1:9\"]}");
            assertEquals(403, create.statusCode(), create.body());
        }
    }

    @Test
    void theAdminTokenIsABearerTokenAndNoPassword() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            HttpResponse<String> users = admin.call("GET", "/api/users", AdminFixture.ADMIN_TOKEN, null);
            assertEquals(200, users.statusCode(), users.body());
            HttpResponse<String> asAdmin = login(admin, "admin", AdminFixture.ADMIN_TOKEN);
            assertEquals(401, asAdmin.statusCode(), asAdmin.body());
            assertTrue(!asAdmin.body().contains("token\":"), asAdmin.body());
            admin.user("dave", "viewer");
            assertEquals(401, login(admin, "dave", AdminFixture.ADMIN_TOKEN).statusCode());
            assertEquals(401, login(admin, "BALOR_ADMIN_TOKEN", AdminFixture.ADMIN_TOKEN).statusCode());
            // logging the admin token "out" ends nothing: it is still good
            assertEquals(204, admin.call("POST", "/api/logout", AdminFixture.ADMIN_TOKEN, null).statusCode());
            assertEquals(200, admin.call("GET", "/api/users", AdminFixture.ADMIN_TOKEN, null).statusCode());
            assertEquals(401, admin.call("GET", "/api/users", AdminFixture.ADMIN_TOKEN + "x", null).statusCode());
        }
    }

    @Test
    void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            HttpResponse<String> wrong = login(admin, "admin", "not-the-password");
            HttpResponse<String> unknown = login(admin, "nobody-here", "not-the-password");
            assertEquals(401, wrong.statusCode(), wrong.body());
            assertEquals(wrong.statusCode(), unknown.statusCode());
            assertEquals(AdminFixture.json(wrong).path("error").asText(), AdminFixture.json(unknown).path("error").asText());
            assertEquals(wrong.body(), unknown.body());
        }
    }

    @Test
    void fiveWrongPasswordsThrottleTheUserUntilRetryAfter() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            for (int i = 1; i <= 5; i++) {
                assertEquals(401, login(admin, "admin", "wrong-password-" + i).statusCode(), "attempt " + i);
            }
            HttpResponse<String> throttled = login(admin, "admin", AdminFixture.ADMIN_PASSWORD);
            assertEquals(429, throttled.statusCode(), throttled.body());
            long retryAfter = Long.parseLong(throttled.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1, "Retry-After: " + retryAfter);
            assertTrue(!throttled.body().contains("token\":"), throttled.body());
            admin.clock.advance(Duration.ofSeconds(retryAfter).minusMillis(1));
            assertEquals(429, login(admin, "admin", AdminFixture.ADMIN_PASSWORD).statusCode(), "just before Retry-After");
            admin.clock.advance(Duration.ofMillis(2));
            HttpResponse<String> ok = login(admin, "admin", AdminFixture.ADMIN_PASSWORD);
            assertEquals(200, ok.statusCode(), ok.body());
        }
    }

    @Test
    void manyUsernamesFromOneAddressAreThrottledToo() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            for (int i = 1; i <= 20; i++) {
                assertEquals(401, login(admin, "sprayed-" + i, "wrong-password").statusCode(), "attempt " + i);
            }
            HttpResponse<String> another = login(admin, "sprayed-21", "wrong-password");
            assertEquals(429, another.statusCode(), another.body());
            HttpResponse<String> admins = login(admin, "admin", AdminFixture.ADMIN_PASSWORD);
            assertEquals(429, admins.statusCode(), "127.0.0.1 is throttled whatever the username: " + admins.body());
            long retryAfter = Long.parseLong(admins.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1, "Retry-After: " + retryAfter);
            HttpResponse<String> forwarded = HttpClient.newHttpClient().send(HttpRequest.newBuilder(admin.uri("/api/login"))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .header("X-Forwarded-For", "192.0.2.7")
                    .POST(HttpRequest.BodyPublishers.ofString(credentials("admin", AdminFixture.ADMIN_PASSWORD))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(429, forwarded.statusCode(), "X-Forwarded-For is not the client's address: " + forwarded.body());
            admin.clock.advance(Duration.ofSeconds(retryAfter).plusMillis(1));
            assertEquals(200, login(admin, "admin", AdminFixture.ADMIN_PASSWORD).statusCode());
        }
    }

    /**
     * Per user: guesses at one account from many addresses (made on the server's own authenticator,
     * as the HTTP client can only come from 127.0.0.1) throttle it past a ceiling of 20 for
     * addresses it never logged in from, 127.0.0.1 here, while another account from 127.0.0.1 still
     * logs in; once the owner has logged in from 127.0.0.1, such guesses no longer hold it back there.
     */
    @Test
    void oneAccountGuessedFromManyAddressesWaitsOnlyWhereItNeverLoggedIn() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            admin.user("erin", "viewer");
            guessFromElsewhere(admin, 20);
            HttpResponse<String> throttled = login(admin, "admin", AdminFixture.ADMIN_PASSWORD);
            assertEquals(429, throttled.statusCode(), throttled.body());
            long retryAfter = Long.parseLong(throttled.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1, "Retry-After: " + retryAfter);
            assertEquals(200, login(admin, "erin", "erin-password").statusCode(), "127.0.0.1 itself is not throttled");
            admin.clock.advance(Duration.ofSeconds(retryAfter).plusMillis(1));
            assertEquals(200, login(admin, "admin", AdminFixture.ADMIN_PASSWORD).statusCode());

            guessFromElsewhere(admin, 40);
            assertEquals(200, login(admin, "admin", AdminFixture.ADMIN_PASSWORD).statusCode(),
                    "127.0.0.1 is where admin logged in before");
        }
    }

    private static void guessFromElsewhere(AdminFixture admin, int guesses) throws Exception {
        for (int i = 1; i <= guesses; i++) {
            LoginResult result = admin.server.authenticator().login("admin", "wrong-password".toCharArray(),
                    InetAddress.getByName("192.0.2." + i));
            assertTrue(result instanceof LoginResult.BadCredentials || result instanceof LoginResult.Throttled,
                    "guess " + i + ": " + result);
        }
    }
}
