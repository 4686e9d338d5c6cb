package io.balor.http2;

import static io.balor.http2.FieldChecks.is;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns the fields of an HTTP/2 request's header block into an HTTP/1.1 request head, checking
 * them as RFC 9113 §8.2 and §8.3 ask, so that the rest of Balor (its strict HTTP/1.1 parser,
 * routing and forwarding) handles an HTTP/2 request as the same request sent over HTTP/1.1.
 * One per stream being read, owned by the connection's loop thread; reused, allocation-free.
 *
 * <h2>What it writes</h2>
 * {@code METHOD path HTTP/1.1}, then the regular fields as they came, lower case as HTTP/2 has
 * them, then {@code host: authority} (from {@code :authority}, or the {@code host} field when
 * there is none), several {@code cookie} fields joined into one with "; " (§8.2.3), then
 * {@code transfer-encoding: chunked} when a body is to follow with no {@code content-length}
 * (HTTP/1.1 needs the body framed; HTTP/2 frames it itself), and the blank line.
 *
 * <h2>What it refuses</h2>
 * A request is malformed (§8.1.1: the stream is reset with PROTOCOL_ERROR and the request never
 * forwarded) for: a pseudo-header after a regular field, unknown, a response's, or twice (§8.3);
 * no {@code :method}, or no {@code :scheme} or {@code :path} outside CONNECT, or an empty path,
 * or one that is not origin-form ({@code /...}) or {@code *} for OPTIONS (§8.3.1); no authority
 * at all, or a {@code host} that differs from {@code :authority}; a field name with upper case
 * or outside the token characters (§8.2, RFC 9110 §5.1); a value with NUL, CR or LF, or
 * starting or ending with a space or tab (§8.2.1); the connection-specific fields
 * {@code connection}, {@code keep-alive}, {@code proxy-connection}, {@code transfer-encoding},
 * {@code upgrade}, and a {@code te} other than {@code trailers} (§8.2.2). CONNECT is recognised
 * ({@link #connect()}) and left to the caller to refuse or serve.
 */
public final class RequestHead implements HpackDecoder.FieldSink {

    private static final byte[] HTTP11 = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HOST = "host: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COOKIE = "cookie: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "transfer-encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
    private final ByteBuffer head;
    private final byte[] method;
    private final byte[] path;
    private final byte[] authority;
    private final byte[] host;
    private final byte[] cookies;
    private int methodLength = -1;
    private int pathLength = -1;
    private int authorityLength = -1;
    private int hostLength = -1;
    private int cookiesLength;
    private boolean scheme;
    private boolean regularSeen;
    private boolean connect;
    private boolean grpc;
    private long grpcTimeout;
    private long contentLength;
    private String problem;

    /** @param maxHead the largest HTTP/1.1 head it may write (the fields' list size limit and a little) */
    public RequestHead(int maxHead) {
        head = ByteBuffer.allocate(maxHead);
        method = new byte[32];
        path = new byte[maxHead];
        authority = new byte[256];
        host = new byte[256];
        cookies = new byte[maxHead];
        reset();
    }

    /** Forgets the last request. */
    public void reset() {
        head.clear();
        methodLength = -1;
        pathLength = -1;
        authorityLength = -1;
        hostLength = -1;
        cookiesLength = 0;
        scheme = false;
        regularSeen = false;
        connect = false;
        grpc = false;
        grpcTimeout = -1;
        contentLength = -1;
        problem = null;
    }

    /** Why the request is malformed, or null. */
    public String problem() {
        return problem;
    }

    /** Whether it is a CONNECT request (§8.5). */
    public boolean connect() {
        return connect;
    }

    /** Whether its {@code content-type} names gRPC ({@link Grpc#isGrpc}). */
    public boolean grpc() {
        return grpc;
    }

    /** Its {@code grpc-timeout} in nanoseconds ({@link Grpc#timeoutNanos}), or -1 when it has none. */
    public long grpcTimeoutNanos() {
        return grpcTimeout;
    }

    /** The value of its {@code content-length}, or -1. */
    public long contentLength() {
        return contentLength;
    }

    @Override
    public void field(byte[] b, int nameFrom, int nameLength, int valueFrom, int valueLength, boolean sensitive) {
        if (problem != null) {
            return;
        }
        String invalid = FieldChecks.value(b, valueFrom, valueLength);
        if (invalid != null) {
            malformed(invalid);
            return;
        }
        if (nameLength > 0 && b[nameFrom] == ':') {
            pseudo(b, nameFrom, nameLength, valueFrom, valueLength);
            return;
        }
        invalid = FieldChecks.name(b, nameFrom, nameLength);
        if (invalid != null) {
            malformed(invalid);
            return;
        }
        if (!regularSeen && !startHead()) {
            return;
        }
        regularSeen = true;
        invalid = FieldChecks.connectionSpecific(b, nameFrom, nameLength, valueFrom, valueLength);
        if (invalid != null) {
            malformed(invalid);
            return;
        }
        if (is(b, nameFrom, nameLength, "host")) {
            hostLength = copy(b, valueFrom, valueLength, host, "host");
            return;   // written as the first field, from :authority or itself
        }
        if (is(b, nameFrom, nameLength, "cookie")) {
            if (cookiesLength > 0 && !append(cookies, cookiesLength, "; ")) {
                return;
            }
            int at = cookiesLength > 0 ? cookiesLength + 2 : 0;
            if (at + valueLength > cookies.length) {
                malformed("cookies too large");
                return;
            }
            System.arraycopy(b, valueFrom, cookies, at, valueLength);
            cookiesLength = at + valueLength;
            return;
        }
        if (is(b, nameFrom, nameLength, "content-type") && Grpc.isGrpc(b, valueFrom, valueLength)) {
            grpc = true;
        }
        if (is(b, nameFrom, nameLength, "grpc-timeout")) {
            grpcTimeout = Grpc.timeoutNanos(b, valueFrom, valueLength);
        }
        if (is(b, nameFrom, nameLength, "content-length")) {
            long length = digits(b, valueFrom, valueLength);
            if (length < 0 || contentLength >= 0 && contentLength != length) {
                malformed("an invalid content-length");
                return;
            }
            contentLength = length;
        }
        put(b, nameFrom, nameLength);
        put((byte) ':');
        put((byte) ' ');
        put(b, valueFrom, valueLength);
        put((byte) '\r');
        put((byte) '\n');
    }

    /**
     * Ends the head once the block's fields are all in; {@code bodyFollows}: the stream did not end
     * with it. Returns the head (position 0 to its end), or null when the request is malformed.
     */
    public ByteBuffer finish(boolean bodyFollows) {
        if (problem == null && !regularSeen) {
            startHead();
        }
        if (problem == null && (authorityLength >= 0 && hostLength >= 0
                && !Arrays.equals(authority, 0, authorityLength, host, 0, hostLength))) {
            malformed("host differs from :authority");
        }
        if (problem == null) {
            writeHost();
        }
        if (problem == null && cookiesLength > 0) {
            put(COOKIE, 0, COOKIE.length);
            put(cookies, 0, cookiesLength);
            put((byte) '\r');
            put((byte) '\n');
        }
        if (problem == null && bodyFollows && contentLength < 0) {
            put(CHUNKED, 0, CHUNKED.length);
        }
        put((byte) '\r');
        put((byte) '\n');
        if (problem != null) {
            return null;
        }
        return head.flip();
    }

    /** Whether the head needs the body sent chunked (no content-length and a body to come). */
    public boolean chunked(boolean bodyFollows) {
        return bodyFollows && contentLength < 0;
    }

    private void pseudo(byte[] b, int nameFrom, int nameLength, int valueFrom, int valueLength) {
        if (regularSeen) {
            malformed("a pseudo-header after a regular field");
        } else if (is(b, nameFrom, nameLength, ":method")) {
            if (methodLength >= 0) {
                malformed(":method twice");
                return;
            }
            methodLength = copy(b, valueFrom, valueLength, method, ":method");
            connect = is(b, valueFrom, valueLength, "CONNECT");
        } else if (is(b, nameFrom, nameLength, ":path")) {
            if (pathLength >= 0) {
                malformed(":path twice");
                return;
            }
            pathLength = copy(b, valueFrom, valueLength, path, ":path");
        } else if (is(b, nameFrom, nameLength, ":authority")) {
            if (authorityLength >= 0) {
                malformed(":authority twice");
                return;
            }
            authorityLength = copy(b, valueFrom, valueLength, authority, ":authority");
        } else if (is(b, nameFrom, nameLength, ":scheme")) {
            if (scheme) {
                malformed(":scheme twice");
            }
            scheme = true;
        } else {
            malformed("an unknown or response pseudo-header");
        }
    }

    /** All pseudo-headers are in: checks them and writes the request line; false when malformed. */
    private boolean startHead() {
        if (problem != null) {
            return false;
        }
        if (methodLength <= 0) {
            return malformed("no :method");
        }
        if (connect ? scheme || pathLength >= 0 || authorityLength <= 0 : !scheme || pathLength < 0) {
            return malformed(connect ? "CONNECT with :scheme or :path, or no :authority" : "no :scheme or no :path");
        }
        if (!connect && !(pathLength > 0 && path[0] == '/'
                || pathLength == 1 && path[0] == '*' && is(method, 0, methodLength, "OPTIONS"))) {
            return malformed("a :path that is not /... (or * for OPTIONS)");
        }
        put(method, 0, methodLength);
        put((byte) ' ');
        if (connect) {
            put(authority, 0, authorityLength);
        } else {
            put(path, 0, pathLength);
        }
        put(HTTP11, 0, HTTP11.length);
        return true;
    }

    /** Writes the host field once the fields are known: from :authority, else the host field. */
    private boolean writeHost() {
        byte[] from = authorityLength >= 0 ? authority : host;
        int length = authorityLength >= 0 ? authorityLength : hostLength;
        if (length <= 0) {
            return malformed("no :authority and no host");
        }
        put(HOST, 0, HOST.length);
        put(from, 0, length);
        put((byte) '\r');
        put((byte) '\n');
        return problem == null;
    }

    private int copy(byte[] b, int from, int length, byte[] to, String what) {
        if (length > to.length) {
            malformed(what + " too long");
            return -1;
        }
        System.arraycopy(b, from, to, 0, length);
        return length;
    }

    private boolean append(byte[] to, int at, String text) {
        if (at + text.length() > to.length) {
            return malformed("cookies too large");
        }
        for (int i = 0; i < text.length(); i++) {
            to[at + i] = (byte) text.charAt(i);
        }
        return true;
    }

    private static long digits(byte[] b, int from, int length) {
        return FieldChecks.digits(b, from, length);
    }

    private void put(byte c) {
        if (!head.hasRemaining()) {
            malformed("a head over " + head.capacity() + " octets");
            return;
        }
        head.put(c);
    }

    private void put(byte[] b, int from, int length) {
        if (head.remaining() < length) {
            malformed("a head over " + head.capacity() + " octets");
            return;
        }
        head.put(b, from, length);
    }

    private boolean malformed(String why) {
        if (problem == null) {
            problem = why;
        }
        return false;
    }
}
