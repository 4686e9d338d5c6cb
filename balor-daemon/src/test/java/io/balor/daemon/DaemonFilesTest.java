package io.balor.daemon;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.balor.daemon.AdminClient.WAIT;
import static io.balor.daemon.AdminClient.chmod;
import static io.balor.daemon.AdminClient.mode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The modes of the daemon's files, as a real process: every directory it creates (the state
 * file's, the bootstrap file's, the log directory and its parents, the certificate directory at
 * the first upload, the control socket's) is {@code rwx------} and every file it writes (state,
 * bootstrap password, access, events, audit and anonymous-audit logs, uploaded {@code .crt} and
 * {@code .key}) is {@code rw-------}. At start, a state file, bootstrap file or private key (a
 * listener's, the console's, an uploaded one's) that others may read is a warning naming the file
 * and {@code chmod 600}; with {@code BALOR_STRICT_MODES=true} it stops the start instead.
 */
class DaemonFilesTest {

    private static final String OWNER_DIR = "rwx------";
    private static final String OWNER_FILE = "rw-------";
    private static final String PASSWORD = "first-password";

    @TempDir
    Path dir;

    private Map<String, String> env(Path stateFile, String... extra) {
        Map<String, String> env = AdminClient.env(dir, stateFile, extra);
        env.putIfAbsent("BALOR_HTTP_ADDR", "127.0.0.1:0");
        return env;
    }

    @Test
    void everyDirectoryTheDaemonCreatesAndEveryFileItWritesIsOwnerOnly() throws Exception {
        // Without it the JDK server delays small responses (Nagle against delayed ACK).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer upstream = AdminClient.helloUpstream();
        Path stateFile = dir.resolve("state/balor_state.json");
        Path secret = dir.resolve("secret/admin-bootstrap.txt");
        Path logs = dir.resolve("var/log/balor");
        Path certs = dir.resolve("certs");
        Path socket = dir.resolve("run/c.sock");
        Map<String, String> env = env(stateFile, "BALOR_BOOTSTRAP_SECRET_FILE", secret.toString(),
                "BALOR_LOG_DIR", logs.toString(), "BALOR_CONTROL_SOCKET", socket.toString());
        try (DaemonProcess daemon = DaemonProcess.start(dir, env)) {
            daemon.awaitLine(line -> line.contains("a generated password for 'admin' is in " + secret), WAIT);
            AdminClient api = AdminClient.of(daemon);
            daemon.awaitLine(line -> line.startsWith("control socket "), WAIT);
            String password = Files.readString(secret).lines().filter(line -> line.startsWith("password: "))
                    .findFirst().orElseThrow().substring("password: ".length()).strip();

            assertEquals(401, api.login("admin", "not-the-password").status());      // audit-anonymous.log
            String token = api.token("admin", password);                             // audit.log
            AdminClient.Answer pool = api.post("/api/pools", token, """
                    {"name": "app", "upstreams": ["http://127.0.0.1:%d"]}""".formatted(upstream.getAddress().getPort()));
            assertEquals(201, pool.status(), pool.toString());
            AdminClient.Answer down = api.post("/api/pools", token, """
                    {"name": "down", "upstreams": ["127.0.0.1:1"],
                     "health_check": {"type": "tcp", "interval_ms": 50, "timeout_ms": 1000, "rise": 1, "fall": 1}}""");
            assertEquals(201, down.status(), down.toString());                      // events.log: it goes down
            AdminClient.Answer listener = api.post("/api/listeners", token, """
                    {"name": "web", "listen": "127.0.0.1:0", "protocol": "http", "pool": "app"}""");
            assertEquals(201, listener.status(), listener.toString());
            Matcher bound = Pattern.compile("127\\.0\\.0\\.1:(\\d+)").matcher(listener.json().get("bound").asText());
            assertTrue(bound.matches(), listener.toString());
            HttpResponse<String> through = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + bound.group(1) + "/hello")).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());                             // access.log
            assertEquals(200, through.statusCode());
            Path pems = Files.createDirectories(dir.resolve("made"));
            AdminClient.selfSigned(pems.resolve("c.pem"), pems.resolve("k.pem"));
            String pem = Files.readString(pems.resolve("c.pem")) + Files.readString(pems.resolve("k.pem"));
            AdminClient.Answer upload = api.post("/api/certificates", token, "{\"name\": \"web\", \"pem\": "
                    + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(pem) + "}");
            assertEquals(201, upload.status(), upload.toString());

            AdminClient.awaitFile(logs.resolve("access.log"), text -> text.contains("/hello"));
            AdminClient.awaitFile(logs.resolve("events.log"), text -> text.contains("down/127.0.0.1:1 is down"));
            AdminClient.awaitFile(logs.resolve("audit.log"), text -> text.contains("uploaded certificate web"));
            AdminClient.awaitFile(logs.resolve("audit-anonymous.log"), text -> text.contains("\"status\":401"));

            for (Path created : List.of(stateFile.getParent(), secret.getParent(), dir.resolve("var"),
                    dir.resolve("var/log"), logs, certs, socket.getParent())) {
                assertEquals(OWNER_DIR, mode(created), created.toString());
            }
            for (Path written : List.of(stateFile, secret, logs.resolve("access.log"), logs.resolve("events.log"),
                    logs.resolve("audit.log"), logs.resolve("audit-anonymous.log"), certs.resolve("web.crt"),
                    certs.resolve("web.key"), socket)) {
                assertEquals(OWNER_FILE, mode(written), written.toString());
            }
            try (var inCerts = Files.list(certs)) {
                assertEquals(List.of("web.crt", "web.key"), inCerts.map(p -> p.getFileName().toString()).sorted()
                        .toList(), "no temporary files are left");
            }

            daemon.terminate();
            assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
            assertFalse(daemon.stderr().contains("chmod 600"), daemon.stderr());
        } finally {
            upstream.stop(0);
        }
        assertEquals(OWNER_FILE, mode(stateFile), "after the saves too");

        // What it wrote passes its own strict check: it starts again with BALOR_STRICT_MODES=true.
        env.put("BALOR_STRICT_MODES", "true");
        try (DaemonProcess again = DaemonProcess.start(dir, env)) {
            again.awaitLine(line -> line.startsWith("ready:"), WAIT);
            again.terminate();
            assertEquals(0, again.awaitExit(WAIT), again.stderr());
            assertFalse(again.stderr().contains("chmod 600"), again.stderr());
        }
    }

    /**
     * A state file (mode 644) with a TLS listener whose key is 640, the console in the original's
     * shape with a key of 604, an uploaded certificate whose key is 660, and a bootstrap file of 644.
     * The certificates themselves (644) are public and not warned about.
     */
    private Path looseFiles() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        AdminClient.selfSigned(data.resolve("web.crt"), data.resolve("web.key"));
        AdminClient.selfSigned(data.resolve("console.crt"), data.resolve("console.key"));
        Path certs = Files.createDirectories(dir.resolve("certs"));
        AdminClient.selfSigned(certs.resolve("up.crt"), certs.resolve("up.key"));
        chmod(data.resolve("web.crt"), "rw-r--r--");
        chmod(data.resolve("web.key"), "rw-r-----");
        chmod(data.resolve("console.key"), "rw----r--");
        chmod(certs.resolve("up.key"), "rw-rw----");
        Files.writeString(dir.resolve("bootstrap.txt"), "# an earlier bootstrap\nusername: admin\npassword: x\n");
        chmod(dir.resolve("bootstrap.txt"), "rw-r--r--");
        Path stateFile = data.resolve("balor_state.json");
        Files.writeString(stateFile, """
                {"version": 1,
                 "pools": [{"name": "app", "upstreams": ["127.0.0.1:9000"]}],
                 "listeners": [{"name": "web", "listen": "127.0.0.1:0", "protocol": "http", "pool": "app",
                                "tls": {"cert_file": "web.crt", "key_file": "web.key"}}],
                 "admin_console": {"tls": {"cert_path": "console.crt", "key_path": "console.key"}},
                 "certificates": [{"name": "up", "cert_file": "%s", "key_file": "%s", "source": "manual",
                                   "uploaded_at": "2025-01-31T12:00:00Z"}]}
                """.formatted(certs.resolve("up.crt"), certs.resolve("up.key")));
        chmod(stateFile, "rw-r--r--");
        return stateFile;
    }

    private static String warning(Path file, String loose) {
        return "balor: warning: " + file + ": " + loose + "; it holds secrets: chmod 600 " + file;
    }

    /** A state file in a directory others may write to (/tmp, say) would put what lies beside it in their hands. */
    @Test
    void aStateFileInADirectoryOthersMayWriteIsRefused() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        chmod(shared, "rwxrwxrwx");
        Path stateFile = shared.resolve("balor_state.json");
        Map<String, String> env = new java.util.HashMap<>(Map.of("BALOR_STATE_FILE", stateFile.toString(),
                "BALOR_LOOPS", "1", "BALOR_HTTP_ADDR", "127.0.0.1:0", "BALOR_DEFAULT_ADMIN_PASSWORD", PASSWORD));
        try (DaemonProcess daemon = DaemonProcess.start(dir, env)) {
            assertEquals(1, daemon.awaitExit(WAIT), daemon.stderr());
            assertTrue(daemon.stderr().contains("balor: the state file's directory " + shared + " can be written by"
                    + " others"), daemon.stderr());
        }
        try (var left = Files.list(shared)) {
            assertEquals(List.of(), left.toList(), "nothing was created there");
        }
    }

    @Test
    void secretFilesOthersMayReadAreWarnedAboutByName() throws Exception {
        Path stateFile = looseFiles();
        Path data = stateFile.getParent();
        try (DaemonProcess daemon = DaemonProcess.start(dir, env(stateFile,
                "BALOR_DEFAULT_ADMIN_PASSWORD", PASSWORD))) {
            Pattern listener = Pattern.compile("listener web \\(http, tls\\) on 127\\.0\\.0\\.1:\\d+ -> pool app");
            daemon.awaitLine(listener.asPredicate(), WAIT);
            daemon.awaitLine(line -> line.startsWith("admin API on https://"), WAIT);
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
            String stderr = daemon.stderr();
            assertTrue(stderr.contains(warning(stateFile, "readable by its group and readable by others (mode rw-r--r--)")),
                    stderr);
            assertTrue(stderr.contains(warning(dir.resolve("bootstrap.txt"),
                    "readable by its group and readable by others (mode rw-r--r--)")), stderr);
            assertTrue(stderr.contains(warning(data.resolve("web.key"), "readable by its group (mode rw-r-----)")),
                    stderr);
            assertTrue(stderr.contains(warning(data.resolve("console.key"), "readable by others (mode rw----r--)")),
                    stderr);
            assertTrue(stderr.contains(warning(dir.resolve("certs/up.key"), "readable by its group (mode rw-rw----)")),
                    stderr);
            assertFalse(stderr.contains(".crt:"), "certificates are public: " + stderr);
            assertEquals(5, stderr.split("chmod 600", -1).length - 1, "each file once: " + stderr);
        }
    }

    @Test
    void strictModesRefuseToStartWhileASecretFileIsOpenToOthers() throws Exception {
        Path stateFile = looseFiles();
        Path data = stateFile.getParent();
        Map<String, String> env = env(stateFile, "BALOR_DEFAULT_ADMIN_PASSWORD", PASSWORD, "BALOR_STRICT_MODES", "true");
        List<Path> loose = List.of(stateFile, dir.resolve("bootstrap.txt"), data.resolve("web.key"),
                data.resolve("console.key"), dir.resolve("certs/up.key"));
        byte[] before = Files.readAllBytes(stateFile);
        for (int fixed = 0; fixed < loose.size(); fixed++) {
            // One file fewer each time: each one alone still stops the start.
            try (DaemonProcess daemon = DaemonProcess.start(dir, env)) {
                assertEquals(1, daemon.awaitExit(WAIT));
                String stderr = daemon.stderr();
                for (int i = 0; i < loose.size(); i++) {
                    String line = "balor: " + loose.get(i) + ": ";
                    assertEquals(i >= fixed, stderr.contains(line), line + " in\n" + stderr);
                }
                assertFalse(stderr.contains("balor: warning: /"), stderr);
                assertTrue(stderr.contains("balor: not started: BALOR_STRICT_MODES=true and others may read these files"),
                        stderr);
            }
            chmod(loose.get(fixed), "rw-------");
        }
        assertArrayEquals(before, Files.readAllBytes(stateFile), "nothing was saved");
        try (DaemonProcess daemon = DaemonProcess.start(dir, env)) {
            daemon.awaitLine(line -> line.startsWith("ready:"), WAIT);
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
        }
    }
}
