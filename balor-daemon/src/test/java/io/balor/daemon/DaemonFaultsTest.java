package io.balor.daemon;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real daemon under faults of its process: out of file descriptors ({@code prlimit}), and
 * stopped by SIGTERM. Issue 13: with {@code ulimit -n 256} and 300 clients an event loop died
 * (its first log line needed a file), its listener stayed refused, {@code /api/health} said ok.
 */
class DaemonFaultsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern LISTENER = Pattern.compile("listener web \\(http\\) on 127\\.0\\.0\\.1:(\\d+) -> .*");

    @TempDir
    Path dir;
    private HttpServer upstream;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(WAIT).build();

    @BeforeEach
    void upstream() throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        upstream = AdminClient.helloUpstream();
    }

    @AfterEach
    void stop() {
        upstream.stop(0);
    }

    private Map<String, String> env() throws IOException {
        Path file = dir.resolve("balor_state.json");
        Files.writeString(file, """
                {"version": 1,
                 "listeners": [{"name": "web", "listen": "127.0.0.1:0", "protocol": "http", "pool": "app"}],
                 "pools": [{"name": "app", "upstreams": ["http://127.0.0.1:%d"],
            "passive_health": {"failures": 1, "eject_ms": 600000}}]}
                """.formatted(upstream.getAddress().getPort()));
        return Map.of("BALOR_STATE_FILE", file.toString(), "BALOR_LOOPS", "2", "BALOR_HTTP_ADDR", "127.0.0.1:0");
    }

    private HttpResponse<String> get(String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int port(DaemonProcess daemon) throws InterruptedException {
        Matcher listener = LISTENER.matcher(daemon.awaitLine(LISTENER.asPredicate(), WAIT));
        assertTrue(listener.matches());
        return Integer.parseInt(listener.group(1));
    }

    @Test
    void outOfFileDescriptorsTheLoopsLiveAndTheListenerRecoversWhenClientsLeave() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, env(), List.of("prlimit", "--nofile=256:256", "--"))) {
            int port = port(daemon);
            String admin = "http://" + AdminClient.adminLine(daemon).group(2);
            assertEquals(200, get("http://127.0.0.1:" + port + "/before").statusCode());
            assertEquals(200, get(admin + "/api/health").statusCode());

            // A kept-alive client, from before: its next request needs an upstream socket.
            Socket keptAlive = new Socket("127.0.0.1", port);
            keptAlive.setSoTimeout((int) WAIT.toMillis());
            String status = request(keptAlive);
            assertEquals("200", status);

            List<Socket> clients = new ArrayList<>(List.of(keptAlive));
            try {
                for (int i = 0; i < 300; i++) {
                    Socket socket = new Socket();
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                    clients.add(socket);
                }
                daemon.awaitStderr("Too many open files", WAIT);
                daemon.awaitStderr("spare descriptors freed for the admin API and health checks", WAIT);
                // The reserve lets the admin API in while the listener cannot accept.
                HttpResponse<String> during = get(admin + "/api/health");
                assertEquals(200, during.statusCode(), during.body());
                assertTrue(during.body().contains("\"status\":\"ok\""), during.body());
                // No socket for the upstream (or, by luck, one): never a 502, and it must not
                // count against the upstream, whose passive health ejects at the first failure.
                String duringStatus = request(keptAlive);
                assertTrue(duringStatus.equals("503") || duringStatus.equals("200"), duringStatus);
            } finally {
                for (Socket socket : clients) {
                    socket.close();
                }
            }

            until("a request through the listener works again", () -> {
                try {
                    return get("http://127.0.0.1:" + port + "/after").statusCode() == 200;
                } catch (Exception e) {
                    return false;
                }
            });
            HttpResponse<String> health = get(admin + "/api/health");
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().contains("\"loop\":\"balor-loop-0\",\"state\":\"running\""), health.body());
            assertTrue(health.body().contains("\"loop\":\"balor-loop-1\",\"state\":\"running\""), health.body());
            daemon.awaitStderr("works again after", WAIT);
            String stderr = daemon.stderr();
            assertTrue(!stderr.contains("ExceptionInInitializerError") && !stderr.contains("NoClassDefFoundError"), stderr);
            String failed = "accept on 127.0.0.1:" + port + " failed";
            int warnings = stderr.split(Pattern.quote(failed), -1).length - 1;
            int recoveries = stderr.split(Pattern.quote("works again after"), -1).length - 1;
            assertTrue(warnings >= 1 && warnings <= recoveries + 1, "one warning per burst, not per attempt:\n" + stderr);

            daemon.terminate();
            daemon.awaitLine(line -> line.equals("stopped"), WAIT);
            assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
        }
    }

    @Test
    void sigtermStopsAcceptingBeforeAnythingElse() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir, env())) {
            int port = port(daemon);
            AdminClient.adminLine(daemon);
            daemon.awaitLine(line -> line.startsWith("ready:"), WAIT);
            assertEquals(200, get("http://127.0.0.1:" + port + "/").statusCode());

            daemon.terminate();
            // Printed once the listening sockets are closed, before the admin API's stop (which
            // takes up to a second) and the drain.
            daemon.awaitLine(line -> line.equals("SIGTERM: not accepting any more; draining"), WAIT);
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
            daemon.awaitLine(line -> line.equals("stopped"), WAIT);
            assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
        }
    }

    /** One GET on a kept-alive raw connection; its status. */
    private static String request(Socket socket) throws IOException {
        socket.getOutputStream().write("GET /kept HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        java.io.InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after: " + head);
            }
            head.append((char) b);
        }
        Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        assertTrue(length.find(), head.toString());
        in.readNBytes(Integer.parseInt(length.group(1)));
        return head.substring(9, 12);
    }

    private static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            LockSupport.parkNanos(10_000_000);
        }
    }
}
