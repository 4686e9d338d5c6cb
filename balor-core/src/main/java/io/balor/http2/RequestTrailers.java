package io.balor.http2;

import static io.balor.http2.FieldChecks.is;

import java.nio.ByteBuffer;

/**
 * Turns an HTTP/2 request's trailers (the header block that ends its stream after the DATA, RFC
 * 9113 §8.1) into the end of the chunked body Balor sends on in HTTP/1.1: the last chunk, the
 * trailer section and the blank line, {@code 0\r\nname: value\r\n\r\n} (RFC 9112 §7.1.2). One per
 * stream being read, owned by the connection's loop thread; reused, allocation-free.
 *
 * <h2>What it refuses</h2>
 * Trailers are malformed (the stream is reset with PROTOCOL_ERROR, §8.1.1) for a pseudo-header
 * (§8.1: trailers carry none), and for what makes any field malformed in HTTP/2, checked as for
 * the request's head ({@link FieldChecks}): a name with upper case or outside the token
 * characters, a value with NUL, CR or LF or outer whitespace, a connection-specific field
 * ({@code connection}, {@code keep-alive}, {@code proxy-connection}, {@code transfer-encoding},
 * {@code upgrade}) and a {@code te} other than {@code trailers} (§8.2.2).
 *
 * <h2>What it drops</h2>
 * RFC 9110 §6.5.1: a trailer may not carry what must be known before the content, such as
 * framing and routing; Balor's own HTTP/1.1 decoder refuses such a field from an HTTP/1.1 client
 * ({@code io.balor.http.TrailerSection}), so that no upstream that merges trailers into the
 * head can be reframed or rerouted by one. Of the fields HTTP/2 lets through, these are left
 * out, silently, as a recipient may discard trailers it cannot carry: {@code content-length}
 * (framing), {@code host} (routing), {@code te} (hop-by-hop, and about the request's head),
 * and {@code trailer} (which announces trailers in a head, and means nothing among them). The
 * other fields go on as they came, in order, lower case.
 */
public final class RequestTrailers implements HpackDecoder.FieldSink {

    private static final byte[] LAST_CHUNK = {'0', '\r', '\n'};

    private final ByteBuffer section;
    private String problem;
    private boolean tooLarge;

    /** @param maxSection the most octets the trailer fields may take, their CRLFs and the final one included */
    public RequestTrailers(int maxSection) {
        section = ByteBuffer.allocate(LAST_CHUNK.length + maxSection);
        reset();
    }

    /** Forgets the last trailers: a new block begins. */
    public void reset() {
        section.clear().put(LAST_CHUNK);
        problem = null;
        tooLarge = false;
    }

    /** Why the trailers are malformed, or null. */
    public String problem() {
        return problem;
    }

    @Override
    public void field(byte[] b, int nameFrom, int nameLength, int valueFrom, int valueLength, boolean sensitive) {
        if (problem != null) {
            return;
        }
        if (nameLength > 0 && b[nameFrom] == ':') {
            problem = "a pseudo-header in trailers";
            return;
        }
        String invalid = FieldChecks.name(b, nameFrom, nameLength);
        if (invalid == null) {
            invalid = FieldChecks.value(b, valueFrom, valueLength);
        }
        if (invalid == null) {
            invalid = FieldChecks.connectionSpecific(b, nameFrom, nameLength, valueFrom, valueLength);
        }
        if (invalid != null) {
            problem = invalid;
            return;
        }
        if (is(b, nameFrom, nameLength, "content-length") || is(b, nameFrom, nameLength, "host")
                || is(b, nameFrom, nameLength, "te") || is(b, nameFrom, nameLength, "trailer")) {
            return;
        }
        if (section.remaining() < nameLength + 2 + valueLength + 2 + 2) {
            tooLarge = true;   // the final CRLF must fit too
            return;
        }
        section.put(b, nameFrom, nameLength).put((byte) ':').put((byte) ' ').put(b, valueFrom, valueLength)
                .put((byte) '\r').put((byte) '\n');
    }

    /** Whether some fields did not fit (the request gets 431 if it still can). */
    public boolean tooLarge() {
        return tooLarge;
    }

    /**
     * Ends the section once the block's fields are all in: the last chunk, the fields and the
     * final CRLF (position 0 to its end), or null when the trailers are malformed.
     */
    public ByteBuffer finish() {
        if (problem != null) {
            return null;
        }
        return section.put((byte) '\r').put((byte) '\n').flip();
    }
}
