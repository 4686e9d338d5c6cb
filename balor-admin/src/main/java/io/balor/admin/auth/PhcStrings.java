package io.balor.admin.auth;

import java.util.Base64;

/**
 * The strict reading of the parts of a PHC-format password hash string
 * ({@code $id$param=value,...$salt$hash}) that {@link PasswordHasher} and {@link Argon2Hashes}
 * share: so that changing any character of a stored string changes what it means, or makes it
 * unreadable. Stateless.
 */
final class PhcStrings {

    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();

    private PhcStrings() {
    }

    /** A count written in decimal, without sign or leading zero, of at most {@code max}; else -1. */
    static int count(String text, int max) {
        if (text.isEmpty() || text.length() > 9 || text.charAt(0) == '0') {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= max ? value : -1;
    }

    /** Bytes in canonical standard base64 without padding; else null. */
    static byte[] base64(String text) {
        try {
            byte[] bytes = Base64.getDecoder().decode(text);
            return BASE64.encodeToString(bytes).equals(text) ? bytes : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code bytes} in standard base64 without padding. */
    static String base64(byte[] bytes) {
        return BASE64.encodeToString(bytes);
    }
}
