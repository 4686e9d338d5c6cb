package io.balor.http;

import io.balor.buffer.Ascii;

import java.nio.ByteBuffer;
import java.nio.BufferOverflowException;
import java.nio.charset.StandardCharsets;

/**
 * Writes the head Balor forwards, regenerated from a parsed {@link HttpHead}: the start line,
 * the end-to-end fields as they came (name and trimmed value), and the fields Balor owns —
 * framing ({@code Content-Length} or {@code Transfer-Encoding: chunked}, exactly one, or none),
 * {@code Host}, {@code X-Forwarded-*}, {@code TE: trailers}, {@code Connection}, and an OPTIONS
 * request's {@code Max-Forwards} (less one). CRLF only.
 *
 * <p>Dropped (RFC 9110 §7.6.1 hop-by-hop, and what Balor re-frames): {@code Connection} and every
 * field it names, {@code Keep-Alive}, {@code Proxy-Connection}, {@code TE}, {@code Trailer},
 * {@code Upgrade} (kept for a WebSocket upgrade), {@code Transfer-Encoding},
 * {@code Content-Length}; fields with an underscore in their name; and the incoming
 * {@code X-Forwarded-*} when the listener does not trust its clients.
 *
 * <p>{@code TE} is hop-by-hop, yet a request whose {@code TE} lists {@code trailers} (from an
 * HTTP/1.1 client, or the {@code te: trailers} HTTP/2 allows) goes on with {@code TE: trailers}
 * and that token only: it says the client takes trailers, and a gRPC server will not answer
 * without it (Balor carries trailers both ways). As RFC 9110 §10.1.4 asks of a sender of
 * {@code TE}, {@code Connection} then names {@code TE}.
 *
 * <p>Stateless apart from its scratch buffer; one per loop or session, used on its thread. The
 * methods return false when the head does not fit in {@code out} (the caller answers 431 or 502).
 */
public final class HeadWriter {

    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] HTTP11 = ascii("HTTP/1.1");
    private static final byte[] HOST = ascii("Host: ");
    private static final byte[] XFF = ascii("X-Forwarded-For: ");
    private static final byte[] XFP = ascii("X-Forwarded-Proto: ");
    private static final byte[] XFH = ascii("X-Forwarded-Host: ");
    private static final byte[] CONTENT_LENGTH = ascii("Content-Length: ");
    private static final byte[] CHUNKED = ascii("Transfer-Encoding: chunked\r\n");
    private static final byte[] TE_TRAILERS = ascii("TE: trailers\r\n");
    private static final byte[] CONNECTION_UPGRADE = ascii("Connection: Upgrade\r\n");
    private static final byte[] CONNECTION_TE = ascii("Connection: TE\r\n");
    private static final byte[] CONNECTION_UPGRADE_TE = ascii("Connection: Upgrade, TE\r\n");
    private static final byte[] CONNECTION_CLOSE = ascii("Connection: close\r\n");
    private static final byte[] CONNECTION_KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    private static final byte[] COLON_SP = ascii(": ");
    private static final byte[] SLASH = ascii("/");

    /** How the forwarded message is framed. */
    public enum Framing { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

    private final byte[] digits = new byte[20];

    /**
     * Writes a request head for the upstream.
     *
     * @param host            the Host value to send (a pool's own address), or null to send the
     *                        client's: an absolute-form target's authority if it had one (RFC 9112
     *                        §3.2.2: its Host field is then ignored), else its Host field.
     *                        {@code X-Forwarded-Host} carries the client's either way
     * @param clientIp        the client's address as ASCII, for {@code X-Forwarded-For}
     * @param proto           {@code http} or {@code https}, for {@code X-Forwarded-Proto}
     * @param trustForwarded  keep the client's {@code X-Forwarded-*} (and append to the list)
     * @param websocket       forward {@code Upgrade} and {@code Connection: Upgrade}
     */
    public boolean request(HttpHead head, ByteBuffer out, Framing framing, long length, byte[] host,
                           byte[] clientIp, byte[] proto, boolean trustForwarded, boolean websocket) {
        return request(head, out, framing, length, host, clientIp, clientIp.length, proto, trustForwarded, websocket);
    }

    /** As {@link #request(HttpHead, ByteBuffer, Framing, long, byte[], byte[], byte[], boolean, boolean)}, the client's address in {@code clientIp[0, clientIpLength)}. */
    public boolean request(HttpHead head, ByteBuffer out, Framing framing, long length, byte[] host,
                           byte[] clientIp, int clientIpLength, byte[] proto, boolean trustForwarded,
                           boolean websocket) {
        int mark = out.position();
        try {
            ByteBuffer in = head.buffer;
            copy(in, head.methodStart, head.methodEnd, out);
            out.put((byte) ' ');
            if (head.absoluteForm()) {
                if (head.authorityEnd == head.targetEnd) {
                    out.put(SLASH);
                } else {
                    if (in.get(head.authorityEnd) == '?') {
                        out.put(SLASH);
                    }
                    copy(in, head.authorityEnd, head.targetEnd, out);
                }
            } else {
                copy(in, head.targetStart, head.targetEnd, out);
            }
            out.put((byte) ' ').put(HTTP11).put(CRLF);

            out.put(HOST);
            if (host != null) {
                out.put(host);
            } else if (head.absoluteForm()) {
                copy(in, head.authorityStart, head.authorityEnd, out);
            } else if (head.hostField >= 0) {
                copy(in, head.valueStart[head.hostField], head.valueEnd[head.hostField], out);
            }
            out.put(CRLF);

            boolean sawProto = false;
            boolean sawHost = false;
            for (int i = 0; i < head.fieldCount; i++) {
                int kind = fieldKind(head, i, websocket);
                if (kind == DROP) {
                    continue;
                }
                if (kind == FORWARDED_PROTO || kind == FORWARDED_HOST || kind == FORWARDED_FOR) {
                    if (!trustForwarded) {
                        continue;
                    }
                    sawProto |= kind == FORWARDED_PROTO;
                    sawHost |= kind == FORWARDED_HOST;
                }
                if (i == head.maxForwardsField && !head.maxForwardsZero) {
                    maxForwardsLessOne(in, head, i, out);
                    continue;
                }
                field(in, head, i, out);
            }
            out.put(XFF).put(clientIp, 0, clientIpLength).put(CRLF);
            if (!sawProto) {
                out.put(XFP).put(proto).put(CRLF);
            }
            if (!sawHost) {
                // The host the request was routed by: an absolute-form target's authority wins
                // over the Host field, which RFC 9112 §3.2.2 says to ignore then.
                int hostStart = head.absoluteForm() ? head.authorityStart
                        : head.hostField >= 0 ? head.valueStart[head.hostField] : 0;
                int hostEnd = head.absoluteForm() ? head.authorityEnd
                        : head.hostField >= 0 ? head.valueEnd[head.hostField] : 0;
                if (hostEnd > hostStart) {
                    out.put(XFH);
                    copy(in, hostStart, hostEnd, out);
                    out.put(CRLF);
                }
            }
            if (head.teTrailers) {
                out.put(TE_TRAILERS);
            }
            if (websocket) {
                out.put(head.teTrailers ? CONNECTION_UPGRADE_TE : CONNECTION_UPGRADE);
            } else if (head.teTrailers) {
                out.put(CONNECTION_TE);
            }
            framing(out, framing, length);
            out.put(CRLF);
            return true;
        } catch (BufferOverflowException e) {
            out.position(mark);
            return false;
        }
    }

    /**
     * Writes a response head for the client.
     *
     * @param rewrite   rewrites {@code Set-Cookie} fields (domain, see {@link CookieDomainRewriter}), or null
     * @param extra     a whole extra field line to add (a sticky {@code Set-Cookie}, CRLF included), or null
     * @param keepAlive whether the client connection stays open; for an HTTP/1.0 client that means
     *                  an explicit {@code Connection: keep-alive}
     */
    public boolean response(HttpHead head, ByteBuffer out, Framing framing, long length, int clientVersion,
                            boolean keepAlive, CookieDomainRewriter rewrite, byte[] extra, boolean upgrade) {
        int mark = out.position();
        try {
            ByteBuffer in = head.buffer;
            out.put(HTTP11).put((byte) ' ');
            putDecimal(out, head.status);
            out.put((byte) ' ');
            copy(in, head.reasonStart, head.reasonEnd, out);
            out.put(CRLF);
            for (int i = 0; i < head.fieldCount; i++) {
                if (fieldKind(head, i, upgrade) == DROP) {
                    continue;
                }
                if (rewrite != null && head.nameIs(i, "set-cookie")) {
                    rewrite.write(in, head.nameStart[i], head.nameEnd[i], head.valueStart[i], head.valueEnd[i], out);
                    continue;
                }
                field(in, head, i, out);
            }
            if (extra != null) {
                out.put(extra);
            }
            if (upgrade) {
                out.put(CONNECTION_UPGRADE);
            } else if (!keepAlive) {
                out.put(CONNECTION_CLOSE);
            } else if (clientVersion == 10) {
                out.put(CONNECTION_KEEP_ALIVE);
            }
            framing(out, framing, length);
            out.put(CRLF);
            return true;
        } catch (BufferOverflowException e) {
            out.position(mark);
            return false;
        }
    }

    private static final int KEEP = 0;
    private static final int DROP = 1;
    private static final int FORWARDED_FOR = 2;
    private static final int FORWARDED_PROTO = 3;
    private static final int FORWARDED_HOST = 4;

    /**
     * Whether field {@code i} of a response goes on to the client as it came, as
     * {@link #response} decides (the hop-by-hop fields, those a {@code Connection} field names,
     * names with an underscore, and the framing fields, which Balor writes itself, do not).
     */
    public static boolean forwardsResponseField(HttpHead head, int i) {
        return fieldKind(head, i, false) != DROP;
    }

    /** What to do with field {@code i} of a message being forwarded. */
    private static int fieldKind(HttpHead head, int i, boolean upgrade) {
        switch (head.nameEnd[i] - head.nameStart[i]) {
            case 2:
                return head.nameIs(i, "te") ? DROP : named(head, i);
            case 4:
                return head.nameIs(i, "host") ? DROP : named(head, i);
            case 7:
                if (head.nameIs(i, "upgrade")) {
                    return upgrade ? KEEP : DROP;
                }
                return head.nameIs(i, "trailer") ? DROP : named(head, i);
            case 10:
                if (head.nameIs(i, "connection")) {
                    return DROP;
                }
                return head.nameIs(i, "keep-alive") ? DROP : named(head, i);
            case 14:
                return head.nameIs(i, "content-length") ? DROP : named(head, i);
            case 15:
                return head.nameIs(i, "x-forwarded-for") ? FORWARDED_FOR : named(head, i);
            case 16:
                if (head.nameIs(i, "x-forwarded-host")) {
                    return FORWARDED_HOST;
                }
                return head.nameIs(i, "proxy-connection") ? DROP : named(head, i);
            case 17:
                if (head.nameIs(i, "x-forwarded-proto")) {
                    return FORWARDED_PROTO;
                }
                return head.nameIs(i, "transfer-encoding") ? DROP : named(head, i);
            default:
                return named(head, i);
        }
    }

    /**
     * DROP if a {@code Connection} field names field {@code i}, or if its name holds an
     * underscore (as nginx's default {@code underscores_in_headers off}: a backend that maps
     * {@code _} to {@code -} would read {@code Transfer_Encoding} as a framing field); else KEEP.
     */
    private static int named(HttpHead head, int i) {
        for (int b = head.nameStart[i]; b < head.nameEnd[i]; b++) {
            if (head.at(b) == '_') {
                return DROP;
            }
        }
        if (head.connectionField < 0) {
            return KEEP;
        }
        for (int c = head.connectionField; c < head.fieldCount; c++) {
            if (c != head.connectionField && !head.nameIs(c, "connection")) {
                continue;
            }
            int p = head.valueStart[c];
            int end = head.valueEnd[c];
            while (p < end) {
                while (p < end && (head.at(p) == ' ' || head.at(p) == '\t' || head.at(p) == ',')) {
                    p++;
                }
                int token = p;
                while (p < end && head.at(p) != ',' && head.at(p) != ' ' && head.at(p) != '\t') {
                    p++;
                }
                if (sameIgnoreCase(head, token, p, head.nameStart[i], head.nameEnd[i])) {
                    return DROP;
                }
            }
        }
        return KEEP;
    }

    private static boolean sameIgnoreCase(HttpHead head, int a, int aEnd, int b, int bEnd) {
        if (aEnd - a != bEnd - b || a == aEnd) {
            return false;
        }
        for (int k = 0; k < aEnd - a; k++) {
            if (Ascii.lower(head.at(a + k)) != Ascii.lower(head.at(b + k))) {
                return false;
            }
        }
        return true;
    }

    private void framing(ByteBuffer out, Framing framing, long length) {
        if (framing == Framing.LENGTH) {
            out.put(CONTENT_LENGTH);
            putDecimal(out, length);
            out.put(CRLF);
        } else if (framing == Framing.CHUNKED) {
            out.put(CHUNKED);
        }
    }

    /**
     * Writes field {@code i}, an OPTIONS request's {@code Max-Forwards} (1*DIGIT, not zero), with
     * its value less one (RFC 9110 §7.6.2), digit by digit so that no value is too long for it:
     * {@code 5} → {@code 4}, {@code 10} → {@code 9}, {@code 007} → {@code 6}.
     */
    private static void maxForwardsLessOne(ByteBuffer in, HttpHead head, int i, ByteBuffer out) {
        copy(in, head.nameStart[i], head.nameEnd[i], out);
        out.put(COLON_SP);
        int start = head.valueStart[i];
        int end = head.valueEnd[i];
        while (start < end - 1 && in.get(start) == '0') {
            start++;
        }
        int last = end - 1;   // the last digit that is not 0: it lends to the zeros after it
        while (in.get(last) == '0') {
            last--;
        }
        if (last > start || in.get(last) != '1' || end - start == 1) {
            copy(in, start, last, out);
            out.put((byte) (in.get(last) - 1));
        }
        for (int k = last + 1; k < end; k++) {
            out.put((byte) '9');
        }
        out.put(CRLF);
    }

    private static void field(ByteBuffer in, HttpHead head, int i, ByteBuffer out) {
        copy(in, head.nameStart[i], head.nameEnd[i], out);
        out.put(COLON_SP);
        copy(in, head.valueStart[i], head.valueEnd[i], out);
        out.put(CRLF);
    }

    /** Copies {@code in[start, end)} to {@code out} at its position, without a view or a copy array. */
    public static void copy(ByteBuffer in, int start, int end, ByteBuffer out) {
        int length = end - start;
        if (length > out.remaining()) {
            throw new BufferOverflowException();
        }
        out.put(out.position(), in, start, length);
        out.position(out.position() + length);
    }

    /**
     * Writes {@code value} (not negative) in decimal into {@code to} from index {@code at} (room
     * for 19 digits there); returns how many digits.
     */
    public static int decimal(long value, byte[] to, int at) {
        int n = 0;
        long rest = value;
        do {
            n++;
            rest /= 10;
        } while (rest > 0);
        for (int i = at + n - 1; i >= at; i--) {
            to[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return n;
    }

    /** Writes {@code value} (not negative) in decimal. */
    void putDecimal(ByteBuffer out, long value) {
        out.put(digits, 0, decimal(value, digits, 0));
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
