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
        int mark = block.position();
        this.headRequest = headRequest;
        contentLength = -1;
        chunked = false;
        // "HTTP/1.1 200 OK\r\n": the three digits after the first space
        int space = indexOf(head, from, to, (byte) ' ');
        if (space < 0 || space + 4 > to || !digits(head, space + 1, 3)) {
            return false;
        }
        status = (head.get(space + 1) - '0') * 100 + (head.get(space + 2) - '0') * 10 + head.get(space + 3) - '0';
        encoder.startBlock(block);
        if (!field(encoder, block, STATUS, STATUS.length, head, space + 1, 3, false)) {
            return abandon(encoder, block, mark);
        }
        int line = indexOf(head, space, to, (byte) '\n') + 1;
        return line > 0 && fields(head, line, to, true, encoder, block) >= 0 || abandon(encoder, block, mark);
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

    /** The index just past the blank line of the head that starts at {@code from} in {@code in[from, to)}, or -1. */
    public static int headEnd(ByteBuffer in, int from, int to) {
        for (int i = from + 3; i < to; i++) {
            if (in.get(i) == '\n' && in.get(i - 1) == '\r' && in.get(i - 2) == '\n' && in.get(i - 3) == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    private static boolean digits(ByteBuffer b, int from, int count) {
        for (int i = from; i < from + count; i++) {
            if (b.get(i) < '0' || b.get(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
