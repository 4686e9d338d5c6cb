package io.balor.admin.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * jdk.httpserver's JVM-wide limits, tested in a JVM of its own ({@link TimeoutServerMain}) so that
 * they can be short and do not leak into the other tests: a slow-loris client that never finishes
 * its head is disconnected after {@code maxReqTime} (1 s here, checked every 100 ms), a connection
 * that sends nothing after {@code idleInterval}, and {@link ApiServer#applyTimeoutDefaults()} keeps
 * the settings given with {@code -D} while filling in the rest (at most 100 request headers of
 * 64 KiB in all: jdk.httpserver closes or resets a connection that sends more, without an answer).
 */
class ApiServerTimeoutTest {

    private static Process child;
    private static int port;
    private static boolean reaps;
    private static final Map<String, String> settings = new HashMap<>();

    @BeforeAll
    static void startChild() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = Files.createDirectories(Path.of("target")).resolve("api-timeout-server.log");
        child = new ProcessBuilder(java, "-cp", classPath, "--add-opens", "jdk.httpserver/sun.net.httpserver=ALL-UNNAMED",
                "-Dsun.net.httpserver.maxReqTime=1", "-Dsun.net.httpserver.timerMillis=100",
                "-Dsun.net.httpserver.idleInterval=1", "-Dsun.net.httpserver.clockTick=100",
                "-Djdk.httpserver.maxConnections=20",
                TimeoutServerMain.class.getName())
                .redirectError(log.toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("REAPS ")) {
                reaps = Boolean.parseBoolean(line.substring(6));
            } else if (line.startsWith("SET ")) {
                String[] kv = line.substring(4).split("=", 2);
                settings.put(kv[0], kv[1]);
            } else if (line.startsWith("PORT ")) {
                port = Integer.parseInt(line.substring(5));
                return;
            }
        }
        fail("the server JVM ended before it listened; see " + log.toAbsolutePath());
    }

    @AfterAll
    static void stopChild() throws Exception {
        if (child != null) {
            child.getOutputStream().close();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void defaultsFillOnlyWhatIsNotSet() {
        assertEquals("1", settings.get("sun.net.httpserver.maxReqTime"), "kept from -D");
        assertEquals("1", settings.get("sun.net.httpserver.idleInterval"), "kept from -D");
        assertEquals("60", settings.get("sun.net.httpserver.maxRspTime"));
        assertEquals("100", settings.get("sun.net.httpserver.maxReqHeaders"));
        assertEquals("65536", settings.get("sun.net.httpserver.maxReqHeaderSize"));
        assertEquals("20", settings.get("jdk.httpserver.maxConnections"), "kept from -D");
    }

    @Test
    void aClientThatNeverFinishesItsHeadIsDisconnected() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long started = System.nanoTime();
            assertClosed(socket.getInputStream());
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(millis >= 500, "closed by the request timer, not at once: " + millis + " ms");
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosed() throws Exception {
        try (Socket socket = connect()) {
            assertClosed(socket.getInputStream());
        }
    }

    @Test
    void tooManyHeadersCloseTheConnection() throws Exception {
        StringBuilder head = new StringBuilder("GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (int i = 0; i < 150; i++) {
            head.append("X-H").append(i).append(": v\r\n");
        }
        assertEquals(-1, statusOrClosed(head.append("\r\n").toString()), "more than maxReqHeaders (100)");
    }

    @Test
    void anOversizedHeadClosesTheConnection() throws Exception {
        String head = "GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(70_000) + "\r\n\r\n";
        assertEquals(-1, statusOrClosed(head), "more than maxReqHeaderSize (64 KiB)");
    }

    /**
     * Clients that read a response's status and then reset the connection (as a flood tool does)
     * do not keep connections: after 100 of them against a cap of 20, the server answers again
     * within seconds, not after {@code maxRspTime} (60 s): jdk.httpserver keeps counting such
     * connections as open, and {@link ConnectionReaper} takes them off its books.
     */
    @Test
    void clientsThatHangUpEarlyDoNotHoldConnections() throws Exception {
        assertTrue(reaps, "the server JVM opens jdk.httpserver to its ConnectionReaper");
        for (int i = 0; i < 100; i++) {
            try (Socket socket = connect()) {
                socket.getOutputStream().write("GET /api/big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getInputStream().readNBytes(12);
                socket.setSoLinger(true, 0);   // close with a reset, the body unread
            } catch (SocketException e) {
                // refused: the server counts 20 open already
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket socket = connect()) {
                socket.getOutputStream().write("GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                if (ApiTestServer.RawResponse.read(socket.getInputStream()).status() == 200) {
                    return;
                }
            } catch (SocketException e) {
                // still refused
            }
            assertTrue(System.nanoTime() < deadline, "the reset connections still count against the cap");
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
        }
    }

    @Test
    void aTimelyRequestIsServed() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET /api/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            ApiTestServer.RawResponse response = ApiTestServer.RawResponse.read(socket.getInputStream());
            assertEquals(200, response.status());
            assertEquals("{\"pong\":true}", response.body());
        }
    }

    /** The status of the answer to {@code head}, or -1 when the server closes or resets instead. */
    private static int statusOrClosed(String head) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            return ApiTestServer.RawResponse.read(socket.getInputStream()).status();
        } catch (SocketException e) {
            return -1;
        }
    }

    private static Socket connect() throws IOException {
        assertNotNull(child, "server JVM");
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(8_000);
        return socket;
    }

    /** Reads until the server closes; fails if it has not within the socket timeout. */
    private static void assertClosed(InputStream in) throws IOException {
        try {
            byte[] buffer = new byte[1024];
            while (in.read(buffer) != -1) {
                // whatever the server said before closing (nothing, normally)
            }
        } catch (SocketTimeoutException e) {
            fail("the server kept the connection open");
        } catch (SocketException e) {
            // reset: closed too
        }
    }
}
