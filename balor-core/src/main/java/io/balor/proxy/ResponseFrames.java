package io.balor.proxy;

import io.balor.buffer.BufferPool;
import io.balor.http.ChunkedDecoder;
import io.balor.http.CookieDomainRewriter;
import io.balor.http.HeadWriter;
import io.balor.http.HeadWriter.Framing;
import io.balor.http.HttpHead;
import io.balor.http.HttpLimits;
import io.balor.http2.Grpc;
import io.balor.http2.Http2Connection;
import io.balor.http2.Http2Stream;
import io.balor.http2.HpackEncoder;
import io.balor.http2.ResponseBlock;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

/**
 * Sends the response an exchange wrote for an HTTP/2 stream (HTTP/1.1 bytes: a head regenerated
 * by Balor, then a body framed by {@code Content-Length} or chunked) as the stream's frames:
 * HEADERS ({@link ResponseBlock}), then DATA as the windows allow, END_STREAM on the last, or
 * on a trailing HEADERS frame that carries a chunked body's trailer section (gRPC's status comes
 * in it). Interim (1xx) heads go as HEADERS of their own. One per {@link StreamClient}, reused;
 * loop thread only; allocation-free.
 *
 * <p>{@link #send} is called whenever the exchange may have written more, or a window opened:
 * it takes what it can from the start of the buffer and leaves the rest. A head or trailers that
 * find no room in the connection's output wait, encoded, for the next call.
 */
final class ResponseFrames {

    static final int WAITING = 0;
    static final int DONE = 1;
    static final int INVALID = 2;

    private static final int HEAD = 0;
    private static final int LENGTH = 1;
    private static final int CHUNKED = 2;
    private static final int FINISHED = 3;
    private static final byte[] CONTENT_LENGTH = {'c', 'o', 'n', 't', 'e', 'n', 't', '-', 'l', 'e', 'n', 'g', 't', 'h'};

    private final ChunkedDecoder chunks;
    private final ResponseBlock blocks;
    /** Where a block is encoded: the loop's, shared by its streams ({@link StreamScratch}). */
    private final ByteBuffer shared;
    /** Field lines Balor rewrites or adds (a Set-Cookie's Domain, a sticky cookie): the loop's too. */
    private final ByteBuffer lines;
    /** The loop's heap buffers, where a block that waits for room is kept (null: allocated). */
    private final BufferPool pool;
    /** The block encoded last: in {@link #shared}, or in a buffer of this stream's while it waits. */
    private ByteBuffer block;
    /** {@code content-length} and its digits, for a head encoded from its parse. */
    private final byte[] lengthField = java.util.Arrays.copyOf(CONTENT_LENGTH, CONTENT_LENGTH.length + 20);

    private int state;
    /** An encoded head waits for room in the connection's output; END_STREAM with it when {@code pendingEnd}. */
    private boolean pending;
    private boolean pendingEnd;
    private int pendingState;
    private boolean headRequest;
    private boolean finalHeadSent;
    private long remaining;
    /** The next byte of the buffer to read. */
    private int at;
    /** Chunk payload decoded but not yet sent: {@code [dataFrom, dataTo)} of the buffer. */
    private int dataFrom;
    private int dataTo;

    /** One on its own, with scratch of its own. */
    ResponseFrames(HttpLimits limits) {
        this(limits, new ResponseBlock(limits.maxHead()), newBlock(limits), newLines(limits), null);
    }

    /**
     * With the encoding scratch ({@code blocks}, {@code block}, {@code lines}) shared by the streams
     * of one loop: each head is encoded whole within one call, and one that finds no room waits in a
     * buffer of {@code pool}'s.
     */
    ResponseFrames(HttpLimits limits, ResponseBlock blocks, ByteBuffer block, ByteBuffer lines, BufferPool pool) {
        chunks = new ChunkedDecoder(limits);
        this.blocks = blocks;
        this.shared = block;
        this.block = block;
        this.lines = lines;
        this.pool = pool;
    }

    /** A buffer for the blocks of heads up to {@code limits}' size. */
    static ByteBuffer newBlock(HttpLimits limits) {
        return ByteBuffer.allocate(limits.maxHead() + 1024);
    }

    /** A buffer for field lines Balor rewrites: a rewritten Domain is at most a host name longer. */
    static ByteBuffer newLines(HttpLimits limits) {
        return ByteBuffer.allocate(limits.maxHead() + 512);
    }

    /** A new response, to a HEAD request or not (then it has no body whatever its head says). */
    void reset(boolean headRequest) {
        this.headRequest = headRequest;
        release();
        state = HEAD;
        pending = false;
        finalHeadSent = false;
        dataFrom = dataTo = 0;
        at = 0;
        chunks.reset();
    }

    /** Whether nothing waits here (no encoded head waiting for room). */
    boolean idle() {
        return !pending;
    }

    /** Whether the final head has gone (a failure after it can only reset the stream). */
    boolean started() {
        return finalHeadSent;
    }

    /**
     * Sends what {@code out} (write mode: the bytes are {@code [0, position)}) holds as far as the
     * connection lets, and compacts what it took away. {@link #DONE} once END_STREAM has gone.
     */
    int send(ByteBuffer out, Http2Connection h2, Http2Stream stream) {
        if (pending && !flushHead(h2, stream)) {
            return WAITING;
        }
        int result = sendFrom(out, h2, stream);
        int keep = state == CHUNKED && dataTo > dataFrom ? dataFrom : at;
        if (state == CHUNKED && !pending && chunks.keepFrom() >= 0) {
            keep = Math.min(keep, chunks.keepFrom());   // the trailer section, until it is encoded
        }
        compact(out, keep);
        return result;
    }

    private int sendFrom(ByteBuffer out, Http2Connection h2, Http2Stream stream) {
        while (true) {
            int end = out.position();
            if (state == FINISHED) {
                return DONE;
            }
            if (state == HEAD) {
                if (at == end) {
                    return WAITING;
                }
                // Balor wrote this head itself (HeadWriter): it is read once, as it is encoded
                int headEnd = blocks.encodeHead(out, at, end, headRequest, h2.encoder(), encoding());
                if (headEnd <= 0) {
                    return headEnd == 0 ? WAITING : INVALID;
                }
                at = headEnd;
                headParsed();
                if (!flushHead(h2, stream)) {
                    return WAITING;
                }
            } else if (state == LENGTH) {
                int n = (int) Math.min(remaining, end - at);
                int sent = data(out, at, at + n, n == remaining, h2, stream);
                at += sent;
                remaining -= sent;
                if (remaining == 0) {
                    state = FINISHED;
                } else if (sent < n || at == end) {
                    return WAITING;
                }
            } else {
                if (dataTo > dataFrom) {
                    dataFrom += data(out, dataFrom, dataTo, false, h2, stream);
                    if (dataFrom < dataTo) {
                        return WAITING;
                    }
                }
                int verdict = chunks.decode(out, at, end);
                at = chunks.position();
                if (verdict == ChunkedDecoder.DATA) {
                    dataFrom = chunks.dataStart();
                    dataTo = chunks.dataEnd();
                } else if (verdict == ChunkedDecoder.DONE) {
                    int trailers = trailers(out, h2);
                    if (trailers < 0) {
                        return INVALID;
                    }
                    if (trailers > 0) {
                        return flushHead(h2, stream) ? DONE : WAITING;
                    }
                    if (!h2.endStream(stream)) {
                        return WAITING;   // decoded DONE again next time
                    }
                    state = FINISHED;
                } else {
                    return verdict == ChunkedDecoder.INVALID ? INVALID : WAITING;
                }
            }
        }
    }

    /**
     * Encodes the final head an exchange parsed from its upstream straight into the stream's
     * HEADERS block, as {@link HeadWriter#response} would write it for an HTTP/1.1 client and
     * {@link #send} read it back, without that text in between: the fields it forwards (a
     * {@code Set-Cookie} with its Domain rewritten by {@code rewrite}), the {@code extra} line,
     * then {@code content-length} for {@code framing} LENGTH. The body then follows in
     * {@code out} as ever. The HEADERS frame goes at once when the connection has room, else it
     * waits here. False, with nothing changed, when an earlier head still waits here or
     * the head does not fit: it goes the HTTP/1.1 way then.
     */
    boolean finalHead(HttpHead head, Framing framing, long length, CookieDomainRewriter rewrite, byte[] extra,
                      ByteBuffer out, Http2Connection h2, Http2Stream stream) {
        HpackEncoder encoder = h2.encoder();
        if (state != HEAD || pending || at != out.position()) {
            return false;
        }
        encoding();
        if (!blocks.begin(head.status(), headRequest, encoder, block)) {
            return false;
        }
        byte[] text = head.text();
        int base = head.textBase();
        try {
            for (int i = 0; i < head.fieldCount(); i++) {
                if (!HeadWriter.forwardsResponseField(head, i)) {
                    continue;
                }
                int name = head.nameStart(i);
                int value = head.valueStart(i);
                if (rewrite != null && head.nameIs(i, "set-cookie")) {
                    rewrite.write(head.buffer(), name, head.nameEnd(i), value, head.valueEnd(i), lines.clear());
                    if (!blocks.lines(lines, 0, lines.position(), encoder, block)) {
                        return false;
                    }
                } else if (!blocks.field(text, name - base, head.nameEnd(i) - name, value - base,
                        head.valueEnd(i) - value, encoder, block)) {
                    return false;
                }
            }
            if (extra != null && !blocks.lines(lines.clear().put(extra), 0, extra.length, encoder, block)) {
                return false;
            }
        } catch (BufferOverflowException e) {
            return blocks.takeBack(encoder, block);
        }
        if (framing == Framing.LENGTH) {
            int digits = HeadWriter.decimal(length, lengthField, CONTENT_LENGTH.length);
            if (!blocks.field(lengthField, 0, CONTENT_LENGTH.length, CONTENT_LENGTH.length, digits, encoder, block)) {
                return false;
            }
        } else if (framing == Framing.CHUNKED) {
            blocks.chunkedBody();
        }
        headParsed();
        flushHead(h2, stream);   // now, while the block is in the shared buffer (or it is kept)
        return true;
    }


    /**
     * Balor's own error for a gRPC call: a trailers-only response, then the stream is done. False
     * when it waits for room (the next {@link #send} sends it).
     */
    boolean grpcError(int status, String message, Http2Connection h2, Http2Stream stream) {
        Grpc.trailersOnly(h2.encoder(), encoding(), status, message);
        block.flip();
        pending = true;
        pendingEnd = true;
        pendingState = FINISHED;
        finalHeadSent = true;
        return flushHead(h2, stream);
    }

    /**
     * At the end of a chunked body: its trailer fields, if it has any, encoded as the block of a
     * trailing HEADERS frame with END_STREAM (RFC 9113 §8.1), which waits in {@link #block} as a
     * head does. The fields encoded: 0 when there are none (or only fields HTTP/2 leaves out), and
     * an empty DATA frame ends the stream instead; -1 when they do not fit the block.
     */
    private int trailers(ByteBuffer out, Http2Connection h2) {
        int from = chunks.trailerStart();
        int to = chunks.trailerEnd();
        if (from < 0 || to <= from) {
            return 0;
        }
        int count = blocks.encodeTrailers(out, from, to, h2.encoder(), encoding());
        if (count <= 0) {
            return count;
        }
        block.flip();
        pending = true;
        pendingEnd = true;
        pendingState = FINISHED;
        return count;
    }

    /** The head just parsed (and encoded): what follows it. */
    private void headParsed() {
        int status = blocks.status();
        boolean interim = status < 200;
        boolean bodiless = !interim && (headRequest || status == 204 || status == 304
                || !blocks.chunked() && blocks.contentLength() == 0);
        block.flip();
        pending = true;
        pendingEnd = bodiless;
        if (interim) {
            pendingState = HEAD;
        } else {
            finalHeadSent = true;
            pendingState = bodiless ? FINISHED : blocks.chunked() ? CHUNKED : LENGTH;
            remaining = blocks.contentLength();
            if (pendingState == LENGTH && remaining < 0) {
                pendingState = FINISHED;   // not a head Balor writes for an HTTP/1.1 client
                pendingEnd = true;
            }
        }
    }

    private boolean flushHead(Http2Connection h2, Http2Stream stream) {
        if (!h2.writeHeaders(stream, block, pendingEnd)) {
            if (block == shared) {
                keep();   // the shared block is the next head's
            }
            return false;
        }
        pending = false;
        state = pendingState;
        release();
        return true;
    }

    /** The shared block, cleared, to encode into; a block that waited in a buffer of this stream's is let go. */
    private ByteBuffer encoding() {
        release();
        return block.clear();
    }

    /** The encoded block waits for room: it moves into a buffer of this stream's. */
    private void keep() {
        int length = block.remaining();
        ByteBuffer own = pool != null && length <= pool.bufferSize() ? pool.acquire() : ByteBuffer.allocate(length);
        own.put(block).flip();
        block = own;
    }

    /** Gives back the buffer a block waited in, if any (when the stream is done with it). */
    void release() {
        if (block != shared) {
            if (pool != null && block.capacity() == pool.bufferSize()) {
                pool.release(block);
            }
            block = shared;
        }
    }

    /** Sends {@code out[from, to)} as DATA (END_STREAM on the last when {@code end}); the octets sent. */
    private static int data(ByteBuffer out, int from, int to, boolean end, Http2Connection h2, Http2Stream stream) {
        int position = out.position();
        int limit = out.limit();
        out.limit(to).position(from);
        int sent = h2.writeData(stream, out, end);
        out.limit(limit).position(position);
        return sent;
    }

    /** Moves {@code out[keep, position)} to the front; the decoder's indexes follow. */
    private void compact(ByteBuffer out, int keep) {
        if (keep == 0) {
            return;
        }
        int position = out.position();
        out.flip().position(keep);
        out.compact();
        at -= keep;
        if (state == CHUNKED) {
            chunks.compacted(keep);
            dataFrom -= keep;
            dataTo -= keep;
        }
        if (position == keep) {
            out.clear();
        }
    }
}
