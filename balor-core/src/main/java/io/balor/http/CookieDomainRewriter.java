package io.balor.http;

import io.balor.buffer.Ascii;

import java.nio.ByteBuffer;

/**
 * Rewrites the {@code Domain} attribute of upstream {@code Set-Cookie} fields (RFC 6265 §5.2.3)
 * to the host the client addressed, so a session cookie an upstream scopes to its own name
 * (say {@code Domain=10.0.0.2} or {@code Domain=app.internal}) still comes back through Balor.
 * Cookies without a {@code Domain} are host-only already and pass unchanged.
 *
 * <p>One per session, given the current request's host with {@link #host} (copied, since the
 * request's bytes may be gone by the time the response comes); used on the session's loop
 * thread; allocates nothing.
 */
public final class CookieDomainRewriter {

    /** Longest host copied; DNS names stop at 253 characters. */
    private static final int MAX_HOST = 255;

    private final byte[] host = new byte[MAX_HOST];
    private final ByteBuffer hostView = ByteBuffer.wrap(host);
    private int hostLength;
    /** Whether the host copied last has been checked ({@link #active()} does it once, when a cookie needs it). */
    private boolean checked;

    /**
     * The client-facing host for the next responses: {@code buffer[start, end)} is the request's
     * host name as its head found it ({@link HttpHead#hostStart()}: no port, no trailing dot). Rewriting is off for the responses
     * to come when the buffer is null, the value is not one the parser accepts
     * ({@link HostField#valid}), or its host is over 255 bytes or is not a DNS name or IP literal
     * ({@link HostField#dnsNameOrIpLiteral}): then an upstream's {@code Set-Cookie} passes
     * as the upstream wrote it, and no byte of the client's ever reaches a cookie attribute (the
     * parser refuses such Hosts already; this is the second line). The host is copied here and
     * checked only when a response has a cookie to rewrite: most have none.
     */
    public void host(ByteBuffer buffer, int start, int end) {
        hostLength = 0;
        checked = true;
        if (buffer == null || end - start > MAX_HOST || end <= start) {
            return;
        }
        buffer.get(start, host, 0, end - start);
        hostLength = end - start;
        checked = false;
    }

    /** Whether there is a host to rewrite to. */
    public boolean active() {
        if (!checked) {
            checked = true;
            if (!HostField.valid(hostView, 0, hostLength) || !HostField.dnsNameOrIpLiteral(hostView, 0, hostLength)) {
                hostLength = 0;
            }
        }
        return hostLength > 0;
    }

    /** Writes the field {@code name: value} with its Domain attribute rewritten, CRLF included. */
    public void write(ByteBuffer in, int nameStart, int nameEnd, int valueStart, int valueEnd, ByteBuffer out) {
        HeadWriter.copy(in, nameStart, nameEnd, out);
        out.put((byte) ':').put((byte) ' ');
        int attribute = valueStart;
        while (attribute < valueEnd && in.get(attribute) != ';') {
            attribute++;
        }
        HeadWriter.copy(in, valueStart, attribute, out);   // name=value
        while (attribute < valueEnd) {
            int next = attribute + 1;
            while (next < valueEnd && in.get(next) != ';') {
                next++;
            }
            int text = attribute + 1;
            while (text < next && (in.get(text) == ' ' || in.get(text) == '\t')) {
                text++;
            }
            if (active() && next - text >= 7 && Ascii.equalsIgnoreCase(in, text, text + 7, "domain=")) {
                HeadWriter.copy(in, attribute, text + 7, out);
                out.put(host, 0, hostLength);
            } else {
                HeadWriter.copy(in, attribute, next, out);
            }
            attribute = next;
        }
        out.put((byte) '\r').put((byte) '\n');
    }
}
