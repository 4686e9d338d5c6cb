package io.balor.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon's admin API, driven with curl: the bootstrap admin's generated password is in a
 * mode-600 file, it logs in, a pool and a listener created through the API carry traffic at once,
 * and the state file holds them after SIGTERM.
 */
class DaemonAdminTest {

    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Pattern ADMIN_LINE = Pattern.compile("admin API on (https?)://(127\\.0\\.0\\.1:\\d+)/api");

    @TempDir
    Path dir;

    @Test
    void bootstrapLoginAndAListenerMadeThroughTheApiCarriesTraffic() throws Exception {
        try (EchoServer upstream = new EchoServer()) {
            Path stateFile = dir.resolve("data/balor_state.json");
            Path secret = dir.resolve("data/admin-bootstrap.txt");
            try (DaemonProcess daemon = DaemonProcess.start(dir, Map.of("BALOR_STATE_FILE", stateFile.toString(),
                    "BALOR_LOOPS", "1", "BALOR_HTTP_ADDR", "127.0.0.1:0", "BALOR_BOOTSTRAP_SECRET_FILE", secret.toString(),
                    "BALOR_LOG_DIR", dir.resolve("logs").toString()))) {
                daemon.awaitLine(line -> line.contains(secret.toString()), STARTUP);
                Matcher admin = ADMIN_LINE.matcher(daemon.awaitLine(ADMIN_LINE.asPredicate(), STARTUP));
                assertTrue(admin.matches());
                assertEquals("http", admin.group(1));
                String base = "http://" + admin.group(2);

                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
                String password = Files.readString(secret).lines()
                        .filter(line -> !line.isBlank() && !line.startsWith("#")).reduce((a, b) -> b).orElseThrow().strip();
                password = password.contains(":") ? password.substring(password.lastIndexOf(':') + 1).strip() : password;
                String login = curl("-X", "POST", "-H", "Content-Type: application/json", "--data",
                        "{\"username\": \"admin\", \"password\": \"" + password + "\"}", base + "/api/login");
                Matcher token = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(login);
                assertTrue(token.find(), login);
                String auth = "Authorization: Bearer " + token.group(1);

                String pool = curl("-X", "POST", "-H", auth, "-H", "Content-Type: application/json", "--data",
                        "{\"name\": \"echoes\", \"upstreams\": [\"" + upstream.address() + "\"]}", base + "/api/pools");
                assertTrue(pool.startsWith("201 "), pool);
                String listener = curl("-X", "POST", "-H", auth, "-H", "Content-Type: application/json", "--data",
                        "{\"name\": \"echo\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"tcp\", \"pool\": \"echoes\"}",
                        base + "/api/listeners");
                assertTrue(listener.startsWith("201 "), listener);
                Matcher bound = Pattern.compile("\"bound\":\"127\\.0\\.0\\.1:(\\d+)\"").matcher(listener);
                assertTrue(bound.find(), listener);

                byte[] hello = "through the api\n".getBytes(StandardCharsets.UTF_8);
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(bound.group(1)))) {
                    client.setSoTimeout((int) STARTUP.toMillis());
                    client.getOutputStream().write(hello);
                    assertArrayEquals(hello, client.getInputStream().readNBytes(hello.length));
                }
                assertTrue(curl(base + "/metrics").contains("balor_tcp_connections_total{listener=\"echo\"} 1"));

                daemon.terminate();
                assertEquals(0, daemon.awaitExit(STARTUP), daemon.stderr());
            }
            String saved = Files.readString(stateFile);
            assertTrue(saved.contains("\"echoes\"") && saved.contains("\"echo\""), saved);
            assertTrue(saved.contains("\"password_hash\""), saved);
            assertTrue(Files.readString(dir.resolve("logs/audit.log")).contains("created listener echo"));
        }
    }

    @Test
    void theConsoleSettingsSavedInTheStateFileBindAndServeHttps() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", data.resolve("console.key").toString(), "-out",
                data.resolve("console.crt").toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
        readAll(openssl.getInputStream());
        assertEquals(0, openssl.waitFor());
        Path stateFile = data.resolve("balor_state.json");
        Files.writeString(stateFile, """
                {"version": 1, "listeners": [], "pools": [],
                 "admin_console": {"bind": "127.0.0.1:%d", "cert_file": "console.crt", "key_file": "console.key"}}
                """.formatted(freePort()));
        // No BALOR_HTTP_ADDR: the saved bind is used (an explicit BALOR_HTTP_ADDR would win).
        try (DaemonProcess daemon = DaemonProcess.start(dir, Map.of("BALOR_STATE_FILE", stateFile.toString(),
                "BALOR_LOOPS", "1", "BALOR_DEFAULT_ADMIN_PASSWORD", "first-password", "BALOR_LOG_DIR",
                dir.resolve("logs").toString()))) {
            Matcher admin = ADMIN_LINE.matcher(daemon.awaitLine(ADMIN_LINE.asPredicate(), STARTUP));
            assertTrue(admin.matches());
            assertEquals("https", admin.group(1));
            String health = curl("--cacert", data.resolve("console.crt").toString(),
                    "https://" + admin.group(2) + "/api/health");
            assertTrue(health.startsWith("200 {\"status\":\"ok\","), health);
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(STARTUP), daemon.stderr());
        }
    }

    @Test
    void savedConsoleSettingsThatNoLongerWorkStopTheStartInsteadOfFallingBack() throws Exception {
        Path stateFile = Files.createDirectories(dir.resolve("data")).resolve("balor_state.json");
        Files.writeString(stateFile, """
                {"version": 1, "listeners": [], "pools": [],
                 "admin_console": {"bind": "127.0.0.1:%d", "cert_file": "gone.crt"}}
                """.formatted(freePort()));
        try (DaemonProcess daemon = DaemonProcess.start(dir, Map.of("BALOR_STATE_FILE", stateFile.toString(),
                "BALOR_LOOPS", "1", "BALOR_HTTP_ADDR", "127.0.0.1:0", "BALOR_DEFAULT_ADMIN_PASSWORD", "first-password",
                "BALOR_LOG_DIR", dir.resolve("logs").toString()))) {
            assertEquals(1, daemon.awaitExit(STARTUP), "no fallback to plain HTTP");
            assertTrue(daemon.stderr().contains("admin_console.cert_file: the console certificate cannot be used"),
                    daemon.stderr());
            assertTrue(daemon.stderr().contains("does not fall back to plain HTTP"), daemon.stderr());
        }
    }

    /** A port that was free a moment ago (for a saved console address, which cannot be 0). */
    static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** curl's answer as "STATUS BODY". */
    private static String curl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-w", "\n%{http_code}"));
        command.addAll(List.of(args));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(readAll(curl.getInputStream()), StandardCharsets.UTF_8);
        assertTrue(curl.waitFor(30, TimeUnit.SECONDS));
        int split = out.lastIndexOf('\n');
        return out.substring(split + 1) + " " + out.substring(0, split);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toByteArray();
    }
}
