package io.balor.http;

import java.nio.ByteBuffer;

/**
 * The host of a request: which Host values (and absolute-form authorities) Balor accepts, and
 * where the host name is in one. Stateless; any thread.
 *
 * <h2>What is accepted</h2>
 * Stricter than RFC 3986 on purpose, and stricter than nginx (1.22 refuses a Host with
 * {@code /}, {@code \}, a space, a control, {@code ..} or no host, but takes
 * {@code a.test;Domain=evil} as a host name):
 * <pre>
 *   value = ""                                   (RFC 9112 §3.2: a target without authority)
 *         / host [ ":" port ]
 *   host  = label *( "." label ) [ "." ]         label = 1*( ALPHA / DIGIT / "-" / "_" )
 *         / "[" 1*( HEXDIG / ":" / "." ) "]"    (an IPv6 literal; it must hold a ":")
 *   port  = 0*5DIGIT
 * </pre>
 * RFC 3986 §3.2.2 lets a reg-name hold the sub-delims ({@code ! $ & ' ( ) * + , ; =}),
 * {@code ~} and percent-encodings, but no HTTP origin has such a name (DNS names are letters,
 * digits and hyphens; {@code _} is allowed as nginx does, for internal names), and each of those
 * characters means something to a program that later reads the host: {@code ;} and {@code ,}
 * split cookie attributes and lists (a Host {@code a.test;Domain=evil} once reached a
 * {@code Set-Cookie} Domain), {@code %} decodes into anything. So a Host or authority with any
 * other byte, an empty label ({@code a..b}, {@code .a}), userinfo, a port of more than 5 digits,
 * or a port without a host is refused with 400 by the parser before anything is routed or
 * forwarded. An IPv6 zone ({@code %25eth0}) or an IPvFuture literal is refused too.
 */
public final class HostField {

    private static final int MAX_PORT_DIGITS = 5;

    private HostField() {
    }

    /**
     * Whether {@code buffer[start, end)} (a Host value without surrounding whitespace, or an
     * absolute-form authority) is accepted, by the grammar of the class comment.
     */
    public static boolean valid(ByteBuffer buffer, int start, int end) {
        if (start == end) {
            return true;
        }
        int hostEnd;
        if (buffer.get(start) == '[') {
            hostEnd = ipv6End(buffer, start, end);
        } else {
            hostEnd = nameEnd(buffer, start, end);
        }
        if (hostEnd < 0) {
            return false;
        }
        if (hostEnd == end) {
            return true;
        }
        if (buffer.get(hostEnd) != ':' || end - hostEnd - 1 > MAX_PORT_DIGITS) {
            return false;
        }
        for (int i = hostEnd + 1; i < end; i++) {
            if (!isDigit(buffer.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The end of a bracketed IPv6 literal starting at {@code start} ({@code ']'} included), or -1. */
    private static int ipv6End(ByteBuffer buffer, int start, int end) {
        boolean colon = false;
        for (int i = start + 1; i < end; i++) {
            byte b = buffer.get(i);
            if (b == ']') {
                return colon ? i + 1 : -1;
            }
            colon |= b == ':';
            if (!isHexDigit(b) && b != ':' && b != '.') {
                return -1;
            }
        }
        return -1;
    }

    /** The end of a host name of labels starting at {@code start} (before a port), or -1. */
    private static int nameEnd(ByteBuffer buffer, int start, int end) {
        int labelStart = start;
        for (int i = start; i < end; i++) {
            byte b = buffer.get(i);
            if (b == '.') {
                if (i == labelStart) {
                    return -1;   // ".a", "a..b", "."
                }
                labelStart = i + 1;
            } else if (b == ':') {
                return i == start ? -1 : i;
            } else if (!isLetterOrDigit(b) && b != '-' && b != '_') {
                return -1;
            }
        }
        return end;
    }

    /**
     * Whether {@code buffer[start, end)}, a host without port (as {@link #range} finds it), is a
     * DNS name (letters, digits, {@code -} and {@code .}: RFC 6265 §4.1.1's domain-value, RFC 1034
     * §3.5) or an IP literal (an IPv4 address is such a name; an IPv6 one is bracketed hex digits,
     * {@code :} and {@code .}). What may be written into a cookie's {@code Domain}.
     */
    public static boolean dnsNameOrIpLiteral(ByteBuffer buffer, int start, int end) {
        if (start == end) {
            return false;
        }
        if (buffer.get(start) == '[') {
            return ipv6End(buffer, start, end) == end;
        }
        for (int i = start; i < end; i++) {
            byte b = buffer.get(i);
            if (!isLetterOrDigit(b) && b != '-' && (b != '.' || i == start || buffer.get(i - 1) == '.')) {
                return false;
            }
        }
        return true;
    }

    /** The host name of {@code buffer[start, end)} as {@code (start << 32) | end}, absolute indexes. */
    public static long range(ByteBuffer buffer, int start, int end) {
        while (start < end && isSpace(buffer.get(start))) {
            start++;
        }
        while (end > start && isSpace(buffer.get(end - 1))) {
            end--;
        }
        if (start < end && buffer.get(start) == '[') {
            for (int i = start; i < end; i++) {
                if (buffer.get(i) == ']') {
                    end = i + 1;
                    break;
                }
            }
        } else {
            for (int i = start; i < end; i++) {
                if (buffer.get(i) == ':') {
                    end = i;
                    break;
                }
            }
            if (end > start && buffer.get(end - 1) == '.') {
                end--;
            }
        }
        return (long) start << 32 | end;
    }

    public static int start(long range) {
        return (int) (range >>> 32);
    }

    public static int end(long range) {
        return (int) range;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isLetterOrDigit(byte b) {
        return isDigit(b) || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
    }

    private static boolean isHexDigit(byte b) {
        return isDigit(b) || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }
}
