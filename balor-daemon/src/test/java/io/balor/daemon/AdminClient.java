package io.balor.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API of a daemon under test, through real clients: java.net.http for plain-HTTP JSON
 * calls (status, body and headers), and curl ({@link #curl}) where a test needs what java.net.http
 * will not send (a foreign {@code Host}, HTTP/1.0 without one) or HTTPS checked against a
 * certificate file. Also what the daemon tests share: waiting for the admin line, file modes,
 * waiting for a file, and a self-signed certificate made by openssl. One test thread.
 */
final class AdminClient {

    static final Pattern ADMIN_LINE = Pattern.compile("admin API on (https?)://(127\\.0\\.0\\.1:(\\d+))/api");
    static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer of the API. */
    record Answer(int status, String body, HttpHeaders headers) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(WAIT).build();
    private final String base;

    private AdminClient(String base) {
        this.base = base;
    }

    /** The daemon's plain-HTTP admin API, once its admin line is printed. */
    /**
     * A daemon's environment with every file in {@code dir} (logs, control socket, bootstrap file,
     * certificates), one loop, the state file {@code stateFile}, and {@code extra} name/value pairs.
     */
    static java.util.Map<String, String> env(Path dir, Path stateFile, String... extra) {
        java.util.Map<String, String> env = new java.util.HashMap<>(java.util.Map.of(
                "BALOR_STATE_FILE", stateFile.toString(), "BALOR_LOOPS", "1",
                "BALOR_LOG_DIR", dir.resolve("logs").toString(),
                "BALOR_CONTROL_SOCKET", dir.resolve("c.sock").toString(),
                "BALOR_BOOTSTRAP_SECRET_FILE", dir.resolve("bootstrap.txt").toString(),
                "BALOR_CERT_DIR", dir.resolve("certs").toString()));
        for (int i = 0; i < extra.length; i += 2) {
            env.put(extra[i], extra[i + 1]);
        }
        return env;
    }

    /** An upstream on 127.0.0.1 and a free port answering every request with 200 "hello"; started. */
    static com.sun.net.httpserver.HttpServer helloUpstream() throws IOException {
        com.sun.net.httpserver.HttpServer upstream = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/", exchange -> {
            byte[] body = "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (java.io.OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        upstream.start();
        return upstream;
    }

    static AdminClient of(DaemonProcess daemon) throws InterruptedException {
        Matcher admin = adminLine(daemon);
        assertEquals("http", admin.group(1), admin.group());
        return new AdminClient("http://" + admin.group(2));
    }

    /** Waits for the admin line and returns it matched: group 1 the scheme, 2 {@code 127.0.0.1:PORT}, 3 the port. */
    static Matcher adminLine(DaemonProcess daemon) throws InterruptedException {
        Matcher admin = ADMIN_LINE.matcher(daemon.awaitLine(ADMIN_LINE.asPredicate(), WAIT));
        assertTrue(admin.find());
        return admin;
    }

    /** {@code http://127.0.0.1:PORT}. */
    String base() {
        return base;
    }

    Answer send(String method, String path, String token, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(WAIT)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response.headers());
    }

    Answer get(String path, String token) throws IOException, InterruptedException {
        return send("GET", path, token, null);
    }

    Answer post(String path, String token, String json) throws IOException, InterruptedException {
        return send("POST", path, token, json);
    }

    /** {@code POST /api/login}. */
    Answer login(String username, String password) throws IOException, InterruptedException {
        return post("/api/login", null, JSON.createObjectNode().put("username", username).put("password", password)
                .toString());
    }

    /** Logs in, failing unless it is 200; the session token. */
    String token(String username, String password) throws IOException, InterruptedException {
        Answer login = login(username, password);
        assertEquals(200, login.status(), login.toString());
        return login.json().get("token").asText();
    }

    /** curl's answer as "STATUS BODY" (status 000 when no HTTP answer came). */
    static String curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-w", "\n%{http_code}"));
        command.addAll(List.of(args));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        curl.getInputStream().transferTo(all);
        assertTrue(curl.waitFor(30, TimeUnit.SECONDS), "curl still running");
        String out = all.toString(StandardCharsets.UTF_8);
        int split = out.lastIndexOf('\n');
        return out.substring(split + 1) + " " + out.substring(0, Math.max(split, 0));
    }

    /** {@code rw-------} and the like. */
    static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    /** Sets {@code file}'s mode ({@code rw-r--r--} and the like). */
    static void chmod(Path file, String mode) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    }

    /** Waits until {@code file} exists and passes {@code test}; fails after {@link #WAIT}. */
    static void awaitFile(Path file, Predicate<String> test) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String text = null;
        while (true) {
            try {
                text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (text != null && test.test(text)) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(file + (text == null ? " does not exist" : " holds:\n" + text)
                        + " after " + WAIT);
            }
            LockSupport.parkNanos(10_000_000);
        }
    }

    /** Waits until {@code file} exists. */
    static void awaitFile(Path file) {
        awaitFile(file, text -> true);
    }

    /**
     * A self-signed P-256 certificate for {@code CN=localhost} and {@code IP:127.0.0.1}, made by
     * openssl, its key in {@code key} (the files get openssl's modes, then {@code rw-------}).
     */
    static void selfSigned(Path cert, Path key) throws IOException, InterruptedException {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost")
                .redirectErrorStream(true).start();
        String out = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(openssl.waitFor(30, TimeUnit.SECONDS), "openssl still running");
        assertEquals(0, openssl.exitValue(), out);
        chmod(cert, "rw-------");
        chmod(key, "rw-------");
    }
}
