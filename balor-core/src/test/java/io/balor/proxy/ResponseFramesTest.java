package io.balor.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.balor.buffer.BufferPool;
import io.balor.http.HttpLimits;
import io.balor.http2.FrameReader;
import io.balor.http2.Frames;
import io.balor.http2.HpackDecoder;
import io.balor.http2.HpackEncoder;
import io.balor.http2.Http2Connection;
import io.balor.http2.Http2Limits;
import io.balor.http2.Http2Stream;
import io.balor.http2.ResponseBlock;
import io.balor.http2.StreamHandler;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ResponseFrames} against a real {@link Http2Connection}, no sockets: the HTTP/1.1 response
 * an exchange writes for a stream, fed in two parts cut at every split point, comes out as the
 * same frames; a chunked body's trailer section becomes a trailing HEADERS frame that ends the
 * stream, and one that finds no room waits for it.
 */
class ResponseFramesTest {

    private static final String GRPC_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: application/grpc\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";

    /** A connection with stream 1 open (a GET that ended its side), and what it wrote. */
    private static final class Client implements StreamHandler {
        final ByteBuffer fromServer = ByteBuffer.allocate(1 << 20);
        final Http2Connection h2 = new Http2Connection(Http2Limits.DEFAULT, this, fromServer, 1_000_000_000L);
        final FrameReader reader = new FrameReader(Frames.MAX_MAX_FRAME_SIZE);
        final HpackDecoder decoder = new HpackDecoder(4096, 65536);
        Http2Stream stream;

        Client() {
            h2.start();
            ByteBuffer toServer = ByteBuffer.allocate(4096);
            toServer.put(Frames.CLIENT_PREFACE);
            Frames.settings(toServer);
            ByteBuffer block = ByteBuffer.allocate(256);
            HpackEncoder encoder = new HpackEncoder();
            encoder.startBlock(block);
            String[] fields = {":method", "GET", ":scheme", "http", ":path", "/", ":authority", "a"};
            for (int i = 0; i < fields.length; i += 2) {
                byte[] n = fields[i].getBytes(StandardCharsets.US_ASCII);
                byte[] v = fields[i + 1].getBytes(StandardCharsets.US_ASCII);
                encoder.field(n, 0, n.length, v, 0, v.length, false, block);
            }
            block.flip();
            Frames.header(toServer, block.remaining(), Frames.HEADERS, Frames.END_HEADERS | Frames.END_STREAM, 1);
            toServer.put(block);
            h2.receive(toServer.flip(), 1_000_000_000L);
            frames();   // SETTINGS, WINDOW_UPDATE, SETTINGS ACK
        }

        /**
         * The stream's frames written since the last call, one line each; consecutive DATA frames
         * as one (how the body is cut into frames depends on how it arrived).
         */
        List<String> frames() {
            List<String> lines = new ArrayList<>();
            fromServer.flip();
            while (reader.next(fromServer) == FrameReader.FRAME) {
                int at = reader.payloadFrom();
                String end = reader.hasFlag(Frames.END_STREAM) ? " END_STREAM" : "";
                if (reader.type() == Frames.HEADERS) {
                    byte[] bytes = new byte[reader.payloadLength()];
                    fromServer.get(at, bytes);
                    List<String> fields = new ArrayList<>();
                    assertEquals(HpackDecoder.OK, decoder.decode(bytes, 0, bytes.length,
                            (b, nameFrom, nameLength, valueFrom, valueLength, sensitive) -> fields.add(
                                    new String(b, nameFrom, nameLength, StandardCharsets.ISO_8859_1) + ": "
                                    + new String(b, valueFrom, valueLength, StandardCharsets.ISO_8859_1))));
                    lines.add("HEADERS " + fields + end);
                } else if (reader.type() == Frames.DATA) {
                    byte[] data = new byte[reader.payloadLength()];
                    fromServer.get(at, data);
                    String text = new String(data, StandardCharsets.ISO_8859_1);
                    int last = lines.size() - 1;
                    if (last >= 0 && lines.get(last).startsWith("DATA ") && !lines.get(last).endsWith(" END_STREAM")) {
                        lines.set(last, lines.get(last) + text + end);
                    } else {
                        lines.add("DATA " + text + end);
                    }
                } else if (reader.type() == Frames.RST_STREAM) {
                    lines.add("RST_STREAM " + Frames.errorName(fromServer.getInt(at)));
                }
            }
            fromServer.compact();
            return lines;
        }

        @Override
        public void onHeadersStart(Http2Stream stream, boolean trailers) {
            this.stream = stream;
        }

        @Override
        public void field(byte[] bytes, int nameFrom, int nameLength, int valueFrom, int valueLength, boolean sensitive) {
        }

        @Override
        public void onHeadersEnd(Http2Stream stream, boolean endStream, boolean tooLarge) {
        }

        @Override
        public void onData(Http2Stream stream, ByteBuffer in, int from, int length, boolean endStream) {
        }

        @Override
        public void onWritable(Http2Stream stream) {
        }

        @Override
        public void onClosed(Http2Stream stream, int errorCode) {
        }
    }

    /** Sends {@code response} cut at {@code split}; the frames, and "DONE" when the stream was done. */
    private static List<String> send(String response, int split) {
        Client client = new Client();
        ResponseFrames frames = new ResponseFrames(HttpLimits.DEFAULT);
        frames.reset(false);
        ByteBuffer out = ByteBuffer.allocate(64 * 1024);
        byte[] bytes = response.getBytes(StandardCharsets.ISO_8859_1);
        out.put(bytes, 0, split);
        int result = frames.send(out, client.h2, client.stream);
        assertTrue(result != ResponseFrames.INVALID, "split at " + split);
        out.put(bytes, split, bytes.length - split);
        result = frames.send(out, client.h2, client.stream);
        List<String> lines = client.frames();
        lines.add(result == ResponseFrames.DONE ? "DONE" : result == ResponseFrames.INVALID ? "INVALID" : "WAITING");
        return lines;
    }

    private static void atEverySplit(String response, List<String> expected) {
        for (int split = 0; split <= response.length(); split++) {
            assertEquals(expected, send(response, split), "split at " + split);
        }
    }

    @Test
    void aChunkedBodysTrailersEndTheStreamAsHeaders() {
        atEverySplit(GRPC_HEAD + "5\r\nhello\r\n3;ext=1\r\n!!!\r\n0\r\nGrpc-Status: 0\r\ngrpc-message: all good \r\n"
                        + "Connection: x\r\n\r\n",
                List.of("HEADERS [:status: 200, content-type: application/grpc]", "DATA hello!!!",
                        "HEADERS [grpc-status: 0, grpc-message: all good] END_STREAM", "DONE"));
    }

    @Test
    void withoutTrailersOrWithOnlyWhatHttp2LeavesOutAnEmptyDataFrameEndsIt() {
        List<String> expected = List.of("HEADERS [:status: 200, content-type: application/grpc]",
                "DATA hello END_STREAM", "DONE");
        atEverySplit(GRPC_HEAD + "5\r\nhello\r\n0\r\n\r\n", expected);
        atEverySplit(GRPC_HEAD + "5\r\nhello\r\n0\r\nKeep-Alive: 5\r\nTE: trailers\r\n\r\n", expected);
    }

    @Test
    void trailersOnlyAfterTheHeadEndTheStreamToo() {
        atEverySplit(GRPC_HEAD + "0\r\ngrpc-status: 12\r\n\r\n", List.of(
                "HEADERS [:status: 200, content-type: application/grpc]", "HEADERS [grpc-status: 12] END_STREAM",
                "DONE"));
    }

    @Test
    void trailersThatFindNoRoomWaitForItEncoded() {
        Client client = new Client();
        ResponseFrames frames = new ResponseFrames(HttpLimits.DEFAULT);
        frames.reset(false);
        ByteBuffer out = ByteBuffer.allocate(64 * 1024);
        out.put((GRPC_HEAD + "5\r\nhello\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(ResponseFrames.WAITING, frames.send(out, client.h2, client.stream));
        assertEquals(List.of("HEADERS [:status: 200, content-type: application/grpc]", "DATA hello"), client.frames());
        // the connection's output is all but full: the trailers wait, encoded, and what they came in goes
        int position = client.fromServer.position();
        client.fromServer.position(client.fromServer.limit() - 64);
        out.put("0\r\ngrpc-status: 0\r\nx-pad: 01234567890123456789012345678901234567890123456789\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(ResponseFrames.WAITING, frames.send(out, client.h2, client.stream));
        assertEquals(client.fromServer.limit() - 64, client.fromServer.position(), "nothing written");
        assertEquals(0, out.position(), "the response buffer is free");
        assertTrue(!frames.idle());
        client.fromServer.position(position);
        assertEquals(ResponseFrames.DONE, frames.send(out, client.h2, client.stream));
        assertEquals(List.of("HEADERS [grpc-status: 0, x-pad: 01234567890123456789012345678901234567890123456789]"
                + " END_STREAM"), client.frames());
        assertEquals(0, client.h2.openStreams(), "the stream is over");
    }

    @Test
    void aHeadThatWaitsKeepsItsOwnCopyWhileTheLoopsSharedBlockEncodesAnotherStreamsHead() {
        ResponseBlock blocks = new ResponseBlock(HttpLimits.DEFAULT.maxHead());
        ByteBuffer block = ResponseFrames.newBlock(HttpLimits.DEFAULT);
        ByteBuffer lines = ResponseFrames.newLines(HttpLimits.DEFAULT);
        BufferPool pool = new BufferPool(32 * 1024, 4, true);
        Client waiting = new Client();
        ResponseFrames first = new ResponseFrames(HttpLimits.DEFAULT, blocks, block, lines, pool);
        first.reset(false);
        ByteBuffer out = ByteBuffer.allocate(64 * 1024);
        int position = waiting.fromServer.position();
        waiting.fromServer.position(waiting.fromServer.limit() - 16);   // no room for its HEADERS
        out.put("HTTP/1.1 200 OK\r\nX-First: 1111111111\r\nContent-Length: 1\r\n\r\nA".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(ResponseFrames.WAITING, first.send(out, waiting.h2, waiting.stream));

        Client other = new Client();   // another connection of the loop, the same scratch
        ResponseFrames second = new ResponseFrames(HttpLimits.DEFAULT, blocks, block, lines, pool);
        second.reset(false);
        ByteBuffer otherOut = ByteBuffer.allocate(64 * 1024);
        otherOut.put("HTTP/1.1 404 Not Found\r\nX-Second: 22222222222222222222\r\nContent-Length: 1\r\n\r\nB"
                .getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(ResponseFrames.DONE, second.send(otherOut, other.h2, other.stream));
        assertEquals(List.of("HEADERS [:status: 404, x-second: 22222222222222222222, content-length: 1]",
                "DATA B END_STREAM"), other.frames());

        waiting.fromServer.position(position);
        assertEquals(ResponseFrames.DONE, first.send(out, waiting.h2, waiting.stream));
        assertEquals(List.of("HEADERS [:status: 200, x-first: 1111111111, content-length: 1]", "DATA A END_STREAM"),
                waiting.frames());
        assertEquals(1, pool.pooled(), "the buffer the head waited in is back in the pool");
    }
}
