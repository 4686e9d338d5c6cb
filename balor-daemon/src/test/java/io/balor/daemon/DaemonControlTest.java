package io.balor.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import static io.balor.daemon.AdminClient.WAIT;
import static io.balor.daemon.AdminClient.mode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The running daemon's control plane besides HTTP, as a real process: its control socket
 * ({@code BALOR_CONTROL_SOCKET}, mode 600, removed at SIGTERM, a stale one replaced, a live one
 * never taken) and {@code balorctl users unlock} through it, which clears a throttled user's
 * login throttle; {@code balorctl validate} naming bad names by path; the start-up lines about
 * {@code BALOR_DEFAULT_ADMIN_PASSWORD}; and the sessions' idle expiry as a login reports it.
 * balorctl runs in this JVM ({@link BalorCtl#run}); logins go through java.net.http.
 */
class DaemonControlTest {

    private static final String PASSWORD = "first-password";
    private static final String ALICE_PASSWORD = "alice-password-1";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Path socket() {
        return dir.resolve("run/c.sock");
    }

    private Map<String, String> env(String... extra) {
        Map<String, String> env = new HashMap<>(Map.of("BALOR_STATE_FILE", dir.resolve("data/state.json").toString(),
                "BALOR_LOOPS", "1", "BALOR_HTTP_ADDR", "127.0.0.1:0", "BALOR_DEFAULT_ADMIN_PASSWORD", PASSWORD,
                "BALOR_LOG_DIR", dir.resolve("logs").toString(),
                "BALOR_CONTROL_SOCKET", socket().toString(),
                "BALOR_BOOTSTRAP_SECRET_FILE", dir.resolve("data/bootstrap.txt").toString(),
                "BALOR_CERT_DIR", dir.resolve("certs").toString()));
        for (int i = 0; i < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return env;
    }

    /** Runs balorctl in this JVM with {@code BALOR_CONTROL_SOCKET} (and {@code env}); its exit code. */
    private int balorctl(Map<String, String> env, String... args) {
        out.reset();
        err.reset();
        return BalorCtl.run(args, env, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                null);
    }

    private int unlock(String name) {
        return balorctl(Map.of("BALOR_CONTROL_SOCKET", socket().toString()), "users", "unlock", name);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void unlockClearsAThrottledUsersLoginThroughTheControlSocket() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, env())) {
            AdminClient api = AdminClient.of(daemon);
            assertEquals("control socket " + socket() + " (balorctl users unlock)",
                    daemon.awaitLine(line -> line.startsWith("control socket "), WAIT));
            assertEquals("rw-------", mode(socket()));
            assertEquals("rwx------", mode(socket().getParent()), "the socket's directory, created");

            String admin = api.token("admin", PASSWORD);
            AdminClient.Answer created = api.post("/api/users", admin,
                    "{\"username\": \"alice\", \"password\": \"" + ALICE_PASSWORD + "\", \"role\": \"viewer\"}");
            assertEquals(201, created.status(), created.toString());

            assertEquals(0, unlock("alice"), err());
            assertTrue(out().startsWith("alice was not throttled"), out());

            // Wrong passwords until the back-off is long enough that the next attempt is surely
            // inside it: 5 free failures, then 1 s, 2 s, 4 s after each further one.
            long deadline = System.nanoTime() + WAIT.toNanos();
            int failures = 0;
            while (true) {
                AdminClient.Answer wrong = api.login("alice", "wrong-password-" + failures);
                if (wrong.status() == 401) {
                    failures++;
                } else {
                    assertEquals(429, wrong.status(), wrong.toString());
                    if (Long.parseLong(wrong.header("Retry-After")) >= 3) {
                        break;
                    }
                }
                assertTrue(System.nanoTime() - deadline < 0, "not throttled within " + WAIT + " (" + failures
                        + " failures)");
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
            assertTrue(failures > 5 && failures <= 8, failures + " failures");
            AdminClient.Answer throttled = api.login("alice", ALICE_PASSWORD);
            assertEquals(429, throttled.status(), "even the right password waits: " + throttled);

            assertEquals(0, unlock("alice"), err());
            assertEquals("unlocked alice\n", out());
            AdminClient.Answer login = api.login("alice", ALICE_PASSWORD);
            assertEquals(200, login.status(), login.toString());
            assertEquals("alice", login.json().get("username").asText());

            daemon.terminate();
            assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
        }
        assertFalse(Files.exists(socket()), "removed at SIGTERM");
        try (var left = Files.list(socket().getParent())) {
            assertEquals(List.of(), left.toList(), "nothing left where the socket was staged and bound");
        }
        List<String> unlocks = Files.readAllLines(dir.resolve("logs/audit.log")).stream()
                .filter(line -> line.contains("\"method\":\"UNLOCK\"")).toList();
        assertEquals(2, unlocks.size(), "each unlock is audited: " + unlocks);
        assertTrue(unlocks.get(0).contains("\"username\":\"balorctl\"") && unlocks.get(0).contains(
                "\"path\":\"/control/unlock/alice\"") && unlocks.get(0).contains("was not throttled"), unlocks.get(0));
        assertTrue(unlocks.get(1).contains("\"detail\":\"unlocked user alice\""), unlocks.get(1));
        assertEquals(1, unlock("alice"));
        assertTrue(err().contains("no balor answers on " + socket()), err());
    }

    @Test
    void unlockWithNoDaemonRunningSaysNoBalorAnswers() {
        assertEquals(1, unlock("alice"));
        assertTrue(err().startsWith("balorctl: no balor answers on " + socket()), err());
        assertTrue(err().contains("a stopped one has none"), err());
        assertEquals("", out());
        assertFalse(Files.exists(socket().getParent()), "balorctl creates nothing");
    }

    @Test
    void aStaleSocketIsReplacedAndALiveOneIsNeverTaken() throws Exception {
        Map<String, String> first = env();
        Map<String, String> second = env("BALOR_STATE_FILE", dir.resolve("other/state.json").toString(),
                "BALOR_LOG_DIR", dir.resolve("other/logs").toString());
        try (DaemonProcess a = DaemonProcess.start(dir, first)) {
            a.awaitLine(line -> line.startsWith("ready:"), WAIT);
            try (DaemonProcess b = DaemonProcess.start(dir, second)) {
                b.awaitLine(line -> line.startsWith("ready:"), WAIT);
                b.awaitStderr("balor: warning: no control socket at " + socket() + " (another balor answers on "
                        + socket() + ")", WAIT);
                b.terminate();
                assertEquals(0, b.awaitExit(WAIT), b.stderr());
            }
            assertEquals(0, unlock("alice"), "the first daemon still answers: " + err());
            assertTrue(out().startsWith("alice was not throttled"), out());

            a.close();   // SIGKILL: the socket file stays behind
            assertEquals(128 + 9, a.awaitExit(WAIT), "killed, not stopped");
        }
        assertTrue(Files.exists(socket()), "a killed daemon leaves its socket file");
        assertEquals(1, unlock("alice"));
        assertTrue(err().contains("no balor answers on " + socket()), err());

        try (DaemonProcess c = DaemonProcess.start(dir, first)) {
            c.awaitLine(line -> line.equals("control socket " + socket() + " (balorctl users unlock)"), WAIT);
            assertEquals(0, unlock("alice"), err());
            assertEquals("rw-------", mode(socket()));
            c.terminate();
            assertEquals(0, c.awaitExit(WAIT), c.stderr());
            assertFalse(c.stderr().contains("control socket"), c.stderr());
        }
    }

    @Test
    void validateNamesABadListenerNameAndABadUsernameByPath() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, """
                {"version": 1,
                 "pools": [{"name": "app", "upstreams": ["127.0.0.1:9000"]}],
                 "listeners": [{"name": "..", "listen": "127.0.0.1:8080", "pool": "app"}],
                 "users": [{"username": "a@b", "role": "admin", "password_hash": "%s"}]}
                """.formatted(BalorCtlTest.ADMIN_HASH));

        assertEquals(1, balorctl(Map.of(), "validate", file.toString()));
        String report = out();
        assertTrue(report.startsWith(file + ": invalid (2 problems):\n"), report);
        assertTrue(report.contains("\n  listeners[0].name: '..' must start with a letter or a digit"), report);
        assertTrue(report.contains("\n  users[0].username: a username is 1 to 64 letters, digits, '.', '_' or '-',"
                + " starting with a letter or a digit, was 'a@b'"), report);
    }

    @Test
    void theDefaultPasswordLinesAndTheSessionsIdleExpiry() throws Exception {
        Instant before;
        AdminClient.Answer login;
        try (DaemonProcess daemon = DaemonProcess.start(dir, env())) {
            String created = daemon.awaitLine(line -> line.startsWith("there were no users"), WAIT);
            assertEquals("there were no users: created 'admin' with the password from the environment"
                    + " (BALOR_DEFAULT_ADMIN_PASSWORD); change it now (PUT /api/users/admin) and unset the variable:"
                    + " anyone who can read this process's environment knows it", created);
            AdminClient api = AdminClient.of(daemon);
            before = Instant.now();
            login = api.login("admin", PASSWORD);
            assertExpiresAfter(login, before, Instant.now(), Duration.ofMinutes(30));
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
            assertFalse(daemon.stderr().contains("is set but not used"), daemon.stderr());
        }
        assertFalse(Files.exists(dir.resolve("data/bootstrap.txt")), "no generated password");

        // Users exist now: a changed variable is not used, and says so.
        try (DaemonProcess daemon = DaemonProcess.start(dir, env("BALOR_DEFAULT_ADMIN_PASSWORD", "second-password",
                "BALOR_SESSION_IDLE_SECONDS", "600"))) {
            AdminClient api = AdminClient.of(daemon);
            daemon.awaitStderr("balor: warning: BALOR_DEFAULT_ADMIN_PASSWORD is set but not used (there are users"
                    + " already); unset it", WAIT);
            assertEquals(401, api.login("admin", "second-password").status());
            before = Instant.now();
            login = api.login("admin", PASSWORD);
            assertExpiresAfter(login, before, Instant.now(), Duration.ofMinutes(10));
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
        }
    }

    @Test
    void aDefaultPasswordThatBreaksThePasswordRulesIsReportedAsSuch() throws Exception {
        // "admin" is the original Balor's Makefile default: too short here.
        try (DaemonProcess daemon = DaemonProcess.start(dir, env("BALOR_DEFAULT_ADMIN_PASSWORD", "admin"))) {
            assertNotEquals(0, daemon.awaitExit(WAIT));
            String stderr = daemon.stderr();
            assertTrue(stderr.contains("BALOR_DEFAULT_ADMIN_PASSWORD: a password must be 8 to 1024 characters long"),
                    stderr);
            assertFalse(stderr.contains("cannot listen on"), "the address is fine: " + stderr);
            assertFalse(stderr.contains("Free the address"), stderr);
        }
    }

    @Test
    void aFileThatIsNotASocketIsNeverReplacedByTheControlSocket() throws Exception {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "precious\n");
        try (DaemonProcess daemon = DaemonProcess.start(dir, env("BALOR_CONTROL_SOCKET", notes.toString()))) {
            daemon.awaitLine(line -> line.startsWith("ready:"), WAIT);
            assertTrue(Files.isRegularFile(notes), "not replaced by a socket");
            assertEquals("precious\n", Files.readString(notes));
            daemon.awaitStderr("balor: warning: no control socket at " + notes, WAIT);
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
        }
        assertEquals("precious\n", Files.readString(notes), "still there after the stop");
    }

    /** The login succeeded and its {@code expires_at} is {@code idle} after a moment between {@code from} and {@code to}. */
    private static void assertExpiresAfter(AdminClient.Answer login, Instant from, Instant to, Duration idle) {
        assertEquals(200, login.status(), login.toString());
        Instant expires = Instant.parse(login.json().get("expires_at").asText());
        // A second either way for the clocks' resolutions.
        assertTrue(!expires.isBefore(from.plus(idle).minusSeconds(1)) && !expires.isAfter(to.plus(idle).plusSeconds(1)),
                expires + " is not " + idle + " after " + from + ".." + to);
    }
}
