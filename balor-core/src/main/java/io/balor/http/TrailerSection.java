package io.balor.http;

import io.balor.buffer.Ascii;

/**
 * Checks a chunked body's trailer section, {@code *( field-line CRLF ) CRLF} (RFC 9112 §7.1.2),
 * one byte at a time as it streams past, so the verdict needs none of the bytes kept. Field lines
 * follow the head's rules (RFC 9112 §5): a token name, no whitespace before the colon, no
 * obs-fold, no CTL in the value; and a trailer may not carry a field that frames or routes the
 * message ({@code Content-Length}, {@code Transfer-Encoding}, {@code Host}: RFC 9110 §6.5.1), so
 * that no upstream that merges trailers into the head can be reframed by one. Owned by the
 * {@link ChunkedDecoder} that holds it, on its loop thread. Allocates nothing.
 */
final class TrailerSection {

    /** The byte was accepted; the section goes on. */
    static final int MORE = 0;
    /** The byte was the final LF: the section is complete. */
    static final int END = 1;
    /** The byte is refused: see {@link #error()}. */
    static final int INVALID = 2;

    /** Field names refused, lower-case. */
    private static final String[] FRAMING_FIELDS = {"content-length", "transfer-encoding", "host"};

    private static final int LINE_START = 0;
    private static final int NAME = 1;
    private static final int VALUE = 2;
    private static final int LINE_LF = 3;
    private static final int END_LF = 4;

    private final int maxLength;
    private int state;
    private int length;
    private int fieldsLength;
    private int nameLength;
    private int candidates;
    private String error;

    /** A checker for sections of at most {@code maxLength} bytes, final CRLF included. */
    TrailerSection(int maxLength) {
        this.maxLength = maxLength;
    }

    void reset() {
        state = LINE_START;
        length = 0;
        fieldsLength = 0;
        error = null;
    }

    /** Bytes of the field lines, each CRLF included, the final CRLF not: valid once {@link #END}. */
    int fieldsLength() {
        return fieldsLength;
    }

    String error() {
        return error;
    }

    /** Reads the section's next byte: {@link #MORE}, {@link #END} or {@link #INVALID}. */
    int accept(byte b) {
        if (++length > maxLength) {
            return refuse("trailer section too large");
        }
        switch (state) {
            case LINE_START:
                if (b == '\r') {
                    fieldsLength = length - 1;
                    state = END_LF;
                    return MORE;
                }
                if (b == ' ' || b == '\t') {
                    return refuse("obsolete line folding in trailers");
                }
                if (!Ascii.isTchar(b)) {
                    return refuse(b == '\n' ? "bare LF" : b == ':' ? "empty field name in trailers"
                            : "invalid field name in trailers");
                }
                nameLength = 0;
                candidates = (1 << FRAMING_FIELDS.length) - 1;
                state = NAME;
                matchName(b);
                return MORE;
            case NAME:
                if (Ascii.isTchar(b)) {
                    matchName(b);
                    return MORE;
                }
                if (b == ':') {
                    for (int f = 0; f < FRAMING_FIELDS.length; f++) {
                        if ((candidates & 1 << f) != 0 && FRAMING_FIELDS[f].length() == nameLength) {
                            return refuse("framing field in trailers");
                        }
                    }
                    state = VALUE;
                    return MORE;
                }
                return refuse(b == ' ' || b == '\t' ? "whitespace before colon in trailers"
                        : b == '\n' ? "bare LF" : "invalid field name in trailers");
            case VALUE:
                if (b == '\r') {
                    state = LINE_LF;
                    return MORE;
                }
                return b == ' ' || b == '\t' || Ascii.isFieldVchar(b) ? MORE
                        : refuse(b == '\n' ? "bare LF" : "invalid character in trailer value");
            case LINE_LF:
                state = LINE_START;
                return b == '\n' ? MORE : refuse("bare CR");
            default: // END_LF
                return b == '\n' ? END : refuse("bare CR");
        }
    }

    /** Narrows the framing field names the name being read could still be. */
    private void matchName(byte b) {
        int lower = Ascii.lower(b);
        for (int f = 0; f < FRAMING_FIELDS.length; f++) {
            String name = FRAMING_FIELDS[f];
            if (nameLength >= name.length() || name.charAt(nameLength) != lower) {
                candidates &= ~(1 << f);
            }
        }
        nameLength++;
    }

    private int refuse(String reason) {
        error = reason;
        return INVALID;
    }
}
