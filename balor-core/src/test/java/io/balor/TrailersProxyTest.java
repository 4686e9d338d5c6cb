package io.balor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.balor.config.BalorConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;
import io.balor.http2.FrameReader;
import io.balor.http2.Frames;
import io.balor.http2.HpackEncoder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP trailers both ways through Balor, and {@code TE: trailers} kept, as gRPC needs them: a raw
 * HTTP/1.1 origin that records each request it reads (head, body, trailer section) and answers
 * chunked with trailers, seen by a raw HTTP/1.1 client and by nghttp over h2c.
 */
class TrailersProxyTest {

    private static final String TRAILERS = "Grpc-Status: 0\r\nGrpc-Message: all%20good\r\nX-Checksum: 42\r\n";

    private final TestResources resources = new TestResources();
    /** Each request the origin read, as it came: head, body, trailer section. */
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    /** The origin: reads requests (Content-Length or chunked) on a kept-alive connection, answers each chunked with trailers. */
    private TestServer origin() throws IOException {
        return resources.track(new TestServer(socket -> {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (true) {
                String head = line(in, true);
                if (head == null) {
                    return;
                }
                StringBuilder request = new StringBuilder(head);
                String field;
                long length = 0;
                boolean chunked = false;
                while (!(field = line(in, false)).equals("\r\n")) {
                    request.append(field);
                    String lower = field.toLowerCase(java.util.Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Long.parseLong(lower.substring(15).trim());
                    }
                    chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
                }
                request.append("\r\n");
                if (chunked) {
                    long size;
                    do {
                        String sizeLine = line(in, false);
                        request.append(sizeLine);
                        size = Long.parseLong(sizeLine.split("[;\r]")[0].trim(), 16);
                        request.append(new String(in.readNBytes((int) size + (size > 0 ? 2 : 0)), StandardCharsets.ISO_8859_1));
                    } while (size > 0);
                    String trailer;
                    while (!(trailer = line(in, false)).equals("\r\n")) {
                        request.append(trailer);
                    }
                    request.append("\r\n");
                } else {
                    request.append(new String(in.readNBytes((int) length), StandardCharsets.ISO_8859_1));
                }
                received.add(request.toString());
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/grpc\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\n0\r\n" + TRAILERS + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        }));
    }

    /** A line with its CRLF, or null at the end of the stream before a first byte (when {@code endOk}). */
    private static String line(InputStream in, boolean endOk) throws IOException {
        StringBuilder line = new StringBuilder();
        while (line.length() < 2 || line.charAt(line.length() - 1) != '\n') {
            int b = in.read();
            if (b < 0) {
                if (endOk && line.length() == 0) {
                    return null;
                }
                throw new IOException("closed in a line: " + line);
            }
            line.append((char) b);
        }
        return line.toString();
    }

    private Balor start(TestServer origin) {
        ListenerConfig web = ListenerConfig.http("web", "127.0.0.1:0", "app")
                .withHttp(HttpSettings.DEFAULT.withHttp2(true));
        return resources.track(Balor.start(new BalorConfig(List.of(web),
                List.of(PoolConfig.of("app", UpstreamConfig.of(origin.address()))))));
    }

    private String nextRequest() throws InterruptedException {
        String request = received.poll(10, TimeUnit.SECONDS);
        assertTrue(request != null, "the origin got a request");
        return request;
    }

    /** A chunked POST with a trailer section, {@code TE: te}, over HTTP/1.1: the whole answer. */
    private static String postWithTrailers(InetSocketAddress address, String te) throws IOException {
        try (Socket socket = Clients.connect(address)) {
            socket.getOutputStream().write(("POST /pkg.Svc/Call HTTP/1.1\r\nHost: a\r\nTE: " + te + "\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\nX-Request-Sum: 7\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        return Commands.run(command);
    }

    @Test
    void anHttp11ClientGetsTheResponseTrailersIntact() throws Exception {
        Balor balor = start(origin());
        String answer = postWithTrailers(balor.boundAddress("web"), "trailers, deflate");
        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        assertTrue(answer.endsWith("\r\n\r\n5\r\nhello\r\n0\r\n" + TRAILERS + "\r\n"), answer);
        String request = nextRequest();
        assertTrue(request.contains("\r\nTE: trailers\r\nConnection: TE\r\n"), request);
        assertTrue(request.endsWith("\r\n\r\n3\r\nabc\r\n0\r\nX-Request-Sum: 7\r\n\r\n"), request);
    }

    @Test
    void trailersCrossAnHttp2HopToAnUpstreamBothWays() throws Exception {
        // HTTP/1.1 client -> Balor (pool h2c) -> Balor (h2c listener) -> HTTP/1.1 origin
        Balor back = start(origin());
        ListenerConfig web = ListenerConfig.http("front", "127.0.0.1:0", "back");
        Balor front = resources.track(Balor.start(new BalorConfig(List.of(web), List.of(PoolConfig.of("back",
                UpstreamConfig.of("127.0.0.1:" + back.boundAddress("web").getPort()))
                .withProtocol(PoolConfig.UpstreamProtocol.H2C)))));
        String answer = postWithTrailers(front.boundAddress("front"), "trailers");
        assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        assertTrue(answer.endsWith("\r\nhello\r\n0\r\ngrpc-status: 0\r\ngrpc-message: all%20good\r\nx-checksum: 42\r\n\r\n"),
                answer);
        String request = nextRequest();
        assertTrue(request.contains("\r\nTE: trailers\r\n"), request);
        assertTrue(request.endsWith("\r\n\r\n3\r\nabc\r\n0\r\nx-request-sum: 7\r\n\r\n"), request);
    }

    @Test
    void nghttpGetsTheResponseTrailersAsATrailingHeadersFrame() throws Exception {
        Balor balor = start(origin());
        String url = "http://127.0.0.1:" + balor.boundAddress("web").getPort() + "/pkg.Svc/Call";
        String verbose = run("nghttp", "-v", "-H", "te: trailers", url);
        // the response's head, its DATA, then a HEADERS frame that ends the stream with the trailers
        int head = verbose.indexOf(") :status: 200");
        int data = verbose.indexOf("recv DATA frame <length=5", head);
        int trailers = verbose.indexOf(") grpc-status: 0", data);
        int end = verbose.indexOf("recv HEADERS frame <length=", trailers);
        assertTrue(head >= 0 && data > head && trailers > data && end > trailers, verbose);
        assertTrue(verbose.substring(trailers, end).contains(") grpc-message: all%20good"), verbose);
        assertTrue(verbose.substring(trailers, end).contains(") x-checksum: 42"), verbose);
        assertTrue(verbose.substring(end, verbose.indexOf('\n', verbose.indexOf('\n', end) + 1))
                .contains("; END_STREAM | END_HEADERS"), verbose);
        assertTrue(nextRequest().contains("\r\nTE: trailers\r\nConnection: TE\r\n"), "te: trailers reaches the origin");
    }

    @Test
    void nghttpsRequestTrailersReachTheOriginAsAChunkedTrailerSection() throws Exception {
        Balor balor = start(origin());
        String url = "http://127.0.0.1:" + balor.boundAddress("web").getPort() + "/pkg.Svc/Upload";
        Path body = Files.writeString(dir.resolve("body"), "x".repeat(70_000));
        String verbose = run("nghttp", "-v", "--no-content-length", "-d", body.toString(), "-H", "te: trailers",
                "--trailer=x-t: 1", "--trailer=grpc-trace: ab", "--trailer=host: evil.test", url);
        assertTrue(verbose.contains(") grpc-status: 0"), verbose);
        String request = nextRequest();
        assertTrue(request.startsWith("POST /pkg.Svc/Upload HTTP/1.1\r\n"), request);
        assertTrue(request.contains("\r\nTE: trailers\r\nConnection: TE\r\nTransfer-Encoding: chunked\r\n\r\n"), request);
        assertTrue(request.endsWith("\r\n0\r\nx-t: 1\r\ngrpc-trace: ab\r\n\r\n"), "trailers intact, host left out: " + request);
        String chunked = request.substring(request.indexOf("\r\n\r\n") + 4);
        StringBuilder payload = new StringBuilder();
        int at = 0;
        int size;
        while ((size = Integer.parseInt(chunked.substring(at, chunked.indexOf("\r\n", at)), 16)) > 0) {
            at = chunked.indexOf("\r\n", at) + 2;
            payload.append(chunked, at, at + size);
            at += size + 2;
        }
        assertEquals("x".repeat(70_000), payload.toString(), "the body whole before the last chunk");
    }

    @Test
    void requestTrailersOfABodyWithContentLengthAreDropped() throws Exception {
        Balor balor = start(origin());
        String url = "http://127.0.0.1:" + balor.boundAddress("web").getPort() + "/up";
        Path body = Files.writeString(dir.resolve("body"), "hello");
        run("nghttp", "-d", body.toString(), "--trailer=x-t: 1", url);
        String request = nextRequest();
        assertTrue(request.contains("\r\nContent-Length: 5\r\n"), request);
        assertTrue(request.endsWith("\r\n\r\nhello"), "no trailer section can follow a Content-Length body: " + request);
    }

    /** nghttp will not send a pseudo-header in trailers: raw frames do, and the stream is reset (RFC 9113 §8.1). */
    @Test
    void aPseudoHeaderInRequestTrailersResetsTheStream() throws Exception {
        Balor balor = start(origin());
        try (Socket socket = Clients.connect(balor.boundAddress("web"))) {
            ByteBuffer frames = ByteBuffer.allocate(4096);
            frames.put(Frames.CLIENT_PREFACE);
            Frames.settings(frames);
            ByteBuffer head = block(":method", "POST", ":scheme", "http", ":path", "/up", ":authority", "a");
            Frames.header(frames, head.remaining(), Frames.HEADERS, Frames.END_HEADERS, 1);
            frames.put(head);
            Frames.header(frames, 2, Frames.DATA, 0, 1);
            frames.put("hi".getBytes(StandardCharsets.US_ASCII));
            ByteBuffer trailers = block("x-t", "1", ":path", "/other");
            Frames.header(frames, trailers.remaining(), Frames.HEADERS, Frames.END_HEADERS | Frames.END_STREAM, 1);
            frames.put(trailers);
            socket.getOutputStream().write(frames.array(), 0, frames.position());
            assertEquals("RST_STREAM 1 PROTOCOL_ERROR", firstReset(socket.getInputStream()));
        }
    }

    private static ByteBuffer block(String... fields) {
        ByteBuffer block = ByteBuffer.allocate(512);
        HpackEncoder encoder = new HpackEncoder();
        encoder.startBlock(block);
        for (int i = 0; i < fields.length; i += 2) {
            byte[] n = fields[i].getBytes(StandardCharsets.US_ASCII);
            byte[] v = fields[i + 1].getBytes(StandardCharsets.US_ASCII);
            encoder.field(n, 0, n.length, v, 0, v.length, false, block);
        }
        return block.flip();
    }

    /** Reads frames until an RST_STREAM (or the end): "RST_STREAM id ERROR", or what came instead. */
    private static String firstReset(InputStream in) throws IOException {
        FrameReader reader = new FrameReader(Frames.MAX_MAX_FRAME_SIZE);
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        StringBuilder frames = new StringBuilder();
        byte[] chunk = new byte[4096];
        int n;
        while ((n = in.read(chunk)) > 0) {
            seen.write(chunk, 0, n);
            buffer.put(chunk, 0, n).flip();
            while (reader.next(buffer) == FrameReader.FRAME) {
                if (reader.type() == Frames.RST_STREAM) {
                    return "RST_STREAM " + reader.streamId() + " "
                            + Frames.errorName(buffer.getInt(reader.payloadFrom()));
                }
                frames.append(reader.type()).append(' ');
            }
            buffer.compact();
        }
        return "no RST_STREAM, frames of types " + frames;
    }
}
