package io.balor.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Http2Connection} and HPACK against real HTTP/2 clients (curl, nghttp, h2load from
 * Debian's nghttp2-client, installed by scripts/test), h2c with prior knowledge on a loopback
 * socket. The server here is the test's own: a blocking loop around the connection that answers
 * each request with its path and the length of its body, or 300 KB for {@code /big}, so that
 * both directions go through flow control.
 */
class Http2PeersTest {

    private ServerSocketChannel listener;
    private Thread server;
    private final List<String> problems = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        server = new Thread(this::serve, "h2-test-server");
        server.setDaemon(true);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        listener.close();
        server.join(10_000);
        synchronized (problems) {
            assertEquals(List.of(), problems);
        }
    }

    private void serve() {
        while (listener.isOpen()) {
            try {
                SocketChannel channel = listener.accept();
                Thread connection = new Thread(() -> connection(channel), "h2-test-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Answers one client connection until it ends. */
    private void connection(SocketChannel channel) {
        ByteBuffer in = ByteBuffer.allocate(Frames.DEFAULT_MAX_FRAME_SIZE + Frames.HEADER_LENGTH + 4096);
        ByteBuffer out = ByteBuffer.allocate(256 * 1024);
        Answers answers = new Answers();
        Http2Connection connection = new Http2Connection(Http2Limits.DEFAULT, answers, out, System.nanoTime());
        answers.connection = connection;
        try (channel) {
            connection.start();
            flush(channel, out);
            while (!connection.closed()) {
                if (channel.read(in) < 0) {
                    break;
                }
                in.flip();
                connection.receive(in, System.nanoTime());
                in.compact();
                while (answers.answer()) {   // until the windows, not the output buffer, hold it back
                    flush(channel, out);
                }
                flush(channel, out);
            }
            flush(channel, out);
        } catch (IOException e) {
            // the client went away: fine for this server
        }
        if (connection.problem() != null) {
            synchronized (problems) {
                problems.add(connection.problem());
            }
        }
    }

    private static void flush(SocketChannel channel, ByteBuffer out) throws IOException {
        out.flip();
        while (out.hasRemaining()) {
            channel.write(out);
        }
        out.clear();
    }

    /** The test server's application: a request is answered once it is whole. */
    private static final class Answers implements StreamHandler {
        Http2Connection connection;
        private final Map<Http2Stream, String> paths = new HashMap<>();
        private final Map<Http2Stream, Long> bodies = new HashMap<>();
        private final List<Http2Stream> ready = new ArrayList<>();
        private final Map<Http2Stream, ByteBuffer> sending = new HashMap<>();
        private Http2Stream current;

        @Override
        public void onHeadersStart(Http2Stream stream, boolean trailers) {
            current = stream;
            bodies.putIfAbsent(stream, 0L);
        }

        @Override
        public void field(byte[] bytes, int nameFrom, int nameLength, int valueFrom, int valueLength, boolean sensitive) {
            if (new String(bytes, nameFrom, nameLength, StandardCharsets.ISO_8859_1).equals(":path")) {
                paths.put(current, new String(bytes, valueFrom, valueLength, StandardCharsets.ISO_8859_1));
            }
        }

        @Override
        public void onHeadersEnd(Http2Stream stream, boolean endStream, boolean tooLarge) {
            if (endStream) {
                ready.add(stream);
            }
        }

        @Override
        public void onData(Http2Stream stream, ByteBuffer in, int from, int length, boolean endStream) {
            bodies.merge(stream, (long) length, Long::sum);
            connection.consumed(stream, length);
            if (endStream) {
                ready.add(stream);
            }
        }

        @Override
        public void onWritable(Http2Stream stream) {
        }

        @Override
        public void onClosed(Http2Stream stream, int errorCode) {
            paths.remove(stream);
            bodies.remove(stream);
            sending.remove(stream);
            ready.remove(stream);
        }

        /** Answers what is ready and sends what the windows allow; whether anything was sent. */
        boolean answer() {
            boolean progress = !ready.isEmpty();
            for (Http2Stream stream : new ArrayList<>(ready)) {
                ready.remove(stream);
                String path = paths.get(stream);
                byte[] body = path.equals("/big") ? "x".repeat(300_000).getBytes(StandardCharsets.US_ASCII)
                        : (path + " " + bodies.get(stream) + "\n").getBytes(StandardCharsets.US_ASCII);
                ByteBuffer head = ByteBuffer.allocate(256);
                connection.encoder().startBlock(head);
                field(head, ":status", "200");
                field(head, "content-length", Integer.toString(body.length));
                if (!connection.writeHeaders(stream, head.flip(), false)) {
                    throw new IllegalStateException("no room for a head");
                }
                sending.put(stream, ByteBuffer.wrap(body));
            }
            for (Map.Entry<Http2Stream, ByteBuffer> entry : new ArrayList<>(sending.entrySet())) {
                ByteBuffer body = entry.getValue();
                progress |= connection.writeData(entry.getKey(), body, true) > 0;   // closes the stream once all is sent
            }
            return progress;
        }

        private void field(ByteBuffer head, String name, String value) {
            byte[] n = name.getBytes(StandardCharsets.US_ASCII);
            byte[] v = value.getBytes(StandardCharsets.US_ASCII);
            connection.encoder().field(n, 0, n.length, v, 0, v.length, false, head);
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + listener.socket().getLocalPort() + path;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), String.join(" ", command) + " ends");
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + text);
        return text;
    }

    @Test
    void curlWithPriorKnowledgeGetsAndPosts() throws Exception {
        assertEquals("/hello 0\n", run("curl", "-sS", "--max-time", "20", "--http2-prior-knowledge", url("/hello")));
        String upload = run("sh", "-c", "head -c 200000 /dev/zero | curl -sS --max-time 20 --http2-prior-knowledge"
                + " --data-binary @- " + url("/upload"));
        assertEquals("/upload 200000\n", upload);
        String big = run("sh", "-c", "curl -sS --max-time 20 --http2-prior-knowledge " + url("/big") + " | wc -c");
        assertEquals("300000", big.trim());
    }

    @Test
    void nghttpFetchesSeveralStreamsAtOnceThroughSmallWindows() throws Exception {
        // -w 16 / -W 16: windows of 64 KiB on the streams and the connection: /big needs WINDOW_UPDATEs
        String output = run("nghttp", "-n", "-s", "-w", "16", "-W", "16", url("/a"), url("/b"), url("/big"));
        assertTrue(output.contains("/a") && output.contains("/b") && output.contains("/big"), output);
    }

    @Test
    void h2loadManyRequestsOnFewConnections() throws Exception {
        String output = run("h2load", "-n", "400", "-c", "4", "-m", "20", url("/load"));
        assertTrue(output.contains("400 total, 400 started, 400 done, 400 succeeded"), output);
    }
}
