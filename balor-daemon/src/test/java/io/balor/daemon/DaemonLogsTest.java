package io.balor.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon's log files as a real process: {@code access.log} and {@code events.log} in
 * {@code BALOR_LOG_DIR}, and a log directory that cannot be written, which must not stop traffic.
 */
class DaemonLogsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern LISTENER = Pattern.compile("listener web \\(http\\) on 127\\.0\\.0\\.1:(\\d+) -> .*");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private HttpServer upstream;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(WAIT).build();

    @BeforeEach
    void upstream() throws IOException {
        // Without it the JDK server delays small responses (Nagle against delayed ACK).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        upstream = AdminClient.helloUpstream();
    }

    @AfterEach
    void stop() {
        upstream.stop(0);
    }

    /** An http listener "web" to the upstream, and a pool "down" whose health check fails (port 1 is closed). */
    private Path stateFile() throws IOException {
        Path file = dir.resolve("balor_state.json");
        Files.writeString(file, """
                {
                  "version": 1,
                  "listeners": [{"name": "web", "listen": "127.0.0.1:0", "protocol": "http", "pool": "app"}],
                  "pools": [
                    {"name": "app", "upstreams": ["http://127.0.0.1:%d"]},
                    {"name": "down", "upstreams": ["127.0.0.1:1"],
                     "health_check": {"type": "tcp", "interval_ms": 50, "timeout_ms": 1000, "rise": 1, "fall": 1}}
                  ]
                }
                """.formatted(upstream.getAddress().getPort()));
        return file;
    }

    private int get(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static int port(DaemonProcess daemon) throws InterruptedException {
        Matcher listener = LISTENER.matcher(daemon.awaitLine(LISTENER.asPredicate(), WAIT));
        assertTrue(listener.matches());
        return Integer.parseInt(listener.group(1));
    }

    @Test
    void accessAndEventLogsAreWrittenInTheLogDirectory() throws Exception {
        Map<String, String> env = Map.of("BALOR_STATE_FILE", stateFile().toString(), "BALOR_LOOPS", "1",
                "BALOR_HTTP_ADDR", "127.0.0.1:0", "BALOR_LOG_DIR", "logs");   // relative: to the working directory
        Path logs = dir.resolve("logs");
        try (DaemonProcess daemon = DaemonProcess.start(dir, env)) {
            daemon.awaitLine(line -> line.startsWith("logs in ")
                    && line.endsWith("/logs: access.log (every exchange), events.log"), WAIT);
            int port = port(daemon);
            assertEquals(200, get(port, "/hello"));

            JsonNode access = awaitLine(logs.resolve("access.log"), line -> line.contains("\"path\":\"/hello\""));
            assertEquals("web", access.get("listener").asText());
            assertEquals(200, access.get("status").asInt());

            String down = "upstream down/127.0.0.1:1 is down";
            JsonNode event = awaitLine(logs.resolve("events.log"), line -> line.contains(down));
            assertEquals(List.of("time", "level", "source", "message"), fieldNames(event));
            assertEquals("WARNING", event.get("level").asText());
            assertEquals("health", event.get("source").asText());
            assertTrue(event.get("message").asText().startsWith(down), event.toString());
            assertTrue(event.get("time").asText().matches("20\\d\\d-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"),
                    event.toString());

            // stderr shows the event once, as the JDK's default logging prints it: not twice.
            daemon.awaitStderr(down, WAIT);
            assertEquals(1, daemon.stderr().split(Pattern.quote(down), -1).length - 1, daemon.stderr());

            daemon.terminate();
            daemon.awaitLine(line -> line.equals("stopped"), WAIT);
            assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
            assertFalse(daemon.stderr().contains("were not written"), daemon.stderr());
        }
    }

    @Test
    void anUnwritableLogDirectoryDoesNotStopTraffic() throws Exception {
        Path inTheWay = dir.resolve("in-the-way");
        Files.writeString(inTheWay, "a regular file, not a directory");
        Path logs = inTheWay.resolve("logs");
        Map<String, String> env = Map.of("BALOR_STATE_FILE", stateFile().toString(), "BALOR_LOOPS", "1",
                "BALOR_HTTP_ADDR", "127.0.0.1:0", "BALOR_LOG_DIR", logs.toString());
        try (DaemonProcess daemon = DaemonProcess.start(dir, env)) {
            int port = port(daemon);
            for (int i = 0; i < 20; i++) {
                assertEquals(200, get(port, "/" + i), "traffic goes on");
            }
            String accessWarning = "cannot write " + logs.resolve("access.log");
            String eventsWarning = "cannot write " + logs.resolve("events.log");
            daemon.awaitStderr(accessWarning, WAIT);
            daemon.awaitStderr(eventsWarning, WAIT);
            assertEquals(200, get(port, "/after-the-warnings"));

            daemon.terminate();
            assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
            String stderr = daemon.stderr();
            assertEquals(1, stderr.split(Pattern.quote(accessWarning), -1).length - 1, "warned once: " + stderr);
            assertEquals(1, stderr.split(Pattern.quote(eventsWarning), -1).length - 1, "warned once: " + stderr);
            assertTrue(stderr.contains("balor: warning: 21 access-log lines and "), stderr);
            assertTrue(stderr.contains(" events were not written to " + logs), stderr);
        }
        assertTrue(Files.isRegularFile(inTheWay), "nothing was put in the way's place");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Waits until {@code file} has a line that matches and returns it parsed; the file may not exist yet. */
    private static JsonNode awaitLine(Path file, Predicate<String> wanted) throws IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            for (String line : lines(file)) {
                if (wanted.test(line)) {
                    return JSON.readTree(line);
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no such line in " + file + " within " + WAIT + ":\n" + lines(file));
            }
            LockSupport.parkNanos(5_000_000);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
