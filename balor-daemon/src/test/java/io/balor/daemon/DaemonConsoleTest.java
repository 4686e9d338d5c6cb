package io.balor.daemon;

import io.balor.admin.state.ConsoleSettings;
import io.balor.admin.state.StateFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.balor.daemon.AdminClient.WAIT;
import static io.balor.daemon.AdminClient.curl;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where the daemon's admin API answers, as a real process: the saved console settings
 * ({@code admin_console}) in this version's shape and in the original Balor's take effect, paths
 * relative to the state file; saved settings that cannot be used stop the start (exit 1, the
 * reason on stderr) instead of falling back to another address or to plain HTTP; an explicit
 * {@code BALOR_HTTP_ADDR} wins over the saved bind while the saved certificate still applies; a
 * bind that is not plainly loopback warns about plain HTTP; and requests whose {@code Host} is not
 * one the API answers to get 421. Certificates come from openssl, requests from curl.
 */
class DaemonConsoleTest {

    private static final String PASSWORD = "first-password";

    @TempDir
    Path dir;

    /** The state file's directory, {@code dir/data}. */
    private Path data() throws Exception {
        return Files.createDirectories(dir.resolve("data"));
    }

    private Path stateFile(String json) throws Exception {
        Path file = data().resolve("balor_state.json");
        Files.writeString(file, json);
        AdminClient.chmod(file, "rw-------");
        return file;
    }

    /** Everything in the temp directory, the admin password from the environment, and {@code extra}. */
    private Map<String, String> env(Path stateFile, String... extra) {
        Map<String, String> env = AdminClient.env(dir, stateFile, extra);
        env.putIfAbsent("BALOR_DEFAULT_ADMIN_PASSWORD", PASSWORD);
        return env;
    }

    private static String loginJson() {
        return "{\"username\": \"admin\", \"password\": \"" + PASSWORD + "\"}";
    }

    @Test
    void theOriginalBalorsConsoleShapeTakesEffectWithPathsRelativeToTheStateFile() throws Exception {
        Path tls = Files.createDirectories(data().resolve("tls"));
        AdminClient.selfSigned(tls.resolve("console.crt"), tls.resolve("console.key"));
        int port = DaemonAdminTest.freePort();
        Path stateFile = stateFile("""
                {"version": 1, "listeners": [], "pools": [],
                 "admin_console": {"bind": "127.0.0.1:%d",
                                   "tls": {"cert_path": "tls/console.crt", "key_path": "tls/console.key"}}}
                """.formatted(port));
        // Started from another working directory: the paths are the state file's, not the process's.
        Path elsewhere = Files.createDirectories(dir.resolve("run"));
        try (DaemonProcess daemon = DaemonProcess.start(elsewhere, env(stateFile))) {
            Matcher admin = AdminClient.adminLine(daemon);
            assertEquals("https", admin.group(1));
            assertEquals("127.0.0.1:" + port, admin.group(2), "the saved bind");
            String https = "https://127.0.0.1:" + port;
            assertTrue(curl("--cacert", tls.resolve("console.crt").toString(), https + "/api/health")
                    .startsWith("200 {\"status\":\"ok\","));
            String login = curl("--cacert", tls.resolve("console.crt").toString(), "-H",
                    "Content-Type: application/json", "--data", loginJson(), https + "/api/login");
            assertTrue(login.startsWith("200 ") && login.contains("\"token\":"), login);
            assertTrue(curl("http://127.0.0.1:" + port + "/api/health").startsWith("000 "),
                    "no plain HTTP on the console's address");

            daemon.terminate();
            assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
            assertFalse(daemon.stderr().contains("without TLS"), daemon.stderr());
        }
        // The daemon saved its first admin: the console settings it wrote back still say the same.
        assertTrue(Files.readString(stateFile).contains("\"password_hash\""));
        assertEquals(new ConsoleSettings(io.balor.config.HostPort.parseListen("127.0.0.1:" + port).value(),
                        tls.resolve("console.crt"), tls.resolve("console.key"), "admin_console.tls.cert_path"),
                ConsoleSettings.of(StateFile.load(stateFile), stateFile));
    }

    @Test
    void anExplicitHttpAddrWinsOverTheSavedBindButTheSavedCertificateStillApplies() throws Exception {
        // This version's shape with one combined file: key_file defaults to cert_file.
        Path data = data();
        AdminClient.selfSigned(data.resolve("c.pem"), data.resolve("k.pem"));
        Files.writeString(data.resolve("console.pem"), Files.readString(data.resolve("c.pem"))
                + Files.readString(data.resolve("k.pem")));
        AdminClient.chmod(data.resolve("console.pem"), "rw-------");
        int saved = DaemonAdminTest.freePort();
        Path stateFile = stateFile("""
                {"version": 1, "listeners": [], "pools": [],
                 "admin_console": {"bind": "127.0.0.1:%d", "cert_file": "console.pem"}}
                """.formatted(saved));
        try (DaemonProcess daemon = DaemonProcess.start(dir, env(stateFile, "BALOR_HTTP_ADDR", "127.0.0.1:0"))) {
            Matcher admin = AdminClient.adminLine(daemon);
            assertEquals("https", admin.group(1), "the saved TLS applies on BALOR_HTTP_ADDR too");
            assertNotEquals(saved, Integer.parseInt(admin.group(3)), "BALOR_HTTP_ADDR wins over the saved bind");
            assertTrue(curl("--cacert", data.resolve("c.pem").toString(), "https://" + admin.group(2) + "/api/health")
                    .startsWith("200 {\"status\":\"ok\","));
            assertTrue(curl("http://" + admin.group(2) + "/api/health").startsWith("000 "), "no plain HTTP");
            try (ServerSocket free = new ServerSocket(saved, 1, InetAddress.getLoopbackAddress())) {
                assertEquals(saved, free.getLocalPort(), "the saved address was left alone");
            }
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
        }
    }

    @Test
    void aSavedCertificateThatDoesNotLoadStopsTheStartEvenWithAnHttpAddr() throws Exception {
        Path tls = Files.createDirectories(data().resolve("tls"));
        AdminClient.selfSigned(tls.resolve("console.crt"), tls.resolve("console.key"));
        AdminClient.selfSigned(tls.resolve("other.crt"), tls.resolve("other.key"));
        Path stateFile = stateFile("""
                {"version": 1, "listeners": [], "pools": [],
                 "admin_console": {"tls": {"cert_path": "tls/console.crt", "key_path": "tls/other.key"}}}
                """);
        byte[] before = Files.readAllBytes(stateFile);
        try (DaemonProcess daemon = DaemonProcess.start(dir, env(stateFile, "BALOR_HTTP_ADDR", "127.0.0.1:0"))) {
            assertEquals(1, daemon.awaitExit(WAIT), "a key that does not match: no start, no plain HTTP");
            String stderr = daemon.stderr();
            assertTrue(stderr.contains("admin_console.tls.cert_path: the console certificate cannot be used"), stderr);
            assertTrue(stderr.contains("does not fall back to plain HTTP"), stderr);
        }
        assertArrayEquals(before, Files.readAllBytes(stateFile), "nothing was saved (no bootstrap admin either)");
    }

    @Test
    void aSavedBindInUseStopsTheStartInsteadOfMovingElsewhere() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Path stateFile = stateFile("""
                    {"version": 1, "listeners": [], "pools": [], "admin_console": {"bind": "127.0.0.1:%d"}}
                    """.formatted(port));
            try (DaemonProcess daemon = DaemonProcess.start(dir, env(stateFile))) {
                assertEquals(1, daemon.awaitExit(WAIT));
                String stderr = daemon.stderr();
                assertTrue(stderr.contains("the admin API cannot listen on admin_console.bind 127.0.0.1:" + port
                        + " (saved in " + stateFile + ")"), stderr);
                assertTrue(stderr.contains("it does not fall back to another address"), stderr);
            }
        }
    }

    @Test
    void invalidSavedConsoleSettingsStopTheStartNamingEachField() throws Exception {
        Path stateFile = stateFile("""
                {"version": 1, "listeners": [], "pools": [],
                 "admin_console": {"bind": "127.0.0.1:0", "cert_file": "a.pem",
                                   "tls": {"cert_path": "b.pem", "key_path": "b.key"}}}
                """);
        byte[] before = Files.readAllBytes(stateFile);
        try (DaemonProcess daemon = DaemonProcess.start(dir, env(stateFile))) {
            assertEquals(1, daemon.awaitExit(WAIT));
            String stderr = daemon.stderr();
            assertTrue(stderr.contains("admin_console.bind: needs a port from 1 to 65535"), stderr);
            assertTrue(stderr.contains("admin_console.tls: give cert_file and key_file, or the original's tls, not both"),
                    stderr);
            assertTrue(stderr.contains("not started; fix the file"), stderr);
        }
        assertArrayEquals(before, Files.readAllBytes(stateFile), "a file that does not load is never replaced");
    }

    @Test
    void aForeignHostGets421AndOnlyTheKnownNamesAreAnswered() throws Exception {
        Path stateFile = stateFile("{\"version\": 1, \"listeners\": [], \"pools\": []}");
        try (DaemonProcess daemon = DaemonProcess.start(dir, env(stateFile, "BALOR_HTTP_ADDR", "127.0.0.1:0",
                "BALOR_ADMIN_HOSTS", "balor.test"))) {
            Matcher admin = AdminClient.adminLine(daemon);
            String port = admin.group(3);
            String health = "http://" + admin.group(2) + "/api/health";

            assertTrue(curl(health).startsWith("200 {\"status\":\"ok\",\"loops\":[{\"loop\":\"balor-loop-0\""), "Host: the bind address");
            for (String host : new String[] {"localhost", "localhost:" + port, "[::1]:" + port, "127.0.0.1",
                    "balor.test", "BALOR.Test:" + port, "balor.test."}) {
                assertTrue(curl("-H", "Host: " + host, health).startsWith("200 "), host);
            }
            for (String host : new String[] {"evil.example", "evil.example:" + port, "other.test",
                    "balor.test.evil.example", "127.0.0.2:" + port, "localhost:0", "[::2]:" + port}) {
                String answer = curl("-H", "Host: " + host, health);
                assertTrue(answer.startsWith("421 ") && answer.contains("does not answer to that Host"),
                        host + ": " + answer);
            }
            assertTrue(curl("--http1.0", "-H", "Host:", health).startsWith("421 "), "HTTP/1.0 without Host");

            // A right password through a foreign Host does not log in.
            String login = curl("-H", "Host: evil.example", "-H", "Content-Type: application/json", "--data",
                    loginJson(), "http://" + admin.group(2) + "/api/login");
            assertTrue(login.startsWith("421 ") && !login.contains("token"), login);
            AdminClient.awaitFile(dir.resolve("logs/audit-anonymous.log"), text -> text.contains("\"status\":421"));

            daemon.terminate();
            assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
            assertFalse(daemon.stderr().contains("without TLS"), "127.0.0.1 is loopback: " + daemon.stderr());
        }
    }

    @Test
    void aBindNamedByAHostNameWarnsAboutPlainHttp() throws Exception {
        // Binds only a name this host resolves to loopback: the rule counts every name but
        // localhost as a network address (ConsoleSettingsLoopbackTest checks the rule itself).
        String name = InetAddress.getLocalHost().getHostName();
        assumeTrue(!name.equalsIgnoreCase("localhost") && InetAddress.getByName(name).isLoopbackAddress()
                && Pattern.matches("[A-Za-z0-9][A-Za-z0-9.-]*", name), "this host's name is not loopback: " + name);
        Path stateFile = stateFile("{\"version\": 1, \"listeners\": [], \"pools\": []}");
        try (DaemonProcess daemon = DaemonProcess.start(dir, env(stateFile, "BALOR_HTTP_ADDR", name + ":0"))) {
            daemon.awaitLine(line -> line.startsWith("admin API on http://"), WAIT);
            daemon.awaitStderr("balor: warning: the admin API listens on " + name + ":0 without TLS", WAIT);
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
        }
    }

    @Test
    void theConsoleCertificateCountsAsInUse() throws Exception {
        deletingTheConsoleCertificateIsRefused(
                "{\"cert_file\": \"certs/console.crt\", \"key_file\": \"certs/console.key\"}");
    }

    @Test
    void theConsoleCertificateOfTheOriginalShapeCountsAsInUse() throws Exception {
        deletingTheConsoleCertificateIsRefused(
                "{\"tls\": {\"cert_path\": \"certs/console.crt\", \"key_path\": \"certs/console.key\"}}");
    }

    /**
     * An uploaded certificate (listed in {@code certificates}, kept in {@code BALOR_CERT_DIR}) that
     * the console uses as {@code console} says must not be deletable: the next start would stop.
     */
    private void deletingTheConsoleCertificateIsRefused(String console) throws Exception {
        Path certs = Files.createDirectories(data().resolve("certs"));
        Path crt = certs.resolve("console.crt");
        Path key = certs.resolve("console.key");
        AdminClient.selfSigned(crt, key);
        Path stateFile = stateFile("""
                {"version": 1, "listeners": [], "pools": [], "admin_console": %s,
                 "certificates": [{"name": "console", "cert_file": "%s", "key_file": "%s", "source": "manual",
                                   "uploaded_at": "2025-01-31T12:00:00Z"}]}
                """.formatted(console, crt, key));
        try (DaemonProcess daemon = DaemonProcess.start(dir, env(stateFile, "BALOR_HTTP_ADDR", "127.0.0.1:0",
                "BALOR_CERT_DIR", certs.toString()))) {
            Matcher admin = AdminClient.adminLine(daemon);
            assertEquals("https", admin.group(1));
            String https = "https://" + admin.group(2);
            String login = curl("--cacert", crt.toString(), "-H", "Content-Type: application/json", "--data",
                    loginJson(), https + "/api/login");
            Matcher token = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(login);
            assertTrue(token.find(), login);

            String delete = curl("--cacert", crt.toString(), "-X", "DELETE", "-H",
                    "Authorization: Bearer " + token.group(1), https + "/api/certificates/console");
            assertTrue(delete.startsWith("409 ") && delete.contains("the admin console"), delete);
            assertTrue(Files.exists(crt) && Files.exists(key), "the console's files are still there");
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
        }
    }
}
