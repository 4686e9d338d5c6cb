package io.balor.bench;

import io.balor.http2.Frames;
import io.balor.http2.HpackEncoder;
import io.balor.http2.Http2Connection;
import io.balor.http2.Http2Limits;
import io.balor.http2.Http2Stream;
import io.balor.http2.RequestHead;
import io.balor.http2.StreamHandler;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One HTTP/2 request and its answer through {@link Http2Connection}, without sockets: a browser-like
 * GET (a HEADERS frame of a dozen fields) is received, its fields checked and written as the
 * HTTP/1.1 head Balor would forward ({@link RequestHead}), and a response head (a pre-encoded
 * block) and 64 bytes of body are written back, which ends the stream (the client's WINDOW_UPDATE
 * for the connection comes with the next request). Must allocate nothing:
 * run with {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Http2ConnectionBenchmark {

    private static final String[][] REQUEST = {
        {":method", "GET"}, {":scheme", "https"}, {":authority", "shop.example.com"}, {":path", "/api/v1/orders?page=2"},
        {"user-agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"},
        {"accept", "application/json, text/plain, */*"}, {"accept-language", "en-US,en;q=0.5"},
        {"accept-encoding", "gzip, deflate, br"}, {"referer", "https://shop.example.com/orders"},
        {"cookie", "session=4f2a9c1e7b; theme=dark"}, {"sec-fetch-dest", "empty"}, {"sec-fetch-mode", "cors"},
    };

    private final ByteBuffer out = ByteBuffer.allocate(1 << 20);
    private final ByteBuffer in = ByteBuffer.allocate(1 << 16);
    private final ByteBuffer body = ByteBuffer.allocate(64);
    private final ByteBuffer responseBlock = ByteBuffer.allocate(256);
    private final RequestHead head = new RequestHead(16384);
    private byte[] requestBlock;
    private Http2Connection connection;
    private Http2Stream ready;
    private int streamId = 1;
    private long now = 1;

    private final StreamHandler handler = new StreamHandler() {
        @Override
        public void onHeadersStart(Http2Stream stream, boolean trailers) {
            head.reset();
        }

        @Override
        public void field(byte[] bytes, int nameFrom, int nameLength, int valueFrom, int valueLength, boolean sensitive) {
            head.field(bytes, nameFrom, nameLength, valueFrom, valueLength, sensitive);
        }

        @Override
        public void onHeadersEnd(Http2Stream stream, boolean endStream, boolean tooLarge) {
            if (head.finish(!endStream) != null) {
                ready = stream;
            }
        }

        @Override
        public void onData(Http2Stream stream, ByteBuffer data, int from, int length, boolean endStream) {
        }

        @Override
        public void onWritable(Http2Stream stream) {
        }

        @Override
        public void onClosed(Http2Stream stream, int errorCode) {
        }
    };

    @Setup
    public void setUp() {
        connection = new Http2Connection(Http2Limits.DEFAULT, handler, out, now);
        connection.start();
        HpackEncoder client = new HpackEncoder();
        ByteBuffer block = ByteBuffer.allocate(2048);
        client.startBlock(block);
        for (String[] field : REQUEST) {
            byte[] n = field[0].getBytes(StandardCharsets.US_ASCII);
            byte[] v = field[1].getBytes(StandardCharsets.US_ASCII);
            client.field(n, 0, n.length, v, 0, v.length, false, block);
        }
        requestBlock = new byte[block.position()];
        block.flip().get(requestBlock);
        in.put(Frames.CLIENT_PREFACE);
        Frames.settings(in);
        in.flip();
        connection.receive(in, now);
        in.clear();
        byte[] status = ":status".getBytes(StandardCharsets.US_ASCII);
        byte[] ok = "200".getBytes(StandardCharsets.US_ASCII);
        byte[] type = "content-type".getBytes(StandardCharsets.US_ASCII);
        byte[] json = "application/json".getBytes(StandardCharsets.US_ASCII);
        connection.encoder().startBlock(responseBlock);
        connection.encoder().field(status, 0, status.length, ok, 0, ok.length, false, responseBlock);
        connection.encoder().field(type, 0, type.length, json, 0, json.length, false, responseBlock);
        responseBlock.flip();
        out.clear();
    }

    @Benchmark
    public int requestAndAnswer() {
        in.clear();
        Frames.windowUpdate(in, 0, 64);   // the client gives back the connection window the last answer took
        Frames.header(in, requestBlock.length, Frames.HEADERS, Frames.END_HEADERS | Frames.END_STREAM, streamId);
        in.put(requestBlock).flip();
        streamId += 2;
        ready = null;
        connection.receive(in, now++);
        if (ready == null) {
            throw new IllegalStateException("no request: " + connection.problem() + " " + head.problem());
        }
        responseBlock.rewind();
        connection.writeHeaders(ready, responseBlock, false);
        body.clear();
        connection.writeData(ready, body, true);
        int written = out.position();
        out.clear();
        return written;
    }
}
