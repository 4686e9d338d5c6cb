package io.balor.http2;

import java.nio.ByteBuffer;

/**
 * Turns the HTTP/1.1 response head Balor writes for a client (a status line and field lines,
 * CRLF, as {@code io.balor.http.HeadWriter} regenerates them with the hop-by-hop fields already
 * gone) into an HTTP/2 header block: {@code :status}, then each field with its name in lower
 * case (RFC 9113 §8.2.1). The fields HTTP/1.1 needs and HTTP/2 forbids (§8.2.2) are left out:
 * {@code connection}, {@code keep-alive}, {@code proxy-connection}, {@code transfer-encoding},
 * {@code upgrade}. {@code set-cookie} is written never-indexed. The trailer section of a chunked
 * response becomes a trailing header block the same way ({@link #encodeTrailers}). Stateless;
 * any thread, with its own scratch for the lower-cased name.
 */
public final class ResponseBlock extends HeadBlock {

    private static final byte[] STATUS = {':', 's', 't', 'a', 't', 'u', 's'};
    /** {@link #encodeTrailers} is running: {@code te} is left out too. */
    private boolean trailers;
    /** The head being encoded answers a HEAD request (a {@code content-length: 0} then stays: it describes GET's). */
    private boolean headRequest;
    /** What the last head encoded said: its status and framing. */
    private int status;
    private long contentLength;
    private boolean chunked;
    /** Where the block {@link #begin} began: a field that fails takes it back to here. */
    private int mark;

    /** @param maxValue the longest field value it copies (a longer one is refused: false) */
    public ResponseBlock(int maxValue) {
        super(maxValue);
    }

    /**
     * Encodes the head in {@code head[from, to)} (the status line to the blank line) into
     * {@code block} with {@code encoder}. False when the head is not one Balor writes (no status
     * line, a line without a colon), a name or value is too long for the scratch, or the block
     * has no room: nothing is to be sent then.
     */
    public boolean encode(ByteBuffer head, int from, int to, HpackEncoder encoder, ByteBuffer block) {
        return encode(head, from, to, false, encoder, block);
    }

    /**
     * As {@link #encode(ByteBuffer, int, int, HpackEncoder, ByteBuffer)}, noting the head's status
     * and framing ({@link #status()}, {@link #contentLength()}, {@link #chunked()}) on the way, so
     * that the head Balor wrote is read once. A final head's {@code content-length: 0} is left out
     * unless it answers HEAD ({@code headRequest}): the block then ends the stream, which says as
     * much (a gRPC client took the field for one of a trailers-only response's trailers).
     */
    public boolean encode(ByteBuffer head, int from, int to, boolean headRequest, HpackEncoder encoder,
                          ByteBuffer block) {
        int length = to - from;
        if (length > text().length) {
            return false;
        }
        head.get(from, text(), 0, length);
        return encodeLoaded(length, headRequest, encoder, block);
    }

    /**
     * Finds the head that starts at {@code from} in {@code out[from, to)} (what Balor wrote for the
     * client: the head and perhaps body octets after it) and encodes it as {@link
     * #encode(ByteBuffer, int, int, boolean, HpackEncoder, ByteBuffer)} does, reading it once.
     * Returns the index just past its blank line, 0 when the head is not all there yet, or -1 when
     * it cannot be encoded (nothing is written then).
     */
    public int encodeHead(ByteBuffer out, int from, int to, boolean headRequest, HpackEncoder encoder, ByteBuffer block) {
        byte[] text = text();
        int length = Math.min(to - from, text.length);
        out.get(from, text, 0, length);
        int end = -1;
        for (int i = 3; i < length; i++) {
            if (text[i] == '\n' && text[i - 1] == '\r' && text[i - 2] == '\n' && text[i - 3] == '\r') {
                end = i + 1;
                break;
            }
        }
        if (end < 0) {
            return length == to - from ? 0 : -1;
        }
        return encodeLoaded(end, headRequest, encoder, block) ? from + end : -1;
    }

    /** Encodes the head loaded in {@link #text()}{@code [0, length)}. */
    private boolean encodeLoaded(int length, boolean headRequest, HpackEncoder encoder, ByteBuffer block) {
        byte[] text = text();
        // "HTTP/1.1 200 OK\r\n": the three digits after the first space
        int space = indexOf(text, 0, length, (byte) ' ');
        if (space < 0 || space + 4 > length || !digit(text[space + 1]) || !digit(text[space + 2]) || !digit(text[space + 3])) {
            return false;
        }
        int status = (text[space + 1] - '0') * 100 + (text[space + 2] - '0') * 10 + text[space + 3] - '0';
        if (!begin(status, headRequest, encoder, block)) {
            return false;
        }
        int line = indexOf(text, space, length, (byte) '\n') + 1;
        return line > 0 && fields(line, length, true, encoder, block) >= 0 || abandon(encoder, block, mark);
    }

    /**
     * Begins the block of a head Balor has parsed rather than written (the head's fields follow
     * through {@link #field} and {@link #lines}, what {@link #encode} would leave out is left out
     * the same way): {@code :status}. False when the block has no room (taken back then).
     */
    public boolean begin(int status, boolean headRequest, HpackEncoder encoder, ByteBuffer block) {
        this.headRequest = headRequest;
        this.status = status;
        contentLength = -1;
        chunked = false;
        mark = block.position();
        encoder.startBlock(block);
        if (block.remaining() < HpackEncoder.maxFieldLength(STATUS.length, 3)) {
            return abandon(encoder, block, mark);
        }
        byte[] digits = name;   // free until the first field
        digits[0] = (byte) ('0' + status / 100 % 10);
        digits[1] = (byte) ('0' + status / 10 % 10);
        digits[2] = (byte) ('0' + status % 10);
        encoder.field(STATUS, 0, STATUS.length, digits, 0, 3, false, block);
        return true;
    }

    /**
     * One field of the head begun with {@link #begin}: name {@code text[nameFrom, +nameLength)}
     * (any case: it is lower-cased), value {@code text[valueFrom, +valueLength)} (checked by
     * whoever parsed it). False, with the block taken back, when it is too long or has no room.
     */
    public boolean field(byte[] text, int nameFrom, int nameLength, int valueFrom, int valueLength,
                         HpackEncoder encoder, ByteBuffer block) {
        return encodeField(text, nameFrom, nameLength, valueFrom, valueFrom + valueLength, encoder, block) >= 0
                || abandon(encoder, block, mark);
    }

    /** Field lines ({@code in[from, to)}, each with its CRLF) of the head begun with {@link #begin}; false as {@link #field}. */
    public boolean lines(ByteBuffer in, int from, int to, HpackEncoder encoder, ByteBuffer block) {
        return fields(in, from, to, false, encoder, block) >= 0 || abandon(encoder, block, mark);
    }

    /** Takes back the block begun with {@link #begin}: nothing of it is to be sent. Returns false. */
    public boolean takeBack(HpackEncoder encoder, ByteBuffer block) {
        return abandon(encoder, block, mark);
    }

    /** The head begun with {@link #begin} says its body is chunked (HTTP/1.1's framing, gone from HTTP/2's block). */
    public void chunkedBody() {
        chunked = true;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    /**
     * Encodes the trailer fields in {@code trailers[from, to)} (field lines, each with its CRLF, as
     * a chunked body's trailer section has them, the final blank line not included) into
     * {@code block} as the header block of a trailing HEADERS frame: each field with its name in
     * lower case and its value without outer whitespace, the connection-specific fields (and
     * {@code te}) left out. Returns the number of fields encoded (0: nothing is written, the
     * stream can end with an empty DATA frame instead), or -1 when a line is not a field line, a
     * name or value is too long for the scratch or the block has no room: nothing is written then.
     */
    public int encodeTrailers(ByteBuffer trailersIn, int from, int to, HpackEncoder encoder, ByteBuffer block) {
        int mark = block.position();
        encoder.startBlock(block);
        trailers = true;
        int count = fields(trailersIn, from, to, false, encoder, block);
        trailers = false;
        if (count <= 0) {
            abandon(encoder, block, mark);
        }
        return count;
    }


    @Override
    boolean keep(int nameLength, byte[] text, int valueFrom, int valueTo) {
        if (trailers) {
            return !connectionSpecific(nameLength) && !is(nameLength, "te");
        }
        if (is(nameLength, "content-length")) {
            long n = 0;
            for (int i = valueFrom; i < valueTo; i++) {
                n = n * 10 + (text[i] - '0');   // HeadWriter's own digits
            }
            contentLength = n;
            return n != 0 || headRequest || status < 200;
        }
        if (is(nameLength, "transfer-encoding")) {
            chunked = true;   // HeadWriter's only coding
        }
        return !connectionSpecific(nameLength);
    }

    /** The last head's status. */
    public int status() {
        return status;
    }

    /** The last head's {@code content-length}, or -1. */
    public long contentLength() {
        return contentLength;
    }

    /** Whether the last head's body is chunked. */
    public boolean chunked() {
        return chunked;
    }
}
