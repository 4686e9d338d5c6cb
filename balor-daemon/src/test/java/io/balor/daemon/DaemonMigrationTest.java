package io.balor.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.balor.daemon.AdminClient.WAIT;
import static io.balor.daemon.AdminClient.curl;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator of the original Balor 0.1.3 brings its state file: the daemon refuses it naming
 * {@code balorctl migrate}, which converts it in place (every change on its own line, the
 * original kept beside it); the converted file validates, and a real daemon started on it serves
 * each listener (HTTP routes by Host, HTTPS by SNI with the original's certificates, plain HTTP,
 * two TCP listeners), its users log in with their original passwords (the sample's Argon2id
 * hashes, made by the reference argon2 tool), which are then stored as PBKDF2, and its
 * {@code certificates} show no problem and who uses them. The original file is the seed's sample
 * extended with more listeners, on ports the test owns; its paths are relative to its working
 * directory, as the original read them.
 */
class DaemonMigrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENER = Pattern.compile("listener (\\S+) \\(([^)]*)\\) on 127\\.0\\.0\\.1:(\\d+) .*");
    private static final List<String> LISTENERS = List.of("web-http", "web-https", "k8s-api", "plain", "db");

    @TempDir
    Path dir;

    @Test
    void anOriginalStateFileMigratesInPlaceAndTheDaemonServesItsListenersAndUsers() throws Exception {
        Path workDir = Files.createDirectories(dir.resolve("old"));
        Path certs = Files.createDirectories(workDir.resolve("data/certs"));
        certificate(certs, "shop.example.com");
        certificate(certs, "api.example.com");
        AdminClient.selfSigned(certs.resolve("console.crt"), certs.resolve("console.key"));
        Path stateFile = workDir.resolve("data/balor_state.json");

        HttpServer one = named("ONE");
        HttpServer two = named("TWO");
        try (EchoServer echo = new EchoServer()) {
            Files.writeString(stateFile, original(one, two, echo));
            byte[] originalBytes = Files.readAllBytes(stateFile);
            // The sample's ACME jobs name Let's Encrypt: no test reaches beyond loopback, so they do not run.
            Map<String, String> env = AdminClient.env(dir, stateFile, "BALOR_HTTP_ADDR", "127.0.0.1:0",
                    "BALOR_ACME_DISABLED", "true");

            // The daemon refuses the original file in one line naming the command, and leaves it alone.
            try (DaemonProcess refused = DaemonProcess.start(dir, env)) {
                assertEquals(1, refused.awaitExit(WAIT), refused.stderr());
                assertTrue(refused.stderr().contains("is a state file of the original Balor 0.1.3 (listeners and"
                        + " users keyed by id); convert it with: balorctl migrate " + stateFile), refused.stderr());
            }
            assertArrayEquals(originalBytes, Files.readAllBytes(stateFile));
            Ctl validate = balorctl("validate", stateFile.toString());
            assertEquals(1, validate.code(), validate.out());
            assertTrue(validate.out().contains("balorctl migrate"), validate.out());

            // From the wrong working directory the certificates are not found: nothing is written.
            Ctl wrongDir = balorctl("migrate", "--workdir", dir.toString(), stateFile.toString());
            assertEquals(1, wrongDir.code(), wrongDir.out());
            assertTrue(wrongDir.err().contains("would not load as balor's start loads it"), wrongDir.err());
            assertTrue(wrongDir.err().contains(dir.resolve("data/certs/shop.example.com.crt").toString()),
                    wrongDir.err());
            assertArrayEquals(originalBytes, Files.readAllBytes(stateFile));
            assertFalse(Files.exists(workDir.resolve("data/balor_state.json.0.1.3")));

            Ctl migrate = balorctl("migrate", "--workdir", workDir.toString(), stateFile.toString());
            assertEquals(0, migrate.code(), migrate.out() + migrate.err());
            System.out.println("DaemonMigrationTest: balorctl migrate said:\n" + migrate.out());
            for (String line : List.of(
                    "  changed: listeners: the object keyed by id is written as an array",
                    "  changed: listeners.l3.health_probe.script: 'nc -z $BALOR_HEALTH_TARGET' is a connect check",
                    "pool 'web-https-shop.example.com', made for them",
                    "  changed: users: the object keyed by id is written as an array",
                    "migrated " + stateFile + " to " + stateFile + " (5 listeners, 6 pools, 3 users); the original is"
                            + " kept as " + stateFile + ".0.1.3")) {
                assertTrue(migrate.out().contains(line), line + " in:\n" + migrate.out());
            }
            assertArrayEquals(originalBytes, Files.readAllBytes(workDir.resolve("data/balor_state.json.0.1.3")));
            assertEquals("rw-------", AdminClient.mode(stateFile));
            Ctl valid = balorctl("validate", stateFile.toString());
            assertEquals(0, valid.code(), valid.out());
            Ctl again = balorctl("migrate", stateFile.toString());
            assertEquals(1, again.code());
            assertTrue(again.err().contains("this version's state file already"), again.err());

            try (DaemonProcess daemon = DaemonProcess.start(dir, env)) {
                Map<String, Integer> ports = new HashMap<>();
                for (int i = 0; i < LISTENERS.size(); i++) {
                    Matcher line = LISTENER.matcher(daemon.awaitLine(LISTENER.asPredicate(), WAIT));
                    assertTrue(line.matches());
                    ports.put(line.group(1), Integer.parseInt(line.group(3)));
                }
                assertEquals(LISTENERS.size(), ports.size(), ports.toString());
                traffic(ports, certs, echo);
                users(daemon, certs, stateFile);
                daemon.terminate();
                assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
            }
        } finally {
            one.stop(0);
            two.stop(0);
        }
    }

    /** Requests through every listener, as a client of the original would send them. */
    private static void traffic(Map<String, Integer> ports, Path certs, EchoServer echo) throws Exception {
        int http = ports.get("web-http");
        assertTrue(curl("-H", "Host: shop.example.com", "http://127.0.0.1:" + http + "/").matches("200 (ONE|TWO) .*"));
        assertTrue(curl("-H", "Host: x.apps.example.com", "http://127.0.0.1:" + http + "/")
                .matches("200 (ONE|TWO) x\\.apps\\.example\\.com"));
        assertTrue(curl("-H", "Host: elsewhere.example", "http://127.0.0.1:" + http + "/").startsWith("404 "));
        int https = ports.get("web-https");
        for (String host : List.of("shop.example.com", "api.example.com")) {
            String answer = curl("--cacert", certs.resolve(host + ".crt").toString(), "--resolve",
                    host + ":" + https + ":127.0.0.1", "https://" + host + ":" + https + "/");
            assertTrue(answer.matches("200 (ONE|TWO) " + Pattern.quote(host)), host + ": " + answer);
        }
        assertTrue(curl("http://127.0.0.1:" + ports.get("plain") + "/").matches("200 ONE .*"));
        for (String tcp : List.of("k8s-api", "db")) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), ports.get(tcp))) {
                socket.setSoTimeout((int) WAIT.toMillis());
                socket.getOutputStream().write(("ping " + tcp + "\n").getBytes(StandardCharsets.UTF_8));
                byte[] answer = new byte[("ping " + tcp + "\n").length()];
                InputStream in = socket.getInputStream();
                for (int n = 0; n < answer.length; ) {
                    int read = in.read(answer, n, answer.length - n);
                    assertTrue(read > 0, tcp + ": the echo ended early");
                    n += read;
                }
                assertEquals("ping " + tcp + "\n", new String(answer, StandardCharsets.UTF_8), echo.address());
            }
        }
    }

    /** The original users log in with their passwords over the console's HTTPS; their hashes become PBKDF2. */
    private static void users(DaemonProcess daemon, Path certs, Path stateFile) throws Exception {
        Matcher admin = AdminClient.adminLine(daemon);
        assertEquals("https", admin.group(1), "the console's certificate came along: " + admin.group());
        String base = "https://127.0.0.1:" + admin.group(3);
        String cacert = certs.resolve("console.crt").toString();
        Map<String, String> passwords = Map.of("admin", "admin-original-pw", "ops", "operator-original-pw",
                "dashboard", "viewer-original-pw");
        for (Map.Entry<String, String> user : passwords.entrySet()) {
            String body = JSON.createObjectNode().put("username", user.getKey()).put("password", user.getValue())
                    .toString();
            String login = curl("--cacert", cacert, "-H", "Content-Type: application/json", "-d", body,
                    base + "/api/login");
            assertTrue(login.startsWith("200 "), user.getKey() + ": " + login);
        }
        AdminClient.awaitFile(stateFile, text -> text.split("\\$pbkdf2-sha256\\$", -1).length == 4
                && !text.contains("$argon2id$"));
        String wrong = curl("--cacert", cacert, "-H", "Content-Type: application/json", "-d",
                "{\"username\": \"admin\", \"password\": \"admin\"}", base + "/api/login");
        assertTrue(wrong.startsWith("401 "), "the original's Makefile default is no password here: " + wrong);
        String login = curl("--cacert", cacert, "-H", "Content-Type: application/json", "-d",
                "{\"username\": \"admin\", \"password\": \"admin-original-pw\"}", base + "/api/login");
        assertTrue(login.startsWith("200 "), "the next login verifies the PBKDF2 hash: " + login);
        String token = JSON.readTree(login.substring(4)).get("token").asText();

        String listed = curl("--cacert", cacert, "-H", "Authorization: Bearer " + token, base + "/api/certs");
        assertTrue(listed.startsWith("200 "), listed);
        Map<String, JsonNode> byName = new HashMap<>();
        JSON.readTree(listed.substring(4)).forEach(entry -> byName.put(entry.get("name").asText(), entry));
        assertTrue(byName.get("shop").get("problem").isNull(), byName.toString());
        assertEquals("[\"web-https\",\"web-https shop.example.com\"]", byName.get("shop").get("used_by").toString());
        assertEquals("[\"web-https api.example.com\"]", byName.get("api.example.com").get("used_by").toString());
        assertEquals("[\"api.example.com\"]", byName.get("api.example.com").get("sans").toString());
    }

    /** The seed's sample, extended: two more listeners, ports the test owns, a console on HTTPS. */
    private static String original(HttpServer one, HttpServer two, EchoServer echo) throws Exception {
        String a = "http://127.0.0.1:" + one.getAddress().getPort();
        String b = "http://127.0.0.1:" + two.getAddress().getPort();
        String webCopy = """
                [{"id": "u-1", "name": "web1", "address": "%s", "enabled": true, "weight": 1},
                 {"id": "u-2", "name": "web2", "address": "%s", "enabled": true, "weight": 1}]""".formatted(a, b);
        String weighted = webCopy.replaceFirst("\"weight\": 1", "\"weight\": 3");
        String apiCopy = """
                [{"id": "u-3", "name": "api1", "address": "%s", "enabled": true, "weight": 1}]""".formatted(b);
        String masters = """
                [{"id": "u-4", "name": "master-0", "address": "%s", "enabled": true, "weight": 1}]"""
                .formatted(echo.address());
        String document = """
                {
                  "admin_console": {"bind": "127.0.0.1:19443",
                                    "tls": {"cert_path": "data/certs/console.crt", "key_path": "data/certs/console.key"}},
                  "listeners": {
                    "l1": {"id": "l1", "name": "web-http", "listen": "127.0.0.1:0", "protocol": "http",
                           "health_probe": {"path": "/", "headers": [["Host", "shop.example.com"]]},
                           "rate_limit": {"rps": 100, "burst": 200}, "enabled": true, "upstreams": [],
                           "host_routes": [
                             {"host": "shop.example.com", "upstreams": %1$s, "enabled": true,
                              "rate_limit": {"rps": 20, "burst": 40}, "pool": "web"},
                             {"host": "*.apps.example.com", "upstreams": %1$s, "enabled": true, "pool": "web"}],
                           "sticky": {"strategy": "cookie", "cookie_name": "SHOP_STICKY"}},
                    "l2": {"id": "l2", "name": "web-https", "listen": "127.0.0.1:0", "protocol": "http",
                           "rate_limit": {"rps": 50, "burst": 100}, "enabled": true, "upstreams": [],
                           "host_routes": [
                             {"host": "shop.example.com", "upstreams": %2$s, "enabled": true, "pool": "web",
                              "tls": {"cert_path": "data/certs/shop.example.com.crt",
                                      "key_path": "data/certs/shop.example.com.key"}},
                             {"host": "api.example.com", "upstreams": %3$s, "enabled": true, "pool": "api",
                              "tls": {"cert_path": "data/certs/api.example.com.crt",
                                      "key_path": "data/certs/api.example.com.key"},
                              "acme": {"email": "ops@example.com",
                                       "directory_url": "https://acme-staging-v02.api.letsencrypt.org/directory",
                                       "challenge": "dns01", "provider": "cf-main"},
                              "acme_status": {"state": "issued", "not_after": "2027-02-01T00:00:00Z", "attempts": 1}}],
                           "tls": {"cert_path": "data/certs/shop.example.com.crt",
                                   "key_path": "data/certs/shop.example.com.key"},
                           "sticky": {"strategy": "ip_hash"}},
                    "l3": {"id": "l3", "name": "k8s-api", "listen": "127.0.0.1:0", "protocol": "tcp",
                           "health_probe": {"script": "nc -z $BALOR_HEALTH_TARGET"}, "enabled": true,
                           "upstreams": %4$s},
                    "l4": {"id": "l4", "name": "plain", "listen": "127.0.0.1:0", "protocol": "http",
                           "rate_limit": {"rps": 0, "burst": 0}, "enabled": true,
                           "upstreams": [{"id": "u-5", "name": "one", "address": "%5$s", "enabled": true, "weight": 0}]},
                    "l5": {"id": "l5", "name": "db", "listen": "127.0.0.1:0", "protocol": "tcp", "enabled": true,
                           "rate_limit": {"rps": 10, "burst": 5}, "upstreams": %4$s}
                  },
                  "pools": [{"name": "web", "upstreams": %1$s}, {"name": "api", "upstreams": %3$s},
                            {"name": "masters", "upstreams": %4$s}],
                  "trace_sample": 5000
                }
                """.formatted(webCopy, weighted, apiCopy, masters, a);
        ObjectNode root = (ObjectNode) JSON.readTree(document);
        try (InputStream in = DaemonMigrationTest.class.getResourceAsStream("/original/sample-state.json")) {
            JsonNode sample = JSON.readTree(in);
            for (String kept : List.of("users", "certificates", "acme_providers", "acme_standalone")) {
                root.set(kept, sample.get(kept));
            }
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    /** An upstream answering {@code NAME HOST} (the Host it was sent) to every request. */
    private static HttpServer named(String name) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = (name + " " + exchange.getRequestHeaders().getFirst("Host").replaceFirst(":\\d+$", ""))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    /** {@code HOST.crt} and {@code HOST.key} in {@code certs}: a self-signed P-256 certificate for {@code HOST}. */
    private static void certificate(Path certs, String host) throws Exception {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", certs.resolve(host + ".key").toString(), "-out",
                certs.resolve(host + ".crt").toString(), "-days", "2", "-subj", "/CN=" + host, "-addext",
                "subjectAltName=DNS:" + host).redirectErrorStream(true).start();
        String out = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(openssl.waitFor(30, TimeUnit.SECONDS), "openssl still running");
        assertEquals(0, openssl.exitValue(), out);
        AdminClient.chmod(certs.resolve(host + ".key"), "rw-------");
    }

    private record Ctl(int code, String out, String err) {
    }

    private static Ctl balorctl(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BalorCtl.run(args, Map.of(), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                null);
        assertFalse(out.toString(StandardCharsets.UTF_8).isEmpty() && err.toString(StandardCharsets.UTF_8).isEmpty());
        return new Ctl(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
