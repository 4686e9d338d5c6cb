package io.balor.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.balor.daemon.AdminClient.curl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Idle HTTP/2 connections cost a real daemon little: in the launchers' heap (-Xmx64m, which caps
 * direct memory as much) it serves 600 h2c clients that each made one request (50 at a time) and
 * stay connected, answers every one, and still answers curl over HTTP/2 and HTTP/1.1 while they
 * hold on. (An idle connection once held ~225 KB of heap and 64 KB of direct buffers: ~300 of them
 * ran that heap out.)
 */
class DaemonHttp2IdleTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int CLIENTS = 600;
    private static final int BATCH = 50;
    private static final Pattern LISTENER = Pattern.compile("listener (\\w+) \\(http\\) on 127\\.0\\.0\\.1:(\\d+) -> .*");
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void sixHundredIdleHttp2ClientsDoNotExhaustASmallHeap() throws Exception {
        com.sun.net.httpserver.HttpServer upstream = AdminClient.helloUpstream();
        List<Socket> clients = new ArrayList<>();
        try {
            Path stateFile = Files.createDirectories(dir.resolve("data")).resolve("balor_state.json");
            Files.writeString(stateFile, "{\"version\": 1, \"listeners\": [{\"name\": \"h2\", \"listen\": \"127.0.0.1:0\","
                    + " \"protocol\": \"http\", \"http2\": true, \"pool\": \"app\"}], \"pools\": [{\"name\": \"app\","
                    + " \"upstreams\": [\"http://127.0.0.1:" + upstream.getAddress().getPort() + "\"]}]}");
            Map<String, String> env = AdminClient.env(dir, stateFile, "BALOR_HTTP_ADDR", "127.0.0.1:0");
            try (DaemonProcess daemon = DaemonProcess.start(dir, env, List.of(),
                    List.of("-Xms16m", "-Xmx64m", "-XX:+UseSerialGC"))) {
                Matcher listener = LISTENER.matcher(daemon.awaitLine(LISTENER.asPredicate(), WAIT));
                assertTrue(listener.matches());
                int port = Integer.parseInt(listener.group(2));
                daemon.awaitLine(line -> line.startsWith("ready:"), WAIT);

                for (int first = 0; first < CLIENTS; first += BATCH) {   // 50 requests in flight at most
                    for (int i = first; i < first + BATCH; i++) {
                        Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
                        client.setSoTimeout((int) WAIT.toMillis());
                        clients.add(client);
                        client.getOutputStream().write(request());
                    }
                    for (int i = first; i < first + BATCH; i++) {
                        int status;
                        try {
                            status = status(clients.get(i));
                        } catch (IOException e) {
                            throw new AssertionError("client " + i + ": " + e + "\n" + daemon.stderr(), e);
                        }
                        assertEquals(200, status, "client " + i + "\n" + daemon.stderr());
                    }
                }

                String base = "http://127.0.0.1:" + port + "/";
                assertEquals("200 hello", curl("--http2-prior-knowledge", base), "HTTP/2 beside the idle ones");
                assertEquals("200 hello", curl(base), "HTTP/1.1 beside them");
                for (Socket client : clients) {
                    client.close();
                }
                daemon.terminate();
                assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
                assertFalse(daemon.stderr().contains("OutOfMemoryError"), daemon.stderr());
            }
        } finally {
            for (Socket client : clients) {
                client.close();
            }
            upstream.stop(0);
        }
    }

    /** The preface, an empty SETTINGS and a GET / on stream 1 (HPACK: static-table indexes and one literal). */
    private static byte[] request() {
        byte[] authority = "127.0.0.1".getBytes(StandardCharsets.US_ASCII);
        byte[] block = new byte[5 + authority.length];
        block[0] = (byte) 0x82;   // :method GET
        block[1] = (byte) 0x86;   // :scheme http
        block[2] = (byte) 0x84;   // :path /
        block[3] = 0x41;          // :authority, a literal with incremental indexing
        block[4] = (byte) authority.length;
        System.arraycopy(authority, 0, block, 5, authority.length);
        byte[] bytes = new byte[PREFACE.length + 9 + 9 + block.length];
        System.arraycopy(PREFACE, 0, bytes, 0, PREFACE.length);
        int at = header(bytes, PREFACE.length, 0, 4, 0, 0);                  // SETTINGS
        at = header(bytes, at, block.length, 1, 0x05, 1);                    // HEADERS, END_STREAM | END_HEADERS
        System.arraycopy(block, 0, bytes, at, block.length);
        return bytes;
    }

    private static int header(byte[] to, int at, int length, int type, int flags, int streamId) {
        to[at] = (byte) (length >>> 16);
        to[at + 1] = (byte) (length >>> 8);
        to[at + 2] = (byte) length;
        to[at + 3] = (byte) type;
        to[at + 4] = (byte) flags;
        to[at + 5] = (byte) (streamId >>> 24);
        to[at + 6] = (byte) (streamId >>> 16);
        to[at + 7] = (byte) (streamId >>> 8);
        to[at + 8] = (byte) streamId;
        return at + 9;
    }

    /** Reads frames until the HEADERS of stream 1: its :status (first after a size update; 200 is static index 8). */
    private static int status(Socket client) throws IOException {
        DataInputStream in = new DataInputStream(client.getInputStream());
        byte[] header = new byte[9];
        while (true) {
            in.readFully(header);
            int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
            byte[] payload = new byte[length];
            in.readFully(payload);
            int streamId = ((header[5] & 0x7f) << 24) | (header[6] & 0xff) << 16 | (header[7] & 0xff) << 8 | header[8] & 0xff;
            if (header[3] == 1 && streamId == 1) {
                int at = 0;
                while (at < length && (payload[at] & 0xe0) == 0x20) {
                    at++;   // a dynamic table size update (to 0: one octet) may come first
                }
                return at < length && (payload[at] & 0xff) == 0x88 ? 200 : -1;
            }
            if (header[3] == 7) {
                return -7;   // GOAWAY
            }
        }
    }
}
