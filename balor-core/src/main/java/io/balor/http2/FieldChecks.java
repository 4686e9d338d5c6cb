package io.balor.http2;

/**
 * The checks every field of an HTTP/2 message's header section and trailers must pass, shared by
 * {@link RequestHead}, {@link RequestTrailers} and, for an upstream's responses, {@link ResponseHead}: a name of lower-case token characters (RFC 9113
 * §8.2, RFC 9110 §5.1), a value without NUL, CR or LF that does not start or end with a space or
 * tab (§8.2.1), and no connection-specific field (§8.2.2). Each check returns why the field makes
 * the message malformed, or null. Stateless; any thread.
 */
final class FieldChecks {

    /** RFC 9110 §5.6.2 tchar, lower case only (HTTP/2 names are lower case). */
    private static final boolean[] NAME_CHARS = new boolean[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            NAME_CHARS[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            NAME_CHARS[c] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            NAME_CHARS[c] = true;
        }
    }

    private FieldChecks() {
    }

    /** Why the name {@code b[from, from + length)} is refused, or null. */
    static String name(byte[] b, int from, int length) {
        if (length == 0) {
            return "an empty field name";
        }
        for (int i = from; i < from + length; i++) {
            int c = b[i] & 0xff;
            if (c >= 128 || !NAME_CHARS[c]) {
                return c >= 'A' && c <= 'Z' ? "an upper-case field name" : "a field name outside tchar";
            }
        }
        return null;
    }

    /** Why the value {@code b[from, from + length)} is refused, or null. */
    static String value(byte[] b, int from, int length) {
        for (int i = from; i < from + length; i++) {
            byte c = b[i];
            if (c == 0 || c == '\r' || c == '\n') {
                return "a field value with NUL, CR or LF";
            }
        }
        if (length > 0 && (isBlank(b[from]) || isBlank(b[from + length - 1]))) {
            return "a field value starting or ending with whitespace";
        }
        return null;
    }

    /**
     * Why the field is refused as connection-specific (§8.2.2), or null: {@code connection},
     * {@code keep-alive}, {@code proxy-connection}, {@code transfer-encoding}, {@code upgrade},
     * and a {@code te} other than {@code trailers}.
     */
    static String connectionSpecific(byte[] b, int nameFrom, int nameLength, int valueFrom, int valueLength) {
        boolean specific = switch (nameLength) {   // by length first: most fields are none of these
            case 7 -> is(b, nameFrom, nameLength, "upgrade");
            case 10 -> is(b, nameFrom, nameLength, "connection") || is(b, nameFrom, nameLength, "keep-alive");
            case 16 -> is(b, nameFrom, nameLength, "proxy-connection");
            case 17 -> is(b, nameFrom, nameLength, "transfer-encoding");
            default -> false;
        };
        if (specific) {
            return "a connection-specific field";
        }
        if (nameLength == 2 && is(b, nameFrom, nameLength, "te") && !is(b, valueFrom, valueLength, "trailers")) {
            return "te other than trailers";
        }
        return null;
    }

    /** Whether {@code b[from, from + length)} is {@code ascii}, byte for byte. */
    static boolean is(byte[] b, int from, int length, String ascii) {
        if (length != ascii.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (b[from + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The decimal number {@code b[from, from + length)} (1 to 18 digits), or -1. */
    static long digits(byte[] b, int from, int length) {
        if (length == 0 || length > 18) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < from + length; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return -1;
            }
            value = value * 10 + (b[i] - '0');
        }
        return value;
    }

    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\t';
    }
}
