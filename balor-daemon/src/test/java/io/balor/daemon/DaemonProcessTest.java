package io.balor.daemon;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The daemon as a real process: start from a state file, forward bytes, drain on SIGTERM, refuse bad files. */
class DaemonProcessTest {

    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Duration EXIT = Duration.ofSeconds(30);
    private static final Pattern LISTENER_LINE =
            Pattern.compile("listener echo \\(tcp\\) on 127\\.0\\.0\\.1:(\\d+) -> upstreams 127\\.0\\.0\\.1:\\d+");

    @TempDir
    Path dir;

    private Map<String, String> env(Path stateFile) {
        return Map.of("BALOR_STATE_FILE", stateFile.toString(), "BALOR_LOOPS", "1",
                "BALOR_HTTP_ADDR", "127.0.0.1:0");
    }

    @Test
    void forwardsThenDrainsOnSigtermAndExits0() throws Exception {
        try (EchoServer upstream = new EchoServer()) {
            Path stateFile = dir.resolve("balor_state.json");
            Files.writeString(stateFile, """
                    {
                      "version": 1,
                      "listeners": [
                        {"name": "echo", "listen": "127.0.0.1:0", "protocol": "tcp",
                         "upstreams": ["%s"], "timeouts": {"drain_ms": 5000}}
                      ],
                      "pools": []
                    }
                    """.formatted(upstream.address()));
            try (DaemonProcess daemon = DaemonProcess.start(dir, env(stateFile))) {
                daemon.awaitLine(line -> line.equals("state file " + stateFile), STARTUP);
                Matcher listener = LISTENER_LINE.matcher(daemon.awaitLine(LISTENER_LINE.asPredicate(), STARTUP));
                assertTrue(listener.matches());
                int port = Integer.parseInt(listener.group(1));

                byte[] hello = "hello through balor\n".getBytes(StandardCharsets.UTF_8);
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    client.setSoTimeout((int) STARTUP.toMillis());
                    OutputStream out = client.getOutputStream();
                    out.write(hello);
                    out.flush();
                    assertArrayEquals(hello, readFully(client.getInputStream(), hello.length));
                }

                daemon.terminate();
                assertEquals(0, daemon.awaitExit(EXIT), daemon.stderr());
            }
        }
    }

    @Test
    void proxiesHttpThenExits0OnSigterm() throws Exception {
        // Without it the JDK server delays small responses (Nagle against delayed ACK).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/", exchange -> {
            byte[] body = ("hello from " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        upstream.start();
        try {
            Path stateFile = dir.resolve("balor_state.json");
            Files.writeString(stateFile, """
                    {
                      "version": 1,
                      "listeners": [
                        {"name": "web", "listen": "127.0.0.1:0", "protocol": "http", "pool": "app",
                         "host_routes": [{"host": "api.example.com", "pool": "api"}],
                         "http_timeouts": {"upstream_response_ms": 10000}}
                      ],
                      "pools": [
                        {"name": "app", "upstreams": ["http://127.0.0.1:%d"]},
                        {"name": "api", "upstreams": ["http://127.0.0.1:1"]}
                      ]
                    }
                    """.formatted(upstream.getAddress().getPort()));
            Pattern line = Pattern.compile("listener web \\(http\\) on 127\\.0\\.0\\.1:(\\d+)"
                    + " -> routes: api\\.example\\.com -> api; default pool app");
            try (DaemonProcess daemon = DaemonProcess.start(dir, env(stateFile))) {
                Matcher listener = line.matcher(daemon.awaitLine(line.asPredicate(), STARTUP));
                assertTrue(listener.matches());
                int port = Integer.parseInt(listener.group(1));

                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(STARTUP).build();
                HttpResponse<String> response = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello")).timeout(STARTUP)
                                .GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), response.body());
                assertEquals("hello from /hello", response.body());

                daemon.terminate();
                assertEquals(0, daemon.awaitExit(EXIT), daemon.stderr());
            }
        } finally {
            upstream.stop(0);
        }
    }

    @Test
    void corruptStateFileExits1AndIsLeftAlone() throws Exception {
        Path stateFile = dir.resolve("balor_state.json");
        byte[] bytes = "{\n  \"version\": 1,\n  \"listeners\": [\n    {\"name\": \"a\",, }\n  ]\n}\n"
                .getBytes(StandardCharsets.UTF_8);
        Files.write(stateFile, bytes);
        try (DaemonProcess daemon = DaemonProcess.start(dir, env(stateFile))) {
            assertEquals(1, daemon.awaitExit(EXIT), daemon.stderr());
            String stderr = daemon.stderr();
            assertTrue(stderr.contains(stateFile.toString()), stderr);
            assertTrue(stderr.contains("line 4, column 18"), stderr);
        }
        assertArrayEquals(bytes, Files.readAllBytes(stateFile));
    }

    @Test
    void missingStateFileIsCreatedWithVersion1() throws Exception {
        Path stateFile = dir.resolve("data/balor_state.json");
        try (DaemonProcess daemon = DaemonProcess.start(dir, Map.of("BALOR_LOOPS", "1"))) {
            // Not equals: the daemon resolves the default path against its working directory's real path.
            daemon.awaitLine(line -> line.startsWith("state file ")
                    && line.endsWith("data/balor_state.json (created, empty)"), STARTUP);
            daemon.awaitLine(line -> line.startsWith("ready"), STARTUP);
            String text = Files.readString(stateFile);
            assertTrue(text.contains("\"version\": 1"), text);
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(EXIT), daemon.stderr());
        }
    }

    private static byte[] readFully(InputStream in, int length) throws Exception {
        byte[] bytes = new byte[length];
        int read = 0;
        while (read < length) {
            int n = in.read(bytes, read, length - read);
            if (n < 0) {
                throw new AssertionError("connection closed after " + read + " of " + length + " bytes");
            }
            read += n;
        }
        return bytes;
    }
}
