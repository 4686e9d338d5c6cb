package io.balor.http2;

import java.nio.ByteBuffer;

/**
 * What turning an HTTP/1.1 head Balor wrote into an HTTP/2 header block takes on either side
 * ({@link ResponseBlock} for a client, {@link RequestBlock} for an upstream): walking the field
 * lines, lower-casing each name (RFC 9113 §8.2.1), leaving out what the subclass refuses, and
 * encoding the rest; a block that fails is taken back whole. Owned by one loop thread, with its
 * scratch for a name and a value; allocation-free.
 */
abstract class HeadBlock {

    /** The lower-cased name of the field line being read, {@code [0, length)}. */
    final byte[] name = new byte[256];
    private final byte[] value;

    /** @param maxValue the longest value, and field section, it copies */
    HeadBlock(int maxValue) {
        value = new byte[maxValue];
    }

    /** Whether the field line just read ({@link #name}, value {@code text[valueFrom, valueTo)}) goes into the block. */
    abstract boolean keep(int nameLength, byte[] text, int valueFrom, int valueTo);

    /**
     * Encodes the field lines of {@code in[line, to)}: up to the blank line ({@code blankLine}: a
     * head, which must have it before {@code to}) or to {@code to} (a trailer section without its
     * blank line). Each name is lower-cased, each value loses its outer whitespace, and what
     * {@link #keep} refuses is left out. The lines are copied once into an array and read there
     * (octet by octet from a direct buffer costs more than the copy). Returns the fields encoded,
     * or -1 when a line is not a field line, a name or value is too long for the scratch, or the
     * block has no room (the caller takes the block back).
     */
    final int fields(ByteBuffer in, int line, int to, boolean blankLine, HpackEncoder encoder, ByteBuffer block) {
        int length = to - line;
        if (length < 0 || length > value.length) {
            return -1;
        }
        in.get(line, value, 0, length);
        return fields(0, length, blankLine, encoder, block);
    }

    /** As {@link #fields(ByteBuffer, int, int, boolean, HpackEncoder, ByteBuffer)}, on the lines already in {@link #text()}{@code [at, length)}. */
    final int fields(int at, int length, boolean blankLine, HpackEncoder encoder, ByteBuffer block) {
        byte[] text = value;
        int count = 0;
        while (at < length) {
            int end = indexOf(text, at, length, (byte) '\n');
            if (end < 0) {
                return -1;
            }
            int lineEnd = end > at && text[end - 1] == '\r' ? end - 1 : end;
            if (lineEnd == at) {
                return blankLine ? count : -1;
            }
            int colon = indexOf(text, at, lineEnd, (byte) ':');
            if (colon < 0) {
                return -1;
            }
            int valueStart = colon + 1;
            while (valueStart < lineEnd && isBlank(text[valueStart])) {
                valueStart++;
            }
            int valueEnd = lineEnd;
            while (valueEnd > valueStart && isBlank(text[valueEnd - 1])) {
                valueEnd--;
            }
            int encoded = encodeField(text, at, colon - at, valueStart, valueEnd, encoder, block);
            if (encoded < 0) {
                return -1;
            }
            count += encoded;
            at = end + 1;
        }
        return blankLine ? -1 : count;   // a head must end with its blank line
    }

    /**
     * The field named {@code text[nameFrom, +nameLength)} (lower-cased into {@link #name}) with the
     * value {@code text[valueFrom, valueTo)}, encoded unless {@link #keep} leaves it out: 1 when
     * encoded, 0 when left out, -1 when the name is too long or the block has no room.
     */
    final int encodeField(byte[] text, int nameFrom, int nameLength, int valueFrom, int valueTo, HpackEncoder encoder,
                    ByteBuffer block) {
        if (nameLength > name.length) {
            return -1;
        }
        for (int i = 0; i < nameLength; i++) {
            byte c = text[nameFrom + i];
            name[i] = c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
        }
        if (!keep(nameLength, text, valueFrom, valueTo)) {
            return 0;
        }
        if (block.remaining() < HpackEncoder.maxFieldLength(nameLength, valueTo - valueFrom)) {
            return -1;
        }
        encoder.field(name, 0, nameLength, text, valueFrom, valueTo - valueFrom, is(nameLength, "set-cookie"), block);
        return 1;
    }

    /** The scratch the field lines are read from (a subclass may load a head into it itself). */
    final byte[] text() {
        return value;
    }

    static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\t';
    }

    /** Encodes one field whose value is {@code in[valueFrom, +valueLength)}; false if it is too long or has no room. */
    final boolean field(HpackEncoder encoder, ByteBuffer block, byte[] fieldName, int nameLength, ByteBuffer in,
                        int valueFrom, int valueLength, boolean sensitive) {
        if (valueLength > value.length || block.remaining() < HpackEncoder.maxFieldLength(nameLength, valueLength)) {
            return false;
        }
        in.get(valueFrom, value, 0, valueLength);
        encoder.field(fieldName, 0, nameLength, value, 0, valueLength, sensitive, block);
        return true;
    }

    /** Encodes one field whose value is {@code constant}; false if it has no room. */
    static boolean field(HpackEncoder encoder, ByteBuffer block, byte[] fieldName, byte[] constant) {
        if (block.remaining() < HpackEncoder.maxFieldLength(fieldName.length, constant.length)) {
            return false;
        }
        encoder.field(fieldName, 0, fieldName.length, constant, 0, constant.length, false, block);
        return true;
    }

    static boolean abandon(HpackEncoder encoder, ByteBuffer block, int mark) {
        encoder.abandonBlock();
        block.position(mark);
        return false;
    }

    /** Whether {@link #name}{@code [0, length)} is {@code lowerCase}. */
    final boolean is(int length, String lowerCase) {
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

    /** Whether a field so named is HTTP/1.1's own, forbidden in HTTP/2 (§8.2.2). */
    final boolean connectionSpecific(int length) {
        return switch (length) {   // by length first: most fields are none of these
            case 7 -> is(length, "upgrade");
            case 10 -> is(length, "connection") || is(length, "keep-alive");
            case 16 -> is(length, "proxy-connection");
            case 17 -> is(length, "transfer-encoding");
            default -> false;
        };
    }

    static int indexOf(ByteBuffer b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b.get(i) == c) {
                return i;
            }
        }
        return -1;
    }
}
