package io.balor.admin.acme;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * PEM text (RFC 7468) for one DER block: writing with 64-character lines, reading the first block
 * of a given label. Stateless; any thread.
 */
final class PemText {

    private PemText() {
    }

    static String encode(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    /**
     * The DER of the first {@code label} block in {@code text}.
     *
     * @throws IllegalArgumentException when there is none or it is not base64
     */
    static byte[] decode(String text, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = text.indexOf(begin);
        int to = from < 0 ? -1 : text.indexOf(end, from);
        if (from < 0 || to < 0) {
            throw new IllegalArgumentException("no " + label + " PEM block");
        }
        return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    }
}
