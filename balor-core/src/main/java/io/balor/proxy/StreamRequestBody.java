package io.balor.proxy;

import io.balor.http.ChunkedWriter;
import io.balor.http2.Frames;

import java.nio.ByteBuffer;

/**
 * Writes an HTTP/2 stream's request body into the buffer its exchange reads, as the HTTP/1.1
 * body its head announced: the DATA octets as they came (a {@code content-length} body), or each
 * DATA frame as a chunk and the stream's end as the last chunk, with the trailer section when
 * the request had trailers (RFC 9112 §7.1). Octets that do not fit the request buffer wait in a
 * spill: a client may send a whole default window (65535) before it has seen this side's smaller
 * one. One per {@link StreamClient}, reused from stream to stream; loop thread only. The spill is
 * made once, when first needed, and kept.
 */
final class StreamRequestBody {

    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};
    /** A chunk's framing: its size line (up to 8 hex digits for a frame) and the CRLF after it. */
    private static final int CHUNK_FRAMING = 12;

    /** Request octets that did not fit the request buffer yet, or null (see {@link #spill()}). */
    private ByteBuffer spill;
    private boolean chunked;

    /** A new stream's body, chunked or not. */
    void reset(boolean chunked) {
        this.chunked = chunked;
        if (spill != null) {
            spill.clear();
        }
    }

    boolean chunked() {
        return chunked;
    }

    /** Octets waiting in the spill. */
    int waiting() {
        return spill == null ? 0 : spill.position();
    }

    /**
     * Puts {@code in[from, from + length)} (a DATA frame's payload; {@code in} may be null when
     * there is none) for {@code client}'s exchange; when {@code endStream} and the body is
     * chunked, the last chunk follows: {@code lastChunk} (its line, the trailer section and the
     * final CRLF, position to limit), or a bare one when null. False when it has no room even in
     * the spill: the caller resets the stream.
     */
    boolean put(ExchangeClient client, ByteBuffer in, int from, int length, boolean endStream, ByteBuffer lastChunk) {
        ByteBuffer request = client.state().clientIn;
        int end = lastChunk == null ? LAST_CHUNK.length : lastChunk.remaining();
        int need = length + (chunked ? (length > 0 ? CHUNK_FRAMING : 0) + (endStream ? end : 0) : 0);
        if (waiting() == 0 && need > request.remaining()) {
            client.compactIn();
        }
        ByteBuffer to = waiting() == 0 && need <= request.remaining() ? request : spill();
        if (need > to.remaining()) {
            return false;   // tiny frames whose chunk framing outgrew the buffers while the upstream reads slowly
        }
        if (chunked && length > 0) {
            to.position(ChunkedWriter.putSizeLine(to, to.position(), length));
        }
        if (length > 0) {
            to.put(to.position(), in, from, length);
            to.position(to.position() + length);
        }
        if (chunked && length > 0) {
            to.position(ChunkedWriter.putCrlf(to, to.position()));
        }
        if (chunked && endStream) {
            if (lastChunk == null) {
                to.put(LAST_CHUNK);
            } else {
                to.put(lastChunk);
            }
        }
        return true;
    }

    /** Moves what waits in the spill into {@code client}'s request buffer as far as it has room. */
    void drain(ExchangeClient client) {
        ByteBuffer request = client.state().clientIn;
        if (waiting() == 0 || request == null) {
            return;
        }
        client.compactIn();
        spill.flip();
        int n = Math.min(spill.remaining(), request.remaining());
        request.put(request.position(), spill, spill.position(), n);
        request.position(request.position() + n);
        spill.position(n);
        spill.compact();
    }

    private ByteBuffer spill() {
        if (spill == null) {
            spill = ByteBuffer.allocate(2 * Frames.DEFAULT_WINDOW);
        }
        return spill;
    }
}
