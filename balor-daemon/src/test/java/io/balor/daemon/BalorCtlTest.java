package io.balor.daemon;

import io.balor.admin.auth.PasswordHasher;
import io.balor.admin.auth.UsersSection;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.StateFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BalorCtl}'s commands, run in this JVM on files in a temp directory. The script that runs
 * it as a process is tested in {@link BalorCtlScriptTest}.
 */
class BalorCtlTest {

    /** Fast to verify: {@link PasswordHasher#verify} follows the count in the string. */
    static final PasswordHasher CHEAP = new PasswordHasher(1_000, new SecureRandom());
    static final String OLD_PASSWORD = "old-password-1";
    static final String ADMIN_HASH = CHEAP.hash(OLD_PASSWORD.toCharArray());

    /** Valid, one of each, written by hand (not in StateFile's layout) with a relative certificate path. */
    static final String VALID = """
            {"version": 1,
             "pools": [{"name": "app", "upstreams": ["127.0.0.1:9000"]}],
             "listeners": [{"name": "web", "listen": "127.0.0.1:8443", "protocol": "http", "pool": "app",
                            "tls": {"cert_file": "certs/web.pem"}}],
             "users": [{"username": "admin", "role": "admin", "password_hash": "%s",
                        "created_at": "2025-01-31T12:00:00Z"},
                       {"username": "alice", "role": "viewer", "password_hash": "%s"}]}
            """.formatted(ADMIN_HASH, ADMIN_HASH);

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Map<String, String> env = new HashMap<>();
    private String stdin = "";

    private int run(String... args) {
        out.reset();
        err.reset();
        return BalorCtl.run(args, env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                null);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    /** A valid state file at {@code BALOR_STATE_FILE}, with the certificate it names. */
    private Path stateFile() throws Exception {
        Path state = write("balor_state.json", VALID);
        pemBundle(dir.resolve("certs/web.pem"));
        env.put("BALOR_STATE_FILE", state.toString());
        return state;
    }

    /** A self-signed certificate and its key in one PEM file at {@code file} (openssl; directories made). */
    static void pemBundle(Path file) throws Exception {
        Path parent = Files.createDirectories(file.toAbsolutePath().getParent());
        Path cert = parent.resolve(file.getFileName() + ".crt.tmp");
        Path key = parent.resolve(file.getFileName() + ".key.tmp");
        AdminClient.selfSigned(cert, key);
        Files.writeString(file, Files.readString(cert) + Files.readString(key));
        Files.delete(cert);
        Files.delete(key);
    }

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    private static String hashOf(Path state, String user) throws Exception {
        BalorState loaded = StateFile.load(state);
        return UsersSection.read(loaded.extras().get("users"), "users").find(user).orElseThrow().passwordHash();
    }

    @Test
    void exportWritesAFreshRenderThatValidates() throws Exception {
        Path state = stateFile();
        byte[] before = Files.readAllBytes(state);
        Files.createDirectory(dir.resolve("backups"));
        Path copy = dir.resolve("backups/copy.json");

        assertEquals(0, run("export", copy.toString()), err());
        assertArrayEquals(StateFile.render(copy, StateFile.load(state)), Files.readAllBytes(copy));
        assertEquals("rw-------", mode(copy));
        assertTrue(Files.readString(copy).contains(dir.resolve("certs/web.pem").toString()),
                "the copy lives elsewhere, so it names the certificate absolutely: " + Files.readString(copy));
        assertArrayEquals(before, Files.readAllBytes(state), "export does not touch the state file");
        assertTrue(out().contains("1 listener, 1 pool, 2 users"), out());

        assertEquals(0, run("validate", copy.toString()), out());
        assertTrue(out().startsWith(copy + ": valid (1 listener, 1 pool, 2 users)\n  files: every certificate"), out());
        assertEquals(StateFile.load(state), StateFile.load(copy));
    }

    @Test
    void exportToStdoutNamesCertificatesAbsolutelyAndStateOptionWinsOverEnv() throws Exception {
        Path state = write("other.json", VALID);
        env.put("BALOR_STATE_FILE", dir.resolve("missing.json").toString());

        assertEquals(0, run("--state", state.toString(), "export", "-"), err());
        Path copy = write("elsewhere.json", out());
        assertTrue(out().contains("\"" + dir.resolve("certs/web.pem") + "\""), out());
        assertEquals(StateFile.load(state), StateFile.load(copy));
        assertFalse(Files.exists(dir.resolve("missing.json")));
    }

    @Test
    void exportRefusesToReplaceAFileWithoutForce() throws Exception {
        stateFile();
        Path copy = write("copy.json", "keep me");

        assertEquals(1, run("export", copy.toString()));
        assertTrue(err().contains("exists; add --force"), err());
        assertEquals("keep me", Files.readString(copy));

        assertEquals(0, run("export", "--force", copy.toString()), err());
        assertEquals(0, run("validate", copy.toString()), out());
        assertEquals("rw-------", mode(copy));
    }

    @Test
    void exportOfAMissingStateFileFailsAndCreatesNothing() {
        env.put("BALOR_STATE_FILE", dir.resolve("none.json").toString());
        assertEquals(1, run("export", dir.resolve("copy.json").toString()));
        assertTrue(err().contains("none.json does not exist"), err());
        assertFalse(Files.exists(dir.resolve("none.json")));
        assertFalse(Files.exists(dir.resolve("copy.json")));
    }

    @Test
    void validateListsEveryProblemWithItsPath() throws Exception {
        Path file = write("bad.json", """
                {"version": 1, "colour": "blue",
                 "pools": [{"name": "app", "upstreams": ["127.0.0.1:9000"]}],
                 "listeners": [{"name": "web", "listen": "127.0.0.1:99999", "pool": "app", "weight": 2}],
                 "users": [{"username": "admin", "role": "root", "password_hash": "x"},
                           {"username": "bob", "role": "viewer", "password_hash": "x"},
                           {"username": "bob", "role": "viewer", "password_hash": "x"}]}
                """);
        byte[] before = Files.readAllBytes(file);

        assertEquals(1, run("validate", file.toString()));
        String report = out();
        assertTrue(report.startsWith(file + ": invalid (5 problems):\n"), report);
        for (String expected : List.of("\n  colour: unknown key", "\n  listeners[0].listen: ",
                "\n  listeners[0].weight: unknown key", "\n  users[0].role: unknown role 'root'",
                "\n  users[2].username: duplicate username 'bob' (also at users[1])")) {
            assertTrue(report.contains(expected), expected + " in\n" + report);
        }
        assertArrayEquals(before, Files.readAllBytes(file), "validate never writes");
    }

    @Test
    void validateOfMalformedJsonNamesLineAndColumn() throws Exception {
        Path file = write("broken.json", "{\n  \"version\": 1,\n  \"pools\": [}\n");
        assertEquals(1, run("validate", file.toString()));
        assertTrue(out().startsWith(file + ": invalid (1 problem):\n  line 3, column 13: "), out());
        assertFalse(out().contains("Source"), "Jackson's source note is shortened: " + out());
    }

    @Test
    void validateNeverCreatesAMissingFile() {
        Path file = dir.resolve("nothing/here.json");
        assertEquals(1, run("validate", file.toString()));
        assertEquals(file + ": does not exist\n", out());
        assertFalse(Files.exists(file.getParent()));
    }

    @Test
    void importOfAnInvalidFileLeavesTheStateFileAsItWas() throws Exception {
        Path state = stateFile();
        byte[] before = Files.readAllBytes(state);
        Path bad = write("bad.json", """
                {"pools": [], "listeners": [{"name": "web", "listen": "nowhere", "pool": "gone"}],
                 "users": [{"username": "x y", "role": "admin", "password_hash": "h"}]}
                """);

        assertEquals(1, run("import", bad.toString()));
        assertTrue(err().contains("listeners[0].listen: "), err());
        assertTrue(err().contains("listeners[0].pool: "), err());
        assertTrue(err().contains("users[0].username: "), err());
        assertTrue(err().contains("was not changed"), err());
        assertArrayEquals(before, Files.readAllBytes(state));
        assertFalse(Files.exists(dir.resolve("balor_state.json.bak")));
    }

    @Test
    void importOfAValidFileReplacesTheStateFileAndKeepsABackup() throws Exception {
        Path state = stateFile();
        byte[] before = Files.readAllBytes(state);
        Files.createDirectory(dir.resolve("in"));
        Path source = write("in/new.json", """
                {"pools": [{"name": "b", "upstreams": ["127.0.0.1:9001"]}],
                 "listeners": [{"name": "l4", "listen": "127.0.0.1:7000", "pool": "b",
                                "tls": {"cert_file": "tls.pem"}}]}
                """);
        pemBundle(dir.resolve("in/tls.pem"));   // import checks the files as validate does

        assertEquals(0, run("import", source.toString()), err());
        assertTrue(out().contains("restart"), out());
        Path backup = dir.resolve("balor_state.json.bak");
        assertArrayEquals(before, Files.readAllBytes(backup));
        assertEquals("rw-------", mode(backup));
        assertEquals("rw-------", mode(state));
        BalorState imported = StateFile.load(state);
        assertEquals(StateFile.load(source), imported, "relative paths keep naming the same files");
        assertEquals("l4", imported.config().listeners().get(0).name());
        assertArrayEquals(StateFile.render(state, imported), Files.readAllBytes(state));
    }

    @Test
    void resetPasswordFromStdinReplacesTheHash() throws Exception {
        Path state = stateFile();
        stdin = "a new password\n";

        assertEquals(0, run("users", "reset-password", "alice", "--password-stdin"), err());
        assertTrue(out().contains("restart"), out());
        PasswordHasher hasher = new PasswordHasher();
        String hash = hashOf(state, "alice");
        assertTrue(hash.startsWith("$pbkdf2-sha256$i=600000$"), hash);
        assertTrue(hasher.verify("a new password".toCharArray(), hash));
        assertFalse(hasher.verify(OLD_PASSWORD.toCharArray(), hash));
        assertEquals(ADMIN_HASH, hashOf(state, "admin"), "the other users are untouched");
        assertEquals("rw-------", mode(state));
    }

    @Test
    void resetPasswordRefusesATooShortPassword() throws Exception {
        Path state = stateFile();
        byte[] before = Files.readAllBytes(state);
        stdin = "short\r\n";

        assertEquals(1, run("users", "reset-password", "alice", "--password-stdin"));
        assertTrue(err().contains("8 to 1024 characters long, this one has 5"), err());
        assertArrayEquals(before, Files.readAllBytes(state));
    }

    @Test
    void resetPasswordRefusesAnUnknownUserNamingTheKnownOnes() throws Exception {
        Path state = stateFile();
        byte[] before = Files.readAllBytes(state);
        stdin = "a new password\n";

        assertEquals(1, run("users", "reset-password", "mallory", "--password-stdin"));
        assertTrue(err().contains("no user 'mallory'"), err());
        assertTrue(err().contains("its users are: admin, alice"), err());
        assertArrayEquals(before, Files.readAllBytes(state));
    }

    @Test
    void resetPasswordWithoutATerminalAsksForPasswordStdin() throws Exception {
        stateFile();
        assertEquals(1, run("users", "reset-password", "alice"));
        assertTrue(err().contains("--password-stdin"), err());
    }

    @Test
    void wrongCommandLinesExitWithCode2AndTheUsage() {
        for (String[] args : List.of(new String[] {"frobnicate"}, new String[0], new String[] {"export"},
                new String[] {"validate", "a", "b"}, new String[] {"users", "delete", "bob"},
                new String[] {"import", "x.json", "--force"}, new String[] {"--colour", "validate"},
                new String[] {"validate", "--state"})) {
            assertEquals(2, run(args), String.join(" ", args));
            assertTrue(err().contains("usage: balorctl"), err());
        }
        assertEquals(0, run("help"));
        assertTrue(out().startsWith("usage: balorctl"), out());
    }
}
