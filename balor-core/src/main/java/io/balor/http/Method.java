package io.balor.http;

import io.balor.buffer.Ascii;

import java.nio.ByteBuffer;

/**
 * The request methods Balor knows by name (RFC 9110 §9, plus PATCH); any other token is
 * {@link #OTHER} and forwarded as written. Methods are case-sensitive.
 */
public enum Method {
    GET(true),
    HEAD(true),
    POST(false),
    PUT(true),
    DELETE(true),
    CONNECT(false),
    OPTIONS(true),
    TRACE(true),
    PATCH(false),
    OTHER(false);

    private final boolean idempotent;
    private final byte[] bytes;

    Method(boolean idempotent) {
        this.idempotent = idempotent;
        this.bytes = name().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Whether a request with this method may be re-sent (RFC 9110 §9.2.2). */
    public boolean idempotent() {
        return idempotent;
    }

    private static final Method[] KNOWN = {GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH};

    /** The method spelled by {@code buffer[start, end)} (a valid token), without allocating. */
    static Method of(ByteBuffer buffer, int start, int end) {
        int length = end - start;
        for (Method method : KNOWN) {
            byte[] name = method.bytes;
            if (name.length == length) {
                int i = 0;
                while (i < length && buffer.get(start + i) == name[i]) {
                    i++;
                }
                if (i == length) {
                    return method;
                }
            }
        }
        assert Ascii.isTchar(buffer.get(start));
        return OTHER;
    }
}
