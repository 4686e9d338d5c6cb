package io.balor.http;

import io.balor.buffer.Ascii;

import java.nio.ByteBuffer;

/**
 * A parsed request or response head, as offsets into the buffer that holds it: nothing is
 * copied into strings, so parsing a head allocates nothing. One instance per session side,
 * {@link #reset()} between messages. Owned by the session's loop thread; valid only while the
 * head's bytes stay where they were parsed.
 *
 * <p>Besides the fields it keeps what framing and forwarding need, decided once by the parser:
 * the body length (or chunked, or until close), the version, and the {@code Connection},
 * {@code Host}, {@code Expect}, {@code Upgrade} and {@code TE} facts.
 */
public final class HttpHead {

    /** No body length: the message has no body, is chunked, or (responses) runs until close. */
    public static final long NO_LENGTH = -1;

    ByteBuffer buffer;
    /**
     * The parser's copy of the head's octets: {@code text[i - textBase]} is {@code buffer.get(i)}
     * for every index of the head. Read from here, not the buffer (cheaper than a direct buffer
     * octet by octet); valid until its parser reads the next head.
     */
    byte[] text;
    int textBase;
    int headStart;
    int headEnd;
    // request line
    int methodStart;
    int methodEnd;
    Method method;
    int targetStart;
    int targetEnd;
    /** For an absolute-form target: the authority (host[:port]); else -1. */
    int authorityStart = -1;
    int authorityEnd = -1;
    /** A request's host name, normalised once by the parser (see {@link #hostStart()}). */
    int hostStart;
    int hostEnd;
    // status line
    int status;
    int reasonStart;
    int reasonEnd;
    /** 10 for HTTP/1.0, 11 for HTTP/1.1. */
    int version;
    // fields
    int fieldCount;
    // Field offsets: room for a typical head at first, grown (doubled, up to the field limit)
    // by the parser when a head has more, so an idle keep-alive session holds little.
    int[] nameStart;
    int[] nameEnd;
    int[] valueStart;
    int[] valueEnd;
    // facts
    long contentLength = NO_LENGTH;
    boolean chunked;
    int hostField = -1;
    int connectionField = -1;
    boolean connectionClose;
    boolean connectionKeepAlive;
    boolean connectionUpgrade;
    boolean expectContinue;
    boolean teTrailers;
    int upgradeField = -1;
    /** OPTIONS only: the index of its {@code Max-Forwards} field (checked as 1*DIGIT), or -1. */
    int maxForwardsField = -1;
    boolean maxForwardsZero;

    private static final int INITIAL_FIELDS = 16;

    public HttpHead(HttpLimits limits) {
        int room = Math.min(INITIAL_FIELDS, limits.maxFields());
        nameStart = new int[room];
        nameEnd = new int[room];
        valueStart = new int[room];
        valueEnd = new int[room];
    }

    /** Makes room for more fields (the parser calls it when the arrays are full, below the limit). */
    void grow(int maxFields) {
        int room = Math.min(maxFields, nameStart.length * 2);
        nameStart = java.util.Arrays.copyOf(nameStart, room);
        nameEnd = java.util.Arrays.copyOf(nameEnd, room);
        valueStart = java.util.Arrays.copyOf(valueStart, room);
        valueEnd = java.util.Arrays.copyOf(valueEnd, room);
    }

    /** Forgets the last message. */
    public void reset() {
        buffer = null;
        text = null;
        textBase = 0;
        headStart = 0;
        headEnd = 0;
        method = null;
        methodStart = methodEnd = targetStart = targetEnd = 0;
        authorityStart = authorityEnd = -1;
        hostStart = hostEnd = 0;
        status = 0;
        reasonStart = reasonEnd = 0;
        version = 0;
        fieldCount = 0;
        contentLength = NO_LENGTH;
        chunked = false;
        hostField = -1;
        connectionField = -1;
        connectionClose = connectionKeepAlive = connectionUpgrade = false;
        expectContinue = false;
        teTrailers = false;
        upgradeField = -1;
        maxForwardsField = -1;
        maxForwardsZero = false;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    /**
     * The head's octets as an array: index {@code i} of {@link #buffer()} (any offset this head
     * gives) is {@code text()[i - textBase()]}. Valid until its parser reads the next head.
     */
    public byte[] text() {
        return text;
    }

    public int textBase() {
        return textBase;
    }

    /** The octet at index {@code i} of {@link #buffer()}, read from {@link #text()}. */
    byte at(int i) {
        return text[i - textBase];
    }

    /** Index of the head's first byte. */
    public int headStart() {
        return headStart;
    }

    /** Index just past the blank line that ends the head: where the body starts. */
    public int headEnd() {
        return headEnd;
    }

    /** The request method, or null for a response. */
    public Method method() {
        return method;
    }

    public int targetStart() {
        return targetStart;
    }

    public int targetEnd() {
        return targetEnd;
    }

    /** Whether the target was in absolute form ({@code http://host/path}). */
    public boolean absoluteForm() {
        return authorityStart >= 0;
    }

    public int authorityStart() {
        return authorityStart;
    }

    public int authorityEnd() {
        return authorityEnd;
    }

    /**
     * Where a request's host name starts: from its absolute-form authority, else its
     * {@code Host} value, without surrounding whitespace, port or trailing dot (an IPv6 literal
     * keeps its brackets), as {@link HostField#range} finds it. Routing, the upstream TLS server
     * name and the cookie rewrite all read this one range. Empty ({@link #hostEnd()} equal) when
     * the request names no host.
     */
    public int hostStart() {
        return hostStart;
    }

    /** Where a request's host name ends (see {@link #hostStart()}). */
    public int hostEnd() {
        return hostEnd;
    }

    /** The response status, or 0 for a request. */
    public int status() {
        return status;
    }

    /** 10 for HTTP/1.0, 11 for HTTP/1.1. */
    public int version() {
        return version;
    }

    public int fieldCount() {
        return fieldCount;
    }

    public int nameStart(int field) {
        return nameStart[field];
    }

    public int nameEnd(int field) {
        return nameEnd[field];
    }

    public int valueStart(int field) {
        return valueStart[field];
    }

    public int valueEnd(int field) {
        return valueEnd[field];
    }

    /** Whether field {@code field}'s name is {@code lowerCaseName}, compared case-insensitively. */
    public boolean nameIs(int field, String lowerCaseName) {
        int from = nameStart[field];
        int length = nameEnd[field] - from;
        if (length != lowerCaseName.length()) {
            return false;
        }
        byte[] t = text;
        int at = from - textBase;
        for (int i = 0; i < length; i++) {
            if (Ascii.lower(t[at + i]) != lowerCaseName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The body length from {@code Content-Length}, or {@link #NO_LENGTH}. */
    public long contentLength() {
        return contentLength;
    }

    /** Whether the body is chunked ({@code Transfer-Encoding: chunked}). */
    public boolean chunked() {
        return chunked;
    }

    /** The index of the {@code Host} field, or -1. */
    public int hostField() {
        return hostField;
    }

    /** The index of the {@code Connection} field, or -1 (several are merged by the parser's checks). */
    public int connectionField() {
        return connectionField;
    }

    /** Whether the connection ends after this message (an explicit close, or HTTP/1.0 without keep-alive). */
    public boolean closeAfter() {
        return connectionClose || (version == 10 && !connectionKeepAlive);
    }

    public boolean connectionUpgrade() {
        return connectionUpgrade;
    }

    public boolean expectContinue() {
        return expectContinue;
    }

    /** Whether {@code TE} lists {@code trailers} (the only TE value forwarded). */
    public boolean teTrailers() {
        return teTrailers;
    }

    /** The index of the {@code Upgrade} field, or -1. */
    public int upgradeField() {
        return upgradeField;
    }

    /**
     * For an OPTIONS request, the index of its {@code Max-Forwards} field, or -1 (none, or another
     * method: Balor ignores the field there, as RFC 9110 §7.6.2 allows, and forwards it as it is).
     */
    public int maxForwardsField() {
        return maxForwardsField;
    }

    /** Whether this OPTIONS request says {@code Max-Forwards: 0}: its recipient must answer it. */
    public boolean maxForwardsZero() {
        return maxForwardsZero;
    }

    /** A field's value as a string: for tests and messages, never on the data path. */
    public String value(String lowerCaseName) {
        for (int i = 0; i < fieldCount; i++) {
            if (nameIs(i, lowerCaseName)) {
                return Ascii.string(buffer, valueStart[i], valueEnd[i]);
            }
        }
        return null;
    }

    /** The target as a string: for tests and messages, never on the data path. */
    public String target() {
        return Ascii.string(buffer, targetStart, targetEnd);
    }
}
