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
public final class ResponseBlock {

    private final byte[] name = new byte[256];
    private final byte[] value;

    /** @param maxValue the longest field value it copies (a longer one is refused: false) */
    public ResponseBlock(int maxValue) {
        value = new byte[maxValue];
    }

    /**
     * Encodes the head in {@code head[from, to)} (the status line to the blank line) into
     * {@code block} with {@code encoder}. False when the head is not one Balor writes (no status
     * line, a line without a colon), a name or value is too long for the scratch, or the block
     * has no room: nothing is to be sent then.
     */
    public boolean encode(ByteBuffer head, int from, int to, HpackEncoder encoder, ByteBuffer block) {
        int mark = block.position();
        // "HTTP/1.1 200 OK\r\n": the three digits after the first space
        int space = indexOf(head, from, to, (byte) ' ');
        if (space < 0 || space + 4 > to || !digits(head, space + 1, 3)) {
            return false;
        }
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
    public int encodeTrailers(ByteBuffer trailers, int from, int to, HpackEncoder encoder, ByteBuffer block) {
        int mark = block.position();
        encoder.startBlock(block);
        int count = fields(trailers, from, to, false, encoder, block);
        if (count <= 0) {
            abandon(encoder, block, mark);
        }
        return count;
    }

    /**
     * Encodes the field lines from {@code line} on: up to the blank line ({@code blankLine}, which
     * must come before {@code to}) or to {@code to}. The fields encoded, or -1.
     */
    private int fields(ByteBuffer in, int line, int to, boolean blankLine, HpackEncoder encoder, ByteBuffer block) {
        int count = 0;
        while (line < to) {
            int end = indexOf(in, line, to, (byte) '\n');
            if (end < 0) {
                return -1;
            }
            int lineEnd = end > line && in.get(end - 1) == '\r' ? end - 1 : end;
            if (lineEnd == line) {
                return blankLine ? count : -1;
            }
            int colon = indexOf(in, line, lineEnd, (byte) ':');
            int nameLength = colon - line;
            if (colon < 0 || nameLength > name.length) {
                return -1;
            }
            for (int i = 0; i < nameLength; i++) {
                byte c = in.get(line + i);
                name[i] = c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
            }
            int valueStart = colon + 1;
            while (valueStart < lineEnd && isBlank(in.get(valueStart))) {
                valueStart++;
            }
            int valueEnd = lineEnd;
            while (valueEnd > valueStart && isBlank(in.get(valueEnd - 1))) {
                valueEnd--;
            }
            boolean leftOut = connectionSpecific(nameLength) || !blankLine && is(nameLength, "te");
            if (!leftOut) {
                if (!field(encoder, block, name, nameLength, in, valueStart, valueEnd - valueStart,
                        is(nameLength, "set-cookie"))) {
                    return -1;
                }
                count++;
            }
            line = end + 1;
        }
        return blankLine ? -1 : count;   // a head must end with its blank line
    }

    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\t';
    }

    private static boolean abandon(HpackEncoder encoder, ByteBuffer block, int mark) {
        encoder.abandonBlock();
        block.position(mark);
        return false;
    }

    private static final byte[] STATUS = {':', 's', 't', 'a', 't', 'u', 's'};

    private boolean field(HpackEncoder encoder, ByteBuffer block, byte[] fieldName, int nameLength, ByteBuffer head,
            int valueFrom, int valueLength, boolean sensitive) {
        if (valueLength > value.length
                || block.remaining() < HpackEncoder.maxFieldLength(nameLength, valueLength)) {
            return false;
        }
        head.get(valueFrom, value, 0, valueLength);
        encoder.field(fieldName, 0, nameLength, value, 0, valueLength, sensitive, block);
        return true;
    }

    private boolean connectionSpecific(int length) {
        return is(length, "connection") || is(length, "keep-alive") || is(length, "proxy-connection")
                || is(length, "transfer-encoding") || is(length, "upgrade");
    }

    private boolean is(int length, String lowerCase) {
        if (length != lowerCase.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (name[i] != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean digits(ByteBuffer b, int from, int count) {
        for (int i = from; i < from + count; i++) {
            if (b.get(i) < '0' || b.get(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(ByteBuffer b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b.get(i) == c) {
                return i;
            }
        }
        return -1;
    }
}
