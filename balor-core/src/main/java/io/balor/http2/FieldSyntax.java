package io.balor.http2;

/**
 * The checks RFC 9113 §8.2 makes of every field an HTTP/2 peer sends, client or server: a name
 * of lower-case token characters (§8.2, RFC 9110 §5.1), a value without NUL, CR or LF that
 * neither starts nor ends with a space or tab (§8.2.1). Stateless.
 */
final class FieldSyntax {

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

    private FieldSyntax() {
    }

    /** Why {@code b[from, +length)} is not a field name HTTP/2 allows, or null. */
    static String nameProblem(byte[] b, int from, int length) {
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

    /** Why {@code b[from, +length)} is not a field value HTTP/2 allows, or null. */
    static String valueProblem(byte[] b, int from, int length) {
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

    /** Whether {@code b[from, +length)} is {@code ascii}. */
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

    /** The decimal number {@code b[from, +length)} (1 to 18 digits), or -1. */
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
