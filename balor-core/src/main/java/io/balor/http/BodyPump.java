package io.balor.http;

import io.balor.http.HeadWriter.Framing;

import java.nio.ByteBuffer;

/**
 * Moves one message body from the buffer it arrives in to the buffer it leaves from, changing
 * its framing on the way when it must: a chunked body is re-chunked (extensions dropped,
 * trailers kept), or sent raw to an HTTP/1.0 client; a body that runs until the upstream closes
 * is chunked for an HTTP/1.1 client. It copies; it never holds bytes of its own beyond a chunk
 * range the output had no room for yet. One per session side, on the session's loop thread;
 * allocates nothing.
 *
 * <p>Buffers: {@code in[from, to)} is what has arrived and not been consumed; {@code out} is in
 * fill mode (data up to its position). {@link #pump} returns the index up to which input is
 * consumed; the caller may discard bytes before it, except from {@link #keepFrom()} on.
 */
public final class BodyPump {

    private final ChunkedDecoder chunks;
    private Framing in;
    private Framing out;
    private long remaining;
    private long bytes;
    private boolean done;
    private boolean failed;
    private boolean endOfInput;
    /** A payload range the decoder reported that is not yet all written. */
    private int pendingStart;
    private int pendingEnd;
    private boolean lastChunkWritten;

    public BodyPump(HttpLimits limits) {
        this.chunks = new ChunkedDecoder(limits);
    }

    /**
     * Starts a body.
     *
     * @param in     how it arrives: NONE, LENGTH ({@code length} bytes), CHUNKED or UNTIL_CLOSE
     * @param out    how it leaves: NONE, LENGTH, CHUNKED or UNTIL_CLOSE (raw)
     */
    public void start(Framing in, long length, Framing out) {
        this.in = in;
        this.out = out;
        this.remaining = in == Framing.LENGTH ? length : 0;
        this.bytes = 0;
        this.failed = false;
        this.endOfInput = false;
        this.pendingStart = this.pendingEnd = 0;
        this.lastChunkWritten = false;
        this.done = in == Framing.NONE || (in == Framing.LENGTH && length == 0);
        chunks.reset();
    }

    /** Whether the body arrives until the connection closes (its end is the end of stream). */
    public boolean endsAtClose() {
        return in == Framing.UNTIL_CLOSE;
    }

    /** The decoder's position for a chunked body must start where the body starts. */
    public int pump(ByteBuffer source, int from, int to, ByteBuffer target) {
        if (done || failed) {
            return from;
        }
        switch (in) {
            case LENGTH:
                return copyLength(source, from, to, target);
            case UNTIL_CLOSE:
                return copyUntilClose(source, from, to, target);
            case CHUNKED:
                return copyChunked(source, from, to, target);
            default:
                done = true;
                return from;
        }
    }

    /** The source closed: a body that runs until close is complete (the caller pumps once more). */
    public void endOfInput() {
        endOfInput = true;
    }

    public boolean done() {
        return done;
    }

    /**
     * Whether {@code available} more input bytes could still complete the body; false when they
     * certainly cannot (a length body needs more than that, or a chunked one has nothing left to
     * decode). With {@link #endOfInput()}, false means the body was cut short.
     */
    public boolean mayFinishWith(long available) {
        if (done) {
            return true;
        }
        if (failed) {
            return false;
        }
        return switch (in) {
            case LENGTH -> remaining <= available;
            case CHUNKED -> available > 0 || pendingStart < pendingEnd;
            default -> true;
        };
    }

    /** Whether the body failed only because its source ended before it was whole (it was not malformed). */
    public boolean endedEarly() {
        return failed && endOfInput && chunks.error() == null;
    }

    /** The body was malformed (chunked) or ended early: the caller answers 400/502 or closes. */
    public boolean failed() {
        return failed;
    }

    public String error() {
        return chunks.error() != null ? chunks.error() : "body ended early";
    }

    /** Payload bytes moved so far. */
    public long bytes() {
        return bytes;
    }

    /** Payload bytes announced so far (chunk sizes count as soon as read), for a body limit. */
    public long announced() {
        return in == Framing.CHUNKED ? chunks.payloadBytes() : bytes + remaining;
    }

    /** From here on input must stay (trailers being collected), or -1 (always once done). */
    public int keepFrom() {
        return in == Framing.CHUNKED && !done ? chunks.keepFrom() : -1;
    }

    /** The caller moved its input {@code removed} bytes toward index 0. */
    public void compacted(int removed) {
        if (in == Framing.CHUNKED) {
            chunks.compacted(removed);
            pendingStart -= removed;
            pendingEnd -= removed;
        }
    }

    /** Whether the body arrives until the source closes (so the source connection cannot be reused). */
    public boolean untilClose() {
        return in == Framing.UNTIL_CLOSE;
    }

    private int copyLength(ByteBuffer source, int from, int to, ByteBuffer target) {
        int n = (int) Math.min(Math.min(remaining, to - from), target.remaining());
        if (n > 0) {
            target.put(target.position(), source, from, n);
            target.position(target.position() + n);
            remaining -= n;
            bytes += n;
        }
        if (remaining == 0) {
            done = true;
        } else if (endOfInput && from + n == to) {
            failed = true;
        }
        return from + n;
    }

    private int copyUntilClose(ByteBuffer source, int from, int to, ByteBuffer target) {
        int consumed = writeData(source, from, to, target);
        if (endOfInput && consumed == to) {
            if (out == Framing.CHUNKED && !lastChunk(target, -1, -1, source)) {
                return consumed;
            }
            done = true;
        }
        return consumed;
    }

    private int copyChunked(ByteBuffer source, int from, int to, ByteBuffer target) {
        int at = from;
        while (true) {
            if (pendingStart < pendingEnd) {
                int written = writeData(source, pendingStart, pendingEnd, target);
                if (written < pendingEnd) {
                    pendingStart = written;
                    return written;
                }
                pendingStart = pendingEnd = 0;
                at = chunks.position();
            }
            int verdict = chunks.decode(source, at, to);
            switch (verdict) {
                case ChunkedDecoder.DATA:
                    pendingStart = chunks.dataStart();
                    pendingEnd = chunks.dataEnd();
                    break;
                case ChunkedDecoder.NEED_MORE:
                    if (endOfInput) {
                        failed = true;
                    }
                    return to;
                case ChunkedDecoder.DONE:
                    if (lastChunk(target, chunks.trailerStart(), chunks.trailerEnd(), source)) {
                        done = true;
                        return chunks.position();
                    }
                    return chunks.trailerStart() >= 0 ? chunks.trailerStart() : chunks.position();
                default:
                    failed = true;
                    return to;
            }
        }
    }

    /** Writes payload {@code [from, to)} as far as it fits, in the output framing; returns how far. */
    private int writeData(ByteBuffer source, int from, int to, ByteBuffer target) {
        int length = to - from;
        if (length == 0) {
            return from;
        }
        if (out == Framing.CHUNKED) {
            int room = target.remaining() - ChunkedWriter.MAX_SIZE_LINE - 2;
            int n = Math.min(length, room);
            if (n <= 0) {
                return from;
            }
            int at = ChunkedWriter.putSizeLine(target, target.position(), n);
            target.put(at, source, from, n);
            at = ChunkedWriter.putCrlf(target, at + n);
            target.position(at);
            bytes += n;
            return from + n;
        }
        int n = Math.min(length, target.remaining());
        target.put(target.position(), source, from, n);
        target.position(target.position() + n);
        bytes += n;
        return from + n;
    }

    /** The last chunk, the trailers when the output is chunked, the final CRLF; false if no room yet. */
    private boolean lastChunk(ByteBuffer target, int trailerStart, int trailerEnd, ByteBuffer source) {
        if (out != Framing.CHUNKED || lastChunkWritten) {
            return true;
        }
        int trailers = trailerStart >= 0 && trailerEnd > trailerStart ? trailerEnd - trailerStart : 0;
        if (target.remaining() < 3 + trailers + 2) {
            return false;
        }
        int at = ChunkedWriter.putLastChunk(target, target.position());
        if (trailers > 0) {
            target.put(at, source, trailerStart, trailers);
            at += trailers;
        }
        at = ChunkedWriter.putCrlf(target, at);
        target.position(at);
        lastChunkWritten = true;
        return true;
    }
}
