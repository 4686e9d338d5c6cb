package io.balor.proxy;

import io.balor.http.ChunkedDecoder;
import io.balor.http.HttpLimits;
import io.balor.http2.Http2Connection;
import io.balor.http2.Http2Stream;
import io.balor.http2.RequestBlock;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The request side of an {@link UpstreamStream}: takes the HTTP/1.1 bytes an exchange writes
 * (the head {@code io.balor.http.HeadWriter} wrote, then the body as it frames it) and sends them
 * on the stream as HTTP/2: the head as HEADERS ({@link RequestBlock}), a body under a
 * {@code content-length} as DATA as it is, a chunked body's chunks as DATA and its trailer
 * section as the trailing HEADERS (or an empty DATA with END_STREAM when it has none). It takes
 * only what the stream's and the connection's windows and the connection's output allow, so the
 * exchange keeps the rest and waits to be woken for writing, as on a socket. Loop thread only.
 */
final class StreamRequest {

    private static final int HEAD = 0;
    private static final int LENGTH = 1;
    private static final int CHUNKED = 2;
    /** The body is all taken; its END_STREAM (trailers, or an empty DATA) waits for room. */
    private static final int END = 3;
    private static final int DONE = 4;

    private final UpstreamStream stream;
    private final RequestBlock block;
    private final ChunkedDecoder chunks;
    private final int maxHead;
    private byte[] scheme;
    private int state;
    private long remaining;
    /** The trailers' header block while END waits, made at the first request with trailers. */
    private ByteBuffer endBlock;
    private boolean endWithTrailers;
    /** The length of the head's header block that found no room in the output, or 0. */
    private int headWaiting;

    StreamRequest(UpstreamStream stream, HttpLimits limits) {
        this.stream = stream;
        this.block = new RequestBlock(limits.maxHead());
        this.chunks = new ChunkedDecoder(limits);
        this.maxHead = limits.maxHead();
    }

    void start(byte[] scheme) {
        this.scheme = scheme;
        state = HEAD;
        remaining = 0;
        endWithTrailers = false;
        headWaiting = 0;
        chunks.reset();
    }

    boolean headMethod() {
        return block.headMethod();
    }

    /** Whether writing would take something now (a head that found no room: whether it has room now). */
    boolean canWrite() {
        Http2Stream s = stream.stream;
        if (state == DONE || s == null) {
            return false;
        }
        Http2Connection h2 = stream.owner().h2();
        return state == HEAD && headWaiting > 0 ? h2.headersFit(headWaiting) : h2.writable(s) > 0;
    }

    /** Whether the body's end waits for room (the connection calls {@link #flushEnd} when it drained). */
    boolean endWaiting() {
        return state == END;
    }

    /** Sends what it can of {@code from}; returns the octets taken. */
    int write(ByteBuffer from) throws IOException {
        Http2Stream s = stream.stream;
        if (s == null || state == DONE) {
            int n = from.remaining();   // the stream is over: the upstream no longer reads, as a closed socket
            from.position(from.limit());
            return n;
        }
        Http2Upstream up = stream.owner();
        int start = from.position();
        if (state == HEAD && !head(from, s, up)) {
            return 0;
        }
        if (state == LENGTH) {
            int n = (int) Math.min(remaining, from.remaining());
            int limit = from.limit();
            from.limit(from.position() + n);
            int sent = up.h2().writeData(s, from, n == remaining);
            from.limit(limit);
            remaining -= sent;
            if (remaining == 0) {
                state = DONE;
            }
        } else if (state == CHUNKED) {
            chunked(from, s, up.h2());
        }
        if (state == END) {
            flushEnd();
        }
        int taken = from.position() - start;
        if (taken > 0) {
            up.wrote();
        }
        return taken;
    }

    /** The head as HEADERS; false (nothing taken) while the output has no room for it. */
    private boolean head(ByteBuffer from, Http2Stream s, Http2Upstream up) throws IOException {
        int end = headEnd(from);
        if (end < 0) {
            throw new IOException("a request head not whole in one write");
        }
        ByteBuffer scratch = up.scratch();
        scratch.clear();
        if (!block.encode(from, from.position(), end, scheme, up.h2().encoder(), scratch)) {
            throw new IOException("a request head too large for HTTP/2");
        }
        scratch.flip();
        boolean bodyless = !block.chunked() && block.contentLength() <= 0;
        if (!up.h2().writeHeaders(s, scratch, bodyless)) {
            up.h2().encoder().abandonBlock();
            headWaiting = scratch.remaining();   // not writable until the output has room for it all
            return false;
        }
        headWaiting = 0;
        from.position(end);
        remaining = Math.max(0, block.contentLength());
        state = bodyless ? DONE : block.chunked() ? CHUNKED : LENGTH;
        return true;
    }

    /** A chunked body's chunks as DATA while the windows allow; its end noted for {@link #flushEnd}. */
    private void chunked(ByteBuffer from, Http2Stream s, Http2Connection h2) throws IOException {
        int allowance = h2.writable(s);
        while (from.hasRemaining() && state == CHUNKED) {
            int to = (int) Math.min(from.limit(), (long) from.position() + Math.max(allowance, 0));
            int verdict = chunks.decode(from, from.position(), to);
            if (verdict == ChunkedDecoder.NEED_MORE && chunks.keepFrom() >= 0 && to < from.limit()) {
                verdict = chunks.decode(from, chunks.position(), from.limit());   // the trailers: no window needed
            }
            switch (verdict) {
                case ChunkedDecoder.DATA -> {
                    int limit = from.limit();
                    int length = chunks.dataEnd() - chunks.dataStart();
                    from.limit(chunks.dataEnd()).position(chunks.dataStart());
                    int sent = h2.writeData(s, from, false);
                    from.limit(limit);
                    if (sent != length) {
                        throw new IOException("DATA the windows allowed could not be sent");
                    }
                    allowance = h2.writable(s);   // each frame's header takes room too: asked again, not counted down
                }
                case ChunkedDecoder.DONE -> {
                    int trailers = chunks.trailerStart();
                    endWithTrailers = trailers >= 0 && chunks.trailerEnd() > trailers;
                    if (endWithTrailers) {
                        encodeTrailers(from, trailers, chunks.position(), h2);
                    }
                    from.position(chunks.position());
                    state = END;
                }
                case ChunkedDecoder.NEED_MORE -> {
                    if (chunks.keepFrom() >= 0) {
                        throw new IOException("a trailer section not whole in one write");
                    }
                    from.position(to);
                    if (to < from.limit()) {
                        return;   // the windows are full
                    }
                }
                default -> throw new IOException("a chunked body Balor wrote did not decode: " + chunks.error());
            }
        }
    }

    private void encodeTrailers(ByteBuffer from, int start, int end, Http2Connection h2) throws IOException {
        if (endBlock == null) {
            endBlock = ByteBuffer.allocate(2 * maxHead);
        }
        endBlock.clear();
        if (!block.encodeTrailers(from, start, end, h2.encoder(), endBlock)) {
            throw new IOException("request trailers too large for HTTP/2");
        }
        endBlock.flip();
    }

    /** Sends the body's end (trailers, or an empty DATA with END_STREAM) if the output has room now. */
    void flushEnd() {
        Http2Stream s = stream.stream;
        if (state != END || s == null) {
            return;
        }
        Http2Connection h2 = stream.owner().h2();
        if (endWithTrailers ? h2.writeHeaders(s, endBlock, true) : h2.endStream(s)) {
            state = DONE;
        }
    }

    /** The index just past the head's blank line in {@code from}, or -1. */
    private static int headEnd(ByteBuffer from) {
        for (int i = from.position() + 3; i < from.limit(); i++) {
            if (from.get(i) == '\n' && from.get(i - 1) == '\r' && from.get(i - 2) == '\n' && from.get(i - 3) == '\r') {
                return i + 1;
            }
        }
        return -1;
    }
}
