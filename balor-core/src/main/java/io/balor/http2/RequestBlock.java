package io.balor.http2;

import java.nio.ByteBuffer;

/**
 * Turns the HTTP/1.1 request head Balor writes for an upstream (a request line and field lines,
 * CRLF, as {@code io.balor.http.HeadWriter} regenerates them) into an HTTP/2 request header
 * block for an upstream that speaks HTTP/2: {@code :method}, {@code :scheme}, {@code :authority}
 * (the {@code Host} field), {@code :path} (an absolute-form target's path, {@code /} if it has
 * none), then each field with its name in lower case (RFC 9113 §8.3.1, §8.2.1). What HTTP/1.1
 * needs and HTTP/2 forbids (§8.2.2) is left out: {@code connection}, {@code keep-alive},
 * {@code proxy-connection}, {@code transfer-encoding}, {@code upgrade}, {@code host} (it became
 * {@code :authority}), and a {@code te} other than {@code trailers}. It notes the framing the
 * head declared ({@link #contentLength()}, {@link #chunked()}) so the caller knows how the body
 * follows. One per upstream stream writer, owned by its loop thread; allocation-free.
 */
public final class RequestBlock extends HeadBlock {

    private static final byte[] METHOD = {':', 'm', 'e', 't', 'h', 'o', 'd'};
    private static final byte[] SCHEME = {':', 's', 'c', 'h', 'e', 'm', 'e'};
    private static final byte[] AUTHORITY = {':', 'a', 'u', 't', 'h', 'o', 'r', 'i', 't', 'y'};
    private static final byte[] PATH = {':', 'p', 'a', 't', 'h'};
    private static final byte[] ROOT = {'/'};

    private long contentLength;
    private boolean chunked;
    private boolean head;

    /** @param maxValue the longest field value (or target) it copies; a longer one is refused */
    public RequestBlock(int maxValue) {
        super(maxValue);
    }

    /** The head's {@code content-length}, or -1. */
    public long contentLength() {
        return contentLength;
    }

    /** Whether the head declared a chunked body. */
    public boolean chunked() {
        return chunked;
    }

    /** Whether the method is HEAD (the response has no body whatever it declares). */
    public boolean headMethod() {
        return head;
    }

    /**
     * Encodes the head in {@code in[from, to)} (the request line to the blank line) into
     * {@code block} with {@code encoder}, {@code scheme} as {@code :scheme}. False when it is not a
     * head Balor writes (no request line, no Host, a line without a colon) or the block has no
     * room: nothing is to be sent then.
     */
    public boolean encode(ByteBuffer in, int from, int to, byte[] scheme, HpackEncoder encoder, ByteBuffer block) {
        int mark = block.position();
        contentLength = -1;
        chunked = false;
        int lineEnd = indexOf(in, from, to, (byte) '\n');
        int methodEnd = indexOf(in, from, to, (byte) ' ');
        int targetEnd = methodEnd < 0 ? -1 : indexOf(in, methodEnd + 1, to, (byte) ' ');
        if (lineEnd < 0 || methodEnd < 0 || targetEnd < 0 || targetEnd > lineEnd) {
            return false;
        }
        head = methodEnd - from == 4 && in.get(from) == 'H' && in.get(from + 1) == 'E' && in.get(from + 2) == 'A';
        int host = findHost(in, lineEnd + 1, to);
        if (host < 0) {
            return false;
        }
        encoder.startBlock(block);
        int hostEnd = indexOf(in, host, to, (byte) '\r');
        if (!field(encoder, block, METHOD, METHOD.length, in, from, methodEnd - from, false)
                || !field(encoder, block, SCHEME, scheme)
                || !field(encoder, block, AUTHORITY, AUTHORITY.length, in, host, hostEnd - host, false)
                || !path(encoder, block, in, methodEnd + 1, targetEnd)) {
            return abandon(encoder, block, mark);
        }
        return fields(in, lineEnd + 1, to, true, encoder, block) >= 0 || abandon(encoder, block, mark);
    }

    /**
     * Encodes a chunked body's trailer section, {@code in[from, to)} (its field lines and the
     * blank line), into {@code block}: the trailing HEADERS of an HTTP/2 request. False when a
     * line is not a field line or the block has no room.
     */
    public boolean encodeTrailers(ByteBuffer in, int from, int to, HpackEncoder encoder, ByteBuffer block) {
        int mark = block.position();
        encoder.startBlock(block);
        return fields(in, from, to, true, encoder, block) >= 0 || abandon(encoder, block, mark);
    }

    /** Whether the field goes to the upstream; notes the framing fields on the way. */
    @Override
    boolean keep(int nameLength, byte[] text, int valueStart, int valueEnd) {
        if (is(nameLength, "content-length")) {
            long n = 0;
            for (int i = valueStart; i < valueEnd; i++) {
                n = n * 10 + (text[i] - '0');   // HeadWriter's own digits
            }
            contentLength = n;
            return true;
        }
        if (is(nameLength, "te")) {
            return valueEnd - valueStart == 8 && (text[valueStart] | 0x20) == 't';   // HeadWriter's only TE: trailers
        }
        if (is(nameLength, "transfer-encoding")) {
            chunked = true;   // HeadWriter writes only "chunked"
        }
        return !connectionSpecific(nameLength) && !is(nameLength, "host");
    }

    /** {@code :path}: an origin-form target or {@code *} as it is, an absolute-form one's path (or "/"). */
    private boolean path(HpackEncoder encoder, ByteBuffer block, ByteBuffer in, int from, int to) {
        byte first = in.get(from);
        if (first != '/' && first != '*') {
            int scheme = indexOf(in, from, to, (byte) ':');
            int authority = scheme < 0 ? from : scheme + 3;
            int slash = authority < to ? indexOf(in, authority, to, (byte) '/') : -1;
            if (slash < 0) {
                return field(encoder, block, PATH, ROOT);
            }
            from = slash;
        }
        return field(encoder, block, PATH, PATH.length, in, from, to - from, false);
    }

    /** Where the Host field's value starts in the field lines {@code in[from, to)}, or -1. */
    private static int findHost(ByteBuffer in, int from, int to) {
        int line = from;
        while (line + 5 < to) {
            if ((in.get(line) | 0x20) == 'h' && (in.get(line + 1) | 0x20) == 'o' && (in.get(line + 2) | 0x20) == 's'
                    && (in.get(line + 3) | 0x20) == 't' && in.get(line + 4) == ':') {
                int at = line + 5;
                while (at < to && in.get(at) == ' ') {
                    at++;
                }
                return at;
            }
            int end = indexOf(in, line, to, (byte) '\n');
            if (end < 0 || end == line + 1) {
                return -1;
            }
            line = end + 1;
        }
        return -1;
    }
}
