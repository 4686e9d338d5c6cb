package io.balor.http2;

import io.balor.http.StatusLine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Turns the header blocks of an HTTP/2 upstream's response into the HTTP/1.1 bytes the rest of
 * Balor reads from any upstream: the head ({@code HTTP/1.1 status reason}, the fields as they
 * came, then the framing) and the trailers (field lines for the chunked body's trailer section).
 * Both are checked as RFC 9113 §8.2 and §8.3.2 ask, so a malformed response never reaches a
 * client. One per upstream stream, owned by its loop thread; reused, allocation-free.
 *
 * <h2>Framing</h2>
 * HTTP/2 frames the body itself. A final head whose stream goes on gets {@code content-length}
 * as the upstream sent it, else {@code transfer-encoding: chunked} (the body's DATA then become
 * chunks, the trailers its trailer section); a head that ends the stream gets
 * {@code content-length: 0} when it has none (a gRPC trailers-only response keeps its fields in
 * the head); a response to HEAD, a 204 and a 304 get no framing added. Interim (1xx) heads are
 * written as they are; a 101 is malformed (§8.6).
 *
 * <h2>What it refuses</h2>
 * No {@code :status}, one that is not three digits from 100 to 599, twice, after a regular
 * field, or any other pseudo-header; a name or value §8.2 forbids ({@link FieldChecks}); the
 * connection-specific fields; two different {@code content-length}s; pseudo-headers in
 * trailers. Trailers lose the fields a trailer section may not carry (RFC 9110 §6.5.1:
 * framing, routing and connection fields), which Balor's chunked decoder would refuse.
 */
public final class ResponseHead implements HpackDecoder.FieldSink {

    private static final byte[] CHUNKED = "transfer-encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY = "content-length: 0\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ByteBuffer head;
    private final ByteBuffer trailers;
    private boolean readingTrailers;
    private int status;
    private boolean regularSeen;
    private long contentLength;
    private String problem;

    /** @param maxHead the largest head (and trailer section) it writes */
    public ResponseHead(int maxHead) {
        head = ByteBuffer.allocate(maxHead);
        trailers = ByteBuffer.allocate(maxHead);
    }

    /** A new response: both buffers empty. */
    public void reset() {
        head.clear();
        trailers.clear();
        beginHead();
    }

    /** A head block (the final one, or an interim 1xx) begins; its bytes follow any not yet taken. */
    public void beginHead() {
        readingTrailers = false;
        status = 0;
        regularSeen = false;
        contentLength = -1;
        problem = null;
    }

    /** The trailers block begins. */
    public void beginTrailers() {
        readingTrailers = true;
        problem = null;
    }

    /** Why the last block is malformed, or null. */
    public String problem() {
        return problem;
    }

    /** The last head's status (0 before one). */
    public int status() {
        return status;
    }

    /** The last head's {@code content-length}, or -1. */
    public long contentLength() {
        return contentLength;
    }

    /** The bytes of the heads written (read mode is the caller's: it takes from position 0). */
    public ByteBuffer head() {
        return head;
    }

    /** The trailer field lines written. */
    public ByteBuffer trailers() {
        return trailers;
    }

    @Override
    public void field(byte[] b, int nameFrom, int nameLength, int valueFrom, int valueLength, boolean sensitive) {
        if (problem != null) {
            return;
        }
        String wrong = FieldChecks.value(b, valueFrom, valueLength);
        if (wrong != null) {
            malformed(wrong);
            return;
        }
        if (nameLength > 0 && b[nameFrom] == ':') {
            pseudo(b, nameFrom, nameLength, valueFrom, valueLength);
            return;
        }
        wrong = FieldChecks.name(b, nameFrom, nameLength);
        if (wrong != null) {
            malformed(wrong);
            return;
        }
        wrong = FieldChecks.connectionSpecific(b, nameFrom, nameLength, valueFrom, valueLength);
        if (wrong != null) {
            malformed(wrong);
            return;
        }
        if (readingTrailers) {
            if (!notTrailer(b, nameFrom, nameLength)) {
                line(trailers, b, nameFrom, nameLength, valueFrom, valueLength);
            }
            return;
        }
        if (status == 0) {
            malformed("no :status before the fields");
            return;
        }
        regularSeen = true;
        if (FieldChecks.is(b, nameFrom, nameLength, "content-length")) {
            long length = FieldChecks.digits(b, valueFrom, valueLength);
            if (length < 0 || contentLength >= 0 && contentLength != length) {
                malformed("an invalid content-length");
                return;
            }
            if (contentLength >= 0) {
                return;   // the same value again: written once
            }
            contentLength = length;
        }
        line(head, b, nameFrom, nameLength, valueFrom, valueLength);
    }

    /**
     * Ends the head block: its framing ({@code endStream}: no body follows; {@code headRequest}:
     * none may) and the blank line. False when it is malformed ({@link #problem()}), a final head
     * that ends the stream while its {@code content-length} announces a body included (§8.1.1).
     */
    public boolean finishHead(boolean endStream, boolean headRequest) {
        if (problem == null && status == 0) {
            malformed("no :status");
        }
        if (endStream && contentLength > 0 && status >= 200 && !headRequest && status != 304) {
            malformed("a content-length with no DATA to come");   // §8.1.1: the client would see the body cut
        }
        if (problem != null) {
            return false;
        }
        if (status >= 200 && !headRequest && status != 204 && status != 304 && contentLength < 0) {
            put(head, endStream ? EMPTY : CHUNKED, 0, (endStream ? EMPTY : CHUNKED).length);
        }
        put(head, CRLF, 0, 2);
        return problem == null;
    }

    /** Whether the last head is interim (1xx): another head follows. */
    public boolean interim() {
        return status < 200;
    }

    /** Whether the body of the final head is chunked (no content-length, a body to come). */
    public boolean chunked(boolean headRequest) {
        return !headRequest && status != 204 && status != 304 && contentLength < 0;
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private void pseudo(byte[] b, int nameFrom, int nameLength, int valueFrom, int valueLength) {
        if (readingTrailers) {
            malformed("a pseudo-header in trailers");
            return;
        }
        if (regularSeen || status != 0 || !FieldChecks.is(b, nameFrom, nameLength, ":status")) {
            malformed(regularSeen ? "a pseudo-header after a regular field" : status != 0 ? ":status twice"
                    : "a pseudo-header other than :status");
            return;
        }
        long code = valueLength == 3 ? FieldChecks.digits(b, valueFrom, valueLength) : -1;
        if (code < 100 || code > 599 || code == 101) {
            malformed(code == 101 ? "a 101 over HTTP/2" : "a :status that is not 100 to 599");
            return;
        }
        status = (int) code;
        if (head.remaining() < StatusLine.length(status)) {
            malformed("a head over " + head.capacity() + " octets");
            return;
        }
        StatusLine.write(head, status);
    }

    /** Fields a trailer section may not carry (RFC 9110 §6.5.1), dropped. */
    private static boolean notTrailer(byte[] b, int from, int length) {
        return FieldChecks.is(b, from, length, "content-length") || FieldChecks.is(b, from, length, "host")
                || FieldChecks.is(b, from, length, "te") || FieldChecks.is(b, from, length, "trailer")
                || FieldChecks.is(b, from, length, "content-encoding") || FieldChecks.is(b, from, length, "content-type")
                || FieldChecks.is(b, from, length, "content-range");
    }

    private void line(ByteBuffer to, byte[] b, int nameFrom, int nameLength, int valueFrom, int valueLength) {
        if (to.remaining() < nameLength + valueLength + 4) {
            malformed("a head over " + to.capacity() + " octets");
            return;
        }
        to.put(b, nameFrom, nameLength).put((byte) ':').put((byte) ' ').put(b, valueFrom, valueLength)
                .put((byte) '\r').put((byte) '\n');
    }

    private void put(ByteBuffer to, byte[] b, int from, int length) {
        if (to.remaining() < length) {
            malformed("a head over " + to.capacity() + " octets");
            return;
        }
        to.put(b, from, length);
    }

    private void malformed(String why) {
        if (problem == null) {
            problem = why;
        }
    }
}
