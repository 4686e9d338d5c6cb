package io.balor.buffer;

import java.nio.ByteBuffer;

/**
 * Byte-level ASCII helpers for protocol parsing: character classes of RFC 9110 §5.6 and
 * case-insensitive comparison that folds only {@code A-Z} (never the default locale, never
 * Unicode: a Kelvin sign is not a {@code k}). Stateless; any thread.
 */
public final class Ascii {

    private static final boolean[] TCHAR = new boolean[256];
    private static final boolean[] FIELD_VCHAR = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
        for (int c = 0x21; c <= 0x7e; c++) {
            FIELD_VCHAR[c] = true;
        }
        for (int c = 0x80; c <= 0xff; c++) {
            FIELD_VCHAR[c] = true;   // obs-text
        }
    }

    private Ascii() {
    }

    /** A token character (RFC 9110 §5.6.2): what methods and field names are made of. */
    public static boolean isTchar(int b) {
        return TCHAR[b & 0xff];
    }

    /** A visible character or obs-text: what a field value holds between its spaces. */
    public static boolean isFieldVchar(int b) {
        return FIELD_VCHAR[b & 0xff];
    }

    public static boolean isDigit(int b) {
        return b >= '0' && b <= '9';
    }

    /** {@code b} with {@code A-Z} folded to {@code a-z}, nothing else changed. */
    public static int lower(int b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
    }

    /**
     * Whether {@code buffer[start, end)} equals {@code lowerCase} (which must be lower-case
     * ASCII), folding only {@code A-Z} in the buffer.
     */
    public static boolean equalsIgnoreCase(ByteBuffer buffer, int start, int end, String lowerCase) {
        int length = end - start;
        if (length != lowerCase.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (lower(buffer.get(start + i)) != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** {@code buffer[start, end)} as a string, bytes taken as ISO-8859-1 (for messages and tests). */
    public static String string(ByteBuffer buffer, int start, int end) {
        char[] chars = new char[end - start];
        for (int i = start; i < end; i++) {
            chars[i - start] = (char) (buffer.get(i) & 0xff);
        }
        return new String(chars);
    }

    /**
     * Whether the comma-separated list in {@code buffer[start, end)} holds {@code token} (given
     * in lower case), elements trimmed and compared case-insensitively (RFC 9110 §5.6.1).
     */
    public static boolean listContains(ByteBuffer buffer, int start, int end, String token) {
        int i = start;
        while (i < end) {
            while (i < end && (buffer.get(i) == ' ' || buffer.get(i) == '\t' || buffer.get(i) == ',')) {
                i++;
            }
            int element = i;
            while (i < end && buffer.get(i) != ',') {
                i++;
            }
            int elementEnd = i;
            while (elementEnd > element && (buffer.get(elementEnd - 1) == ' ' || buffer.get(elementEnd - 1) == '\t')) {
                elementEnd--;
            }
            if (equalsIgnoreCase(buffer, element, elementEnd, token)) {
                return true;
            }
        }
        return false;
    }
}
