package io.balor.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API of a real daemon stays usable while it is flooded from other loopback addresses
 * ({@link AdminFlood}): 200 slow-header connections, 500 idle connections and 50 parallel
 * wrong-password logins. Meanwhile a logged-in viewer's 100 {@code GET /api/stats} all answer 200
 * with a p99 under 1 s, and the admin's correct login (from 127.0.0.1, where it logged in before,
 * on a new connection) succeeds within 2 s. The bounds are the issue's; the figures measured are
 * printed.
 */
class AdminFloodTest {

    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final Pattern ADMIN_LINE = Pattern.compile("admin API on http://(127\\.0\\.0\\.1):(\\d+)/api");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aViewerAndTheOwnerGetThroughWhileTheApiIsFlooded() throws Exception {
        try (DaemonProcess daemon = start()) {
            int port = port(daemon);
            String base = "http://127.0.0.1:" + port;
            String admin = login(base, "admin", "owner-password-1").get("token").asText();
            assertEquals(201, send(base, "POST", "/api/users", admin,
                    "{\"username\": \"vera\", \"password\": \"viewer-password\", \"role\": \"viewer\"}").statusCode());
            String viewer = login(base, "vera", "viewer-password").get("token").asText();

            try (AdminFlood flood = new AdminFlood(new InetSocketAddress("127.0.0.1", port),
                    120)) {
                flood.connect(200, 500);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (flood.slowOpen.get() < 200 || flood.idleOpen.get() < 500) {
                    assertTrue(System.nanoTime() < deadline, "the flood never got its connections: slow "
                            + flood.slowOpen + ", idle " + flood.idleOpen);
                    LockSupport.parkNanos(10_000_000);
                }
                flood.flood(50);
                while (flood.loginAnswers.values().stream().mapToLong(java.util.concurrent.atomic.AtomicLong::get).sum() < 200) {
                    assertTrue(System.nanoTime() < deadline, "the login flood never got going: " + flood.answers());
                    LockSupport.parkNanos(10_000_000);
                }

                List<Long> millis = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    long start = System.nanoTime();
                    HttpResponse<String> stats = send(base, "GET", "/api/stats", viewer, null);
                    millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    assertEquals(200, stats.statusCode(), "request " + i + ": " + stats.body());
                }
                long loginStart = System.nanoTime();
                HttpResponse<String> owner = ownerLoginOnANewConnection(base);
                long loginMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loginStart);
                List<Long> sorted = new ArrayList<>(millis);
                Collections.sort(sorted);
                String figures = "stats p50 " + sorted.get(49) + " ms, p99 " + sorted.get(98) + " ms, max "
                        + sorted.get(99) + " ms; owner login " + loginMillis + " ms (" + owner.statusCode()
                        + "); flood: slow " + flood.slowOpen + ", idle " + flood.idleOpen + ", connections made "
                        + flood.reconnects + ", login answers " + flood.answers();
                System.out.println("AdminFloodTest: " + figures);
                assertEquals(200, owner.statusCode(), owner.body() + "; " + figures);
                assertTrue(sorted.get(98) < 1_000, figures);
                assertTrue(loginMillis < 2_000, figures);
            }
            assertEquals(200, send(base, "GET", "/api/stats", viewer, null).statusCode(), "fine after the flood");
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(STARTUP), daemon.stderr());
        }
    }

    /**
     * One host trying to hold every connection (300 slow-header and 500 idle from 127.0.0.9) keeps
     * 64 at most ({@code ApiOptions.perClient}): what it opens beyond is closed within moments, and
     * a viewer and the owner are served meanwhile.
     */
    @Test
    void oneHostCannotHoldMoreThanItsShare() throws Exception {
        try (DaemonProcess daemon = start()) {
            int port = port(daemon);
            String base = "http://127.0.0.1:" + port;
            String admin = login(base, "admin", "owner-password-1").get("token").asText();
            try (AdminFlood flood = new AdminFlood(new InetSocketAddress("127.0.0.1", port),
                    60)) {
                flood.connectFrom("127.0.0.9", 300, 500);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (flood.rounds.get() < 4) {
                    assertTrue(System.nanoTime() < deadline, "the flood never got going");
                    LockSupport.parkNanos(10_000_000);
                }
                int held = flood.slowHeld.get() + flood.idleHeld.get();
                assertTrue(held <= 64, "one host kept " + held + " connections open after a round");
                for (int i = 0; i < 20; i++) {
                    assertEquals(200, send(base, "GET", "/api/stats", admin, null).statusCode());
                }
                HttpResponse<String> owner = ownerLoginOnANewConnection(base);
                assertEquals(200, owner.statusCode(), owner.body());
                System.out.println("AdminFloodTest: one host held " + held + " connections of the 800 it kept opening ("
                        + flood.reconnects + " made)");
            }
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(STARTUP), daemon.stderr());
        }
    }

    private DaemonProcess start() throws Exception {
        return DaemonProcess.start(dir, Map.of("BALOR_STATE_FILE", dir.resolve("data/balor_state.json").toString(),
                "BALOR_LOOPS", "1", "BALOR_HTTP_ADDR", "127.0.0.1:0", "BALOR_DEFAULT_ADMIN_PASSWORD", "owner-password-1",
                "BALOR_LOG_DIR", dir.resolve("logs").toString(),
                "BALOR_CONTROL_SOCKET", dir.resolve("control.sock").toString()));
    }

    /** The admin API's port, from the daemon's start-up line. */
    private static int port(DaemonProcess daemon) throws Exception {
        Matcher line = ADMIN_LINE.matcher(daemon.awaitLine(ADMIN_LINE.asPredicate(), STARTUP));
        assertTrue(line.matches());
        return Integer.parseInt(line.group(2));
    }

    /** The owner's login on a connection of its own, as a browser opening the console would. */
    private static HttpResponse<String> ownerLoginOnANewConnection(String base) throws Exception {
        HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return fresh.send(HttpRequest.newBuilder(URI.create(base + "/api/login"))
                        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"username\": \"admin\", \"password\": \"owner-password-1\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode login(String base, String username, String password) throws Exception {
        HttpResponse<String> response = send(base, "POST", "/api/login", null,
                "{\"username\": \"" + username + "\", \"password\": \"" + password + "\"}");
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> send(String base, String method, String path, String token, String json)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
