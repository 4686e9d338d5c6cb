package io.balor.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.balor.admin.state.StateFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What balorctl knows of the files around a state file (issue 12, part B): {@code validate} and
 * {@code import} load the certificate, key and CA files as a start of balor would, from the state
 * file's directory (15); {@code export} writes {@code certificates[]} paths as it writes the
 * listeners' (13); {@code users reset-password} removes the bootstrap file that held the user's
 * generated password, beside the state file unless {@code BALOR_BOOTSTRAP_SECRET_FILE} says (2, 14).
 */
class BalorCtlFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** {@code data/balor_state.json} holding {@code json}, as {@code BALOR_STATE_FILE}. */
    private Path state(String json) throws Exception {
        Path state = Files.createDirectories(dir.resolve("data")).resolve("balor_state.json");
        Files.writeString(state, json);
        env.put("BALOR_STATE_FILE", state.toString());
        return state;
    }

    private static String listener(String tls) {
        return """
                {"version": 1, "pools": [{"name": "app", "upstreams": ["127.0.0.1:9000"]}],
                 "listeners": [{"name": "shop", "listen": "127.0.0.1:8443", "protocol": "http", "pool": "app",
                                "tls": %s}]}
                """.formatted(tls);
    }

    /** The mistake the issue saw: a path written from the checkout, read from the state file's directory. */
    @Test
    void validateLoadsTheCertificatesFromTheStateFilesDirectoryAsTheDaemonDoes() throws Exception {
        BalorCtlTest.pemBundle(dir.resolve("data/certs/shop.example.com.crt"));
        Path state = state(listener("{\"cert_file\": \"data/certs/shop.example.com.crt\"}"));

        assertEquals(1, run("validate"), out());
        assertEquals(state + ": invalid (1 problem):\n  listeners[0].tls.cert_file: "
                + dir.resolve("data/data/certs/shop.example.com.crt") + ": file not found\n", out());

        Files.writeString(state, listener("{\"cert_file\": \"certs/shop.example.com.crt\"}"));
        assertEquals(0, run("validate"), out());
        assertTrue(out().startsWith(state + ": valid (1 listener, 1 pool, 0 users)\n"), out());
        assertTrue(out().contains("every certificate, key and CA file it names loads (relative paths taken from "
                + dir.resolve("data") + ")"), out());
        assertTrue(out().contains("left to balor's start: whether the listen addresses are free"), out());
    }

    @Test
    void aKeyThatDoesNotMatchACaBundleThatIsMissingAndTheConsolesCertificateAreNamed() throws Exception {
        BalorCtlTest.pemBundle(dir.resolve("data/certs/shop.pem"));
        BalorCtlTest.pemBundle(dir.resolve("data/certs/other.pem"));
        Path state = state("""
                {"version": 1,
                 "pools": [{"name": "app", "upstreams": ["https://127.0.0.1:9000"], "tls": {"ca_file": "ca.pem"}}],
                 "listeners": [{"name": "shop", "listen": "127.0.0.1:8443", "protocol": "http", "pool": "app",
                                "tls": {"cert_file": "certs/shop.pem", "key_file": "certs/other.pem"}},
                               {"name": "off", "listen": "127.0.0.1:8444", "pool": "app", "enabled": false,
                                "tls": {"cert_file": "certs/none.pem"}}],
                 "admin_console": {"bind": "127.0.0.1:9443", "cert_file": "console.pem"}}
                """);
        byte[] before = Files.readAllBytes(state);

        assertEquals(1, run("validate"), out());
        String report = out();
        assertTrue(report.startsWith(state + ": invalid (3 problems):\n"), report);
        assertTrue(report.contains("  listeners[0].tls.cert_file: " + dir.resolve("data/certs/other.pem")
                + ": the private key does not match the certificate in " + dir.resolve("data/certs/shop.pem")), report);
        assertTrue(report.contains("  pools[0].tls.ca_file: " + dir.resolve("data/ca.pem") + ": file not found"), report);
        assertTrue(report.contains("  admin_console.cert_file: " + dir.resolve("data/console.pem")), report);
        assertFalse(report.contains("listeners[1]"), "a disabled listener's certificate is not loaded at start: "
                + report);
        assertArrayEquals(before, Files.readAllBytes(state), "validate never writes");
    }

    @Test
    void importRefusesAFileWhoseCertificateDoesNotLoad() throws Exception {
        Path state = state(listener("{\"mode\": \"passthrough\"}").replace("\"http\"", "\"tcp\""));
        byte[] before = Files.readAllBytes(state);
        Path source = Files.createDirectories(dir.resolve("in")).resolve("new.json");
        Files.writeString(source, listener("{\"cert_file\": \"tls.pem\"}"));

        assertEquals(1, run("import", source.toString()));
        String problems = err.toString(StandardCharsets.UTF_8);
        assertTrue(problems.contains("listeners[0].tls.cert_file: " + dir.resolve("in/tls.pem") + ": file not found"),
                problems);
        assertArrayEquals(before, Files.readAllBytes(state), "the state file was not changed");

        BalorCtlTest.pemBundle(dir.resolve("in/tls.pem"));
        assertEquals(0, run("import", source.toString()), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void scriptChecksAreCheckedWhenTheirDirectoryIsKnownAndSaidToBeLeftWhenNot() throws Exception {
        Path checks = Files.createDirectories(dir.resolve("checks"));
        Path state = state("""
                {"version": 1, "listeners": [],
                 "pools": [{"name": "app", "upstreams": ["127.0.0.1:9000"],
                            "health_check": {"type": "script", "command": ["/bin/true"]}}]}
                """);
        assertEquals(0, run("validate"), out());
        assertTrue(out().contains("script checks' programs (set BALOR_HEALTH_SCRIPT_DIR as balor has it to check them"
                + " here)"), out());

        env.put("BALOR_HEALTH_SCRIPT_DIR", checks.toString());
        assertEquals(1, run("validate"), out());
        assertTrue(out().startsWith(state + ": invalid (1 problem):\n  pools[0].health_check.command"), out());
    }

    @Test
    void exportWritesCertificatePathsAsItWritesTheListeners() throws Exception {
        BalorCtlTest.pemBundle(dir.resolve("data/certs/shop.pem"));
        Path state = state("""
                {"version": 1, "pools": [{"name": "app", "upstreams": ["127.0.0.1:9000"]}],
                 "listeners": [{"name": "shop", "listen": "127.0.0.1:8443", "protocol": "http", "pool": "app",
                                "tls": {"cert_file": "certs/shop.pem"}}],
                 "certificates": [{"name": "shop", "cert_file": "certs/shop.pem", "key_file": "%s",
                                   "source": "manual"}]}
                """.formatted(dir.resolve("data/certs/shop.pem")));

        Path near = dir.resolve("data/rel.json");
        assertEquals(0, run("export", near.toString()), err.toString(StandardCharsets.UTF_8));
        JsonNode copy = JSON.readTree(Files.readString(near));
        assertEquals("certs/shop.pem", copy.at("/listeners/0/tls/cert_file").asText());
        assertEquals("certs/shop.pem", copy.at("/certificates/0/cert_file").asText(), "as the listener's");
        assertEquals("certs/shop.pem", copy.at("/certificates/0/key_file").asText(), "an absolute path under it too");

        Path far = Files.createDirectories(dir.resolve("backups")).resolve("far.json");
        assertEquals(0, run("export", far.toString()), err.toString(StandardCharsets.UTF_8));
        JsonNode elsewhere = JSON.readTree(Files.readString(far));
        String absolute = dir.resolve("data/certs/shop.pem").toString();
        assertEquals(absolute, elsewhere.at("/listeners/0/tls/cert_file").asText());
        assertEquals(absolute, elsewhere.at("/certificates/0/cert_file").asText());
        assertEquals(StateFile.load(state), StateFile.load(far), "each copy names the same files");
        assertEquals(StateFile.load(state), StateFile.load(near));
    }

    @Test
    void resetPasswordRemovesTheBootstrapFileBesideTheStateFile() throws Exception {
        String hash = BalorCtlTest.CHEAP.hash("first-password".toCharArray());
        state("""
                {"version": 1, "listeners": [], "pools": [],
                 "users": [{"username": "admin", "role": "admin", "password_hash": "%s"},
                           {"username": "alice", "role": "viewer", "password_hash": "%s"}]}
                """.formatted(hash, hash));
        Path secret = dir.resolve("data/admin-bootstrap.txt");
        Files.writeString(secret, "# Balor's first admin\nusername: admin\npassword: first-password\n");

        stdin = "alice's new password\n";
        assertEquals(0, run("users", "reset-password", "alice", "--password-stdin"), out());
        assertTrue(Files.exists(secret), "another user's password leaves it");

        stdin = "admin's new password\n";
        assertEquals(0, run("users", "reset-password", "admin", "--password-stdin"), out());
        assertFalse(Files.exists(secret), "the stale secret is gone");
        assertTrue(out().contains("removed " + secret + ": the generated password in it no longer logs in"), out());

        Path explicit = dir.resolve("secret.txt");
        Files.writeString(explicit, "username: admin\npassword: x\n");
        Files.writeString(secret, "username: admin\npassword: y\n");
        env.put("BALOR_BOOTSTRAP_SECRET_FILE", explicit.toString());
        stdin = "admin's third password\n";
        assertEquals(0, run("users", "reset-password", "admin", "--password-stdin"), out());
        assertFalse(Files.exists(explicit), "BALOR_BOOTSTRAP_SECRET_FILE, as the daemon finds it");
        assertTrue(Files.exists(secret), "only the daemon's file is touched");
    }
}
