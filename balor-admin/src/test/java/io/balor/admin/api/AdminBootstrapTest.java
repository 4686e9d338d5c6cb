package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.balor.AccessLogOptions;
import io.balor.Balor;
import io.balor.BalorOptions;
import io.balor.admin.auth.MutableClock;
import io.balor.admin.auth.PasswordHasher;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.StateFile;
import io.balor.admin.state.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first start of the admin server without {@code BALOR_DEFAULT_ADMIN_PASSWORD} (issue 6): it
 * creates user {@code admin} with a generated password written to
 * {@code BALOR_BOOTSTRAP_SECRET_FILE} with mode 600, saves only the hash to the state file, and a
 * later start with users present leaves the file alone. Started the way {@link AdminFixture}
 * starts it, with a null default password.
 */
class AdminBootstrapTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PASSWORD_LINE = Pattern.compile("(?m)^password: (\\S+)$");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A Balor and an admin server on the state file in {@code dir}, without a default password. */
    private final class Started implements AutoCloseable {
        final Balor balor;
        final AdminServer server;

        Started() throws Exception {
            Path stateFile = stateFile();
            BalorState loaded = StateFile.load(stateFile);
            balor = Balor.start(loaded.config(), BalorOptions.defaults().withLoops(1).withAccessLog(AccessLogOptions.MEMORY));
            AdminServer started = null;
            try {
                started = AdminServer.start(new AdminServer.Settings(new InetSocketAddress("127.0.0.1", 0), null, null,
                        secretFile(), dir.resolve("data/certs"), dir.resolve("data/logs"), 1 << 20, 2, false,
                        new PasswordHasher(1_000, new SecureRandom()), clock, "test"), new StateStore(stateFile, balor, loaded));
            } finally {
                if (started == null) {
                    balor.close();
                }
            }
            server = started;
        }

        HttpResponse<String> login(String username, String password) throws Exception {
            String body = JSON.createObjectNode().put("username", username).put("password", password).toString();
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort()
                            + "/api/login")).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }

        /** {@code method path} with {@code token} and the JSON {@code body} (null: none). */
        HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort()
                            + path)).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + token).method(method, body == null
                            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
        }

        @Override
        public void close() {
            server.close();
            balor.close();
        }
    }

    private Path stateFile() {
        return dir.resolve("data/balor_state.json");
    }

    private Path secretFile() {
        return dir.resolve("secrets/admin-bootstrap.txt");
    }

    @Test
    void aGeneratedPasswordGoesToAnOwnerOnlyFileAndOnlyItsHashToTheState() throws Exception {
        String password;
        try (Started first = new Started()) {
            assertTrue(Files.isRegularFile(secretFile()), "no bootstrap file at " + secretFile());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secretFile())));
            String text = Files.readString(secretFile(), StandardCharsets.UTF_8);
            assertTrue(text.contains("username: admin\n"), text);
            Matcher line = PASSWORD_LINE.matcher(text);
            assertTrue(line.find(), text);
            password = line.group(1);
            assertTrue(password.length() >= 16, "a strong password: " + password);

            String message = first.server.bootstrapMessage();
            assertNotNull(message);
            assertTrue(message.contains(secretFile().toString()), message);
            assertFalse(message.contains(password), "the message never holds the password");

            HttpResponse<String> login = first.login("admin", password);
            assertEquals(200, login.statusCode(), login.body());
            assertEquals("admin", JSON.readTree(login.body()).path("role").asText());

            String state = Files.readString(stateFile(), StandardCharsets.UTF_8);
            assertFalse(state.contains(password), "the state file holds the password: " + state);
            JsonNode users = JSON.readTree(state).path("users");
            assertEquals(1, users.size(), state);
            assertEquals("admin", users.get(0).path("username").asText());
            assertEquals("admin", users.get(0).path("role").asText());
            assertTrue(users.get(0).path("password_hash").asText().startsWith("$pbkdf2-sha256$"), state);
        }

        byte[] before = Files.readAllBytes(secretFile());
        try (Started second = new Started()) {
            assertNull(second.server.bootstrapMessage(), "users exist: no bootstrap");
            assertArrayEquals(before, Files.readAllBytes(secretFile()), "the bootstrap file was rewritten");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secretFile())));
            assertEquals(200, second.login("admin", password).statusCode(), "the saved hash survives a restart");
        }
    }

    /** Issue 12, part B, point 2: the file's secret is stale once the password is changed. */
    @Test
    void changingTheFirstAdminsPasswordRemovesTheFileThatHeldIt() throws Exception {
        try (Started first = new Started()) {
            Matcher line = PASSWORD_LINE.matcher(Files.readString(secretFile(), StandardCharsets.UTF_8));
            assertTrue(line.find());
            String token = JSON.readTree(first.login("admin", line.group(1)).body()).path("token").asText();
            HttpResponse<String> viewer = first.call("POST", "/api/users", token,
                    "{\"username\": \"vera\", \"password\": \"vera-password-1\", \"role\": \"viewer\"}");
            assertEquals(201, viewer.statusCode(), viewer.body());
            HttpResponse<String> other = first.call("PUT", "/api/users/vera", token, "{\"password\": \"vera-password-2\"}");
            assertEquals(200, other.statusCode(), other.body());
            HttpResponse<String> role = first.call("PUT", "/api/users/admin", token, "{\"role\": \"admin\"}");
            assertEquals(200, role.statusCode(), role.body());
            assertTrue(Files.exists(secretFile()), "another user's password, or the admin's role, leaves it");

            HttpResponse<String> changed = first.call("PUT", "/api/users/admin", token,
                    "{\"password\": \"a-new-password-1\"}");
            assertEquals(200, changed.statusCode(), changed.body());
            assertFalse(Files.exists(secretFile()), "the stale secret is gone");
            String audit = Files.readString(dir.resolve("data/logs/audit.log"), StandardCharsets.UTF_8);
            assertTrue(audit.contains("removed the stale bootstrap file " + secretFile()), audit);
            assertEquals(200, first.login("admin", "a-new-password-1").statusCode());
        }
        try (Started second = new Started()) {
            assertNull(second.server.bootstrapMessage(), "users exist: nothing is said about a password");
            assertFalse(Files.exists(secretFile()));
        }
    }

    @Test
    void aFileThatIsNotTheBootstrapOneIsLeftAlone() throws Exception {
        try (Started first = new Started()) {
            Matcher line = PASSWORD_LINE.matcher(Files.readString(secretFile(), StandardCharsets.UTF_8));
            assertTrue(line.find());
            String token = JSON.readTree(first.login("admin", line.group(1)).body()).path("token").asText();
            Files.writeString(secretFile(), "notes of the operator, not Balor's\n");
            HttpResponse<String> changed = first.call("PUT", "/api/users/admin", token,
                    "{\"password\": \"a-new-password-1\"}");
            assertEquals(200, changed.statusCode(), changed.body());
            assertTrue(Files.exists(secretFile()), "only the file Balor wrote for this user is removed");
        }
    }

    @Test
    void aSecondStartDoesNotWriteAMissingFileAgain() throws Exception {
        try (Started first = new Started()) {
            assertNotNull(first.server.bootstrapMessage());
        }
        Files.delete(secretFile());   // the operator read it and deleted it, as the file asks
        try (Started second = new Started()) {
            assertNull(second.server.bootstrapMessage());
            assertFalse(Files.exists(secretFile()), "a start with users wrote a bootstrap file");
        }
    }
}
