package io.balor.http;

import io.balor.buffer.Ascii;

import java.nio.ByteBuffer;

/**
 * A strict, resumable decoder of a chunked message body (RFC 9112 §7.1), working in place on a
 * buffer: it reports where the payload is and never copies it. One instance per session side,
 * owned by its loop thread; {@link #reset()} between messages. Allocates nothing.
 *
 * <h2>How it is driven</h2>
 * Each {@link #decode} call reads {@code buffer[from, to)}, where {@code from} is the
 * {@link #position()} the last call left (the body's first byte, {@link HttpHead#headEnd()}, on
 * the first call) and {@code to} the end of what has arrived. It consumes chunk-size lines, chunk
 * extensions and CRLFs silently, one byte at a time, so its state never depends on how the bytes
 * were split, and stops at the first thing the caller must act on:
 * <ul>
 *   <li>{@link #DATA}: chunk payload in {@code [dataStart(), dataEnd())}, never empty; the caller
 *       forwards it (in a chunk of its own framing: see {@link ChunkedWriter}) and calls again
 *       from {@code dataEnd()}, which is {@code position()}.</li>
 *   <li>{@link #NEED_MORE}: everything up to {@code to} is consumed and nothing is to be
 *       emitted; {@code position() == to}.</li>
 *   <li>{@link #DONE}: the last chunk and the trailer section are complete; {@code position()} is
 *       just past the final CRLF, and the bytes from there on (a pipelined message) are not
 *       read. The trailer fields, each with its CRLF, are {@code [trailerStart(), trailerEnd())},
 *       empty if there were none; the final blank line is not part of the range.</li>
 *   <li>{@link #INVALID}: the body is malformed: {@link #error()} says why (a constant) and
 *       {@code position()} is the offending byte; the caller answers 400 to a request (502 for
 *       a response) if it still can, and closes.</li>
 * </ul>
 * After {@code DONE} or {@code INVALID}, calls return the same verdict until {@link #reset()}.
 *
 * <h2>Buffer ownership and trailers</h2>
 * Payload and chunk lines never need to stay in the buffer: the decoder keeps no index into
 * them, so after {@code NEED_MORE} the caller may discard or reuse everything before {@code to},
 * trailers aside. From the moment the last chunk's line is read until {@link #reset()},
 * {@link #keepFrom()} is the index where the trailer section starts (-1 before). A caller that
 * forwards trailers keeps {@code [keepFrom(), to)} in the buffer until it has written them; if it
 * compacts the buffer, moving those bytes {@code n} places toward index 0, it calls
 * {@link #compacted(int) compacted(n)} so that the trailer range and {@code position()} follow
 * (its own next {@code from} moves by {@code n} too). A caller may instead drop trailers (RFC
 * 9110 §6.5.1 lets a recipient that removes the chunked coding discard them) and ignore the
 * range. Either way the trailers are checked as they stream past, and the section must be
 * complete within {@link HttpLimits#maxHead()} bytes, so what must be kept is bounded.
 *
 * <h2>What it refuses</h2>
 * A chunk size that is not 1 to 15 {@code HEXDIG} (no sign, {@code 0x}, or space before it);
 * whitespace after the size not followed by {@code ;}; a chunk extension not of the form
 * {@code BWS ";" BWS token [ BWS "=" BWS ( token / quoted-string ) ]}; a chunk line longer than
 * {@value #MAX_CHUNK_LINE} bytes; any CR not followed by LF and any LF not preceded by CR (outside
 * payload); chunk data not followed by exactly CRLF; and trailers that {@link TrailerSection}
 * refuses (field syntax as in a head, framing fields, a section past {@link HttpLimits#maxHead()}).
 */
public final class ChunkedDecoder {

    /** Payload to forward in {@code [dataStart(), dataEnd())}. */
    public static final int DATA = 1;
    /** All input consumed, nothing to emit. */
    public static final int NEED_MORE = 0;
    /** The body is complete: see {@link #position()} and the trailer range. */
    public static final int DONE = 2;
    /** The body is malformed: see {@link #error()}. */
    public static final int INVALID = 3;

    /** Bytes a chunk-size line may take, extensions and CRLF included. */
    public static final int MAX_CHUNK_LINE = 4096;
    /** Hex digits a chunk size may have, leading zeros included: 15 fit a long with room to spare. */
    public static final int MAX_SIZE_DIGITS = 15;

    // chunk-size line
    private static final int SIZE_FIRST = 0;
    private static final int SIZE = 1;
    private static final int BWS_BEFORE_SEMI = 2;
    private static final int BWS_BEFORE_NAME = 3;
    private static final int EXT_NAME = 4;
    private static final int BWS_AFTER_NAME = 5;
    private static final int BWS_BEFORE_VALUE = 6;
    private static final int EXT_TOKEN = 7;
    private static final int EXT_QUOTED = 8;
    private static final int EXT_QUOTED_PAIR = 9;
    private static final int EXT_AFTER_QUOTED = 10;
    private static final int LINE_LF = 11;
    // chunk data
    private static final int DATA_BYTES = 12;
    private static final int DATA_CR = 13;
    private static final int DATA_LF = 14;
    // trailer section (RFC 9112 §7.1.2), checked by a TrailerSection
    private static final int TRAILERS = 15;
    private static final int FINISHED = 16;
    private static final int FAILED = 17;

    private final TrailerSection trailers;
    private int state;
    private long size;
    private int digits;
    private int lineLength;
    private long remaining;
    private long payloadBytes;
    private int position;
    private int dataStart;
    private int dataEnd;
    private int trailerStart = -1;
    private int trailerEnd = -1;
    private String error;

    /** A decoder whose trailer section may take up to {@code limits.maxHead()} bytes. */
    public ChunkedDecoder(HttpLimits limits) {
        this.trailers = new TrailerSection(limits.maxHead());
    }

    /** Forgets the last body; the next call starts a new one. */
    public void reset() {
        state = SIZE_FIRST;
        size = 0;
        digits = 0;
        lineLength = 0;
        remaining = 0;
        payloadBytes = 0;
        position = 0;
        dataStart = dataEnd = 0;
        trailerStart = trailerEnd = -1;
        trailers.reset();
        error = null;
    }

    /** The first byte the next call must read: past what this call consumed. */
    public int position() {
        return position;
    }

    public int dataStart() {
        return dataStart;
    }

    public int dataEnd() {
        return dataEnd;
    }

    /** Where the trailer fields start, once the last chunk's line is read; else -1. */
    public int trailerStart() {
        return trailerStart;
    }

    /** Just past the last trailer field's CRLF (before the final CRLF), once {@link #DONE}; else -1. */
    public int trailerEnd() {
        return trailerEnd;
    }

    /**
     * The index from which bytes must stay in the buffer for the trailers to be forwarded: the
     * trailer section's start from the moment the last chunk's line is read (through
     * {@code DONE}, until {@link #reset()}), else -1.
     */
    public int keepFrom() {
        return state == TRAILERS || state == FINISHED ? trailerStart : -1;
    }

    /**
     * The payload size of every chunk whose size line has been read: a chunk counts in full as
     * soon as its size is known, before its data arrives, so a caller enforcing a maximum body
     * size (413) can refuse it before forwarding any of it.
     */
    public long payloadBytes() {
        return payloadBytes;
    }

    /** Why the body was refused, for the log; a constant. */
    public String error() {
        return error;
    }

    /** The caller moved the kept bytes {@code removed} places toward index 0: indices follow them. */
    public void compacted(int removed) {
        if (trailerStart >= 0) {
            trailerStart -= removed;
        }
        if (trailerEnd >= 0) {
            trailerEnd -= removed;
        }
        position -= removed;
    }

    /**
     * Reads {@code buffer[from, to)} (absolute indices; the buffer's position and limit are not
     * used) as described in the class comment.
     *
     * @return {@link #DATA}, {@link #NEED_MORE}, {@link #DONE} or {@link #INVALID}
     */
    public int decode(ByteBuffer buffer, int from, int to) {
        if (state == FINISHED) {
            return DONE;
        }
        if (state == FAILED) {
            return INVALID;
        }
        int i = from;
        while (i < to) {
            if (state == DATA_BYTES) {
                int n = (int) Math.min(remaining, to - i);
                remaining -= n;
                if (remaining == 0) {
                    state = DATA_CR;
                }
                dataStart = i;
                dataEnd = i + n;
                position = i + n;
                return DATA;
            }
            byte b = buffer.get(i);
            if (state < DATA_BYTES) {
                if (++lineLength > MAX_CHUNK_LINE) {
                    return fail(i, "chunk line too long");
                }
                if (!sizeLine(b)) {
                    return fail(i, error);
                }
                if (state == DATA_BYTES && remaining == 0) {
                    state = TRAILERS;
                    trailerStart = i + 1;
                }
            } else if (state < TRAILERS) {
                if (!afterData(b)) {
                    return fail(i, error);
                }
            } else {
                int verdict = trailers.accept(b);
                if (verdict == TrailerSection.INVALID) {
                    return fail(i, trailers.error());
                }
                if (verdict == TrailerSection.END) {
                    state = FINISHED;
                    trailerEnd = trailerStart + trailers.fieldsLength();
                    position = i + 1;
                    return DONE;
                }
            }
            i++;
        }
        position = to;
        return NEED_MORE;
    }

    /** One byte of {@code chunk-size [ chunk-ext ] CRLF}; false (with {@code error} set) to refuse. */
    private boolean sizeLine(byte b) {
        boolean ws = b == ' ' || b == '\t';
        switch (state) {
            case SIZE_FIRST:
            case SIZE:
                int hex = hex(b);
                if (hex >= 0) {
                    if (++digits > MAX_SIZE_DIGITS) {
                        return refuse("chunk size too large");
                    }
                    size = size << 4 | hex;
                    state = SIZE;
                    return true;
                }
                if (state == SIZE_FIRST) {
                    return refuse(b == '\n' ? "bare LF" : "invalid chunk size");
                }
                return afterElement(b, ws, "invalid chunk size");
            case BWS_BEFORE_SEMI:
                if (b == ';') {
                    state = BWS_BEFORE_NAME;
                    return true;
                }
                return ws || refuse(b == '\n' ? "bare LF" : "whitespace not followed by ';' in chunk line");
            case BWS_BEFORE_NAME:
                if (Ascii.isTchar(b)) {
                    state = EXT_NAME;
                    return true;
                }
                return ws || refuse(b == '\n' ? "bare LF" : "invalid chunk extension name");
            case EXT_NAME:
                if (Ascii.isTchar(b)) {
                    return true;
                }
                if (ws) {
                    state = BWS_AFTER_NAME;
                    return true;
                }
                if (b == '=') {
                    state = BWS_BEFORE_VALUE;
                    return true;
                }
                return afterElement(b, false, "invalid chunk extension name");
            case BWS_AFTER_NAME:
                if (b == '=') {
                    state = BWS_BEFORE_VALUE;
                    return true;
                }
                if (b == ';') {
                    state = BWS_BEFORE_NAME;
                    return true;
                }
                return ws || refuse(b == '\n' ? "bare LF" : "whitespace not followed by ';' in chunk line");
            case BWS_BEFORE_VALUE:
                if (b == '"') {
                    state = EXT_QUOTED;
                    return true;
                }
                if (Ascii.isTchar(b)) {
                    state = EXT_TOKEN;
                    return true;
                }
                return ws || refuse(b == '\n' ? "bare LF" : "invalid chunk extension value");
            case EXT_TOKEN:
                return Ascii.isTchar(b) || afterElement(b, ws, "invalid chunk extension value");
            case EXT_QUOTED:
                // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text (RFC 9110 §5.6.4)
                if (b == '"') {
                    state = EXT_AFTER_QUOTED;
                } else if (b == '\\') {
                    state = EXT_QUOTED_PAIR;
                } else if (!ws && !Ascii.isFieldVchar(b)) {
                    return refuse(b == '\n' ? "bare LF" : "invalid character in quoted string");
                }
                return true;
            case EXT_QUOTED_PAIR:
                state = EXT_QUOTED;
                return ws || Ascii.isFieldVchar(b) || refuse("invalid character in quoted string");
            case EXT_AFTER_QUOTED:
                return afterElement(b, ws, "invalid chunk extension value");
            default: // LINE_LF
                if (b != '\n') {
                    return refuse("bare CR");
                }
                payloadBytes += size;
                remaining = size;
                state = DATA_BYTES;
                lineLength = 0;
                return true;
        }
    }

    /** After a size, an extension name or value: BWS, {@code ;}, or the line's CR. */
    private boolean afterElement(byte b, boolean ws, String invalid) {
        if (ws) {
            state = BWS_BEFORE_SEMI;
        } else if (b == ';') {
            state = BWS_BEFORE_NAME;
        } else if (b == '\r') {
            state = LINE_LF;
        } else {
            return refuse(b == '\n' ? "bare LF" : invalid);
        }
        return true;
    }

    /** One byte of the CRLF after chunk data. */
    private boolean afterData(byte b) {
        if (state == DATA_CR) {
            state = DATA_LF;
            return b == '\r' || refuse("chunk data not followed by CRLF");
        }
        if (b != '\n') {
            return refuse("chunk data not followed by CRLF");
        }
        state = SIZE_FIRST;
        size = 0;
        digits = 0;
        return true;
    }

    private boolean refuse(String reason) {
        error = reason;
        return false;
    }

    private int fail(int at, String reason) {
        state = FAILED;
        error = reason;
        position = at;
        return INVALID;
    }

    private static int hex(byte b) {
        int lower = Ascii.lower(b);
        return b >= '0' && b <= '9' ? b - '0' : lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }
}
