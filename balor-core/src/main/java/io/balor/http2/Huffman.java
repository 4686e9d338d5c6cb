package io.balor.http2;

import java.nio.ByteBuffer;

/**
 * The static Huffman code of HPACK string literals (RFC 7541 §5.2, Appendix B): encoding,
 * decoding and the length a string takes coded. Stateless and allocation-free; any thread.
 *
 * <h2>The table</h2>
 * Appendix B's code is canonical: within one code length, codes go up with the symbol, and each
 * length starts where the one before ended, doubled. So the 257 code lengths below (symbols 0 to
 * 255, then EOS) determine every code, and the codes are computed from them once, here, rather
 * than transcribed a second time. {@code HuffmanTest} checks the computed codes against rows of
 * the appendix and its C.4 and C.6 examples.
 *
 * <h2>Decoding</h2>
 * Bits are read most significant first into an accumulator. After each octet, as many symbols
 * as the accumulator holds are taken: for each length from 5 to 30, the top bits of that length
 * are a code of that length when they fall within the range of codes that length has. At the end
 * what is left must be padding (§5.2): at most 7 bits, all ones (the start of EOS). A decoded EOS,
 * longer padding or padding with a zero is a decoding error, which HTTP/2 treats as a
 * connection error of type COMPRESSION_ERROR.
 */
public final class Huffman {

    /** {@link #decode} result: the input is not a valid Huffman-coded string. */
    public static final int INVALID = -1;
    /** {@link #decode} result: the decoded string does not fit where it was to go. */
    public static final int OVERFLOW = -2;

    private static final int EOS = 256;
    private static final int MIN_LENGTH = 5;
    private static final int MAX_LENGTH = 30;

    /** Appendix B: the code length of each symbol, 0 to 255 and EOS (256), 16 to a row. */
    private static final byte[] LENGTHS = {
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,          // ' ' to '/'
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,               // '0' to '?'
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,                 // '@' to 'O'
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,              // 'P' to '_'
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,                 // '`' to 'o'
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,             // 'p' to 127
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
        30,                                                              // EOS
    };

    /** Each symbol's code, right-aligned. */
    private static final int[] CODES = new int[257];
    /** Per length: the first code of that length, how many there are, where their symbols start. */
    private static final int[] FIRST_CODE = new int[MAX_LENGTH + 1];
    private static final int[] COUNT = new int[MAX_LENGTH + 1];
    private static final int[] FIRST_SYMBOL = new int[MAX_LENGTH + 1];
    /** The symbols by (length, symbol): the order their codes were given in. */
    private static final short[] SYMBOLS = new short[257];

    static {
        int code = 0;
        int n = 0;
        for (int length = 1; length <= MAX_LENGTH; length++) {
            FIRST_CODE[length] = code;
            FIRST_SYMBOL[length] = n;
            for (int symbol = 0; symbol <= EOS; symbol++) {
                if (LENGTHS[symbol] == length) {
                    CODES[symbol] = code++;
                    SYMBOLS[n++] = (short) symbol;
                }
            }
            COUNT[length] = n - FIRST_SYMBOL[length];
            code <<= 1;
        }
    }

    private Huffman() {
    }

    /** The code of {@code symbol} (0 to 256), right-aligned. */
    static int code(int symbol) {
        return CODES[symbol];
    }

    /** The length in bits of the code of {@code symbol} (0 to 256). */
    static int codeLength(int symbol) {
        return LENGTHS[symbol];
    }

    /** How many octets {@code src[from, to)} takes Huffman-coded, padding included. */
    public static int encodedLength(byte[] src, int from, int to) {
        long bits = 0;
        for (int i = from; i < to; i++) {
            bits += LENGTHS[src[i] & 0xff];
        }
        return (int) ((bits + 7) >>> 3);
    }

    /**
     * Writes {@code src[from, to)} Huffman-coded into {@code dst}, padded with the most
     * significant bits of EOS (ones). {@code dst} must have {@link #encodedLength} bytes left.
     */
    public static void encode(byte[] src, int from, int to, ByteBuffer dst) {
        long acc = 0;
        int bits = 0;
        for (int i = from; i < to; i++) {
            int symbol = src[i] & 0xff;
            acc = (acc << LENGTHS[symbol]) | CODES[symbol];
            bits += LENGTHS[symbol];
            while (bits >= 8) {
                bits -= 8;
                dst.put((byte) (acc >>> bits));
            }
        }
        if (bits > 0) {
            dst.put((byte) ((acc << (8 - bits)) | (0xff >>> bits)));
        }
    }

    /**
     * Decodes {@code src[from, to)} into {@code dst} from {@code dstFrom}, writing no further
     * than {@code dstLimit}; with a null {@code dst}, only checks and counts.
     *
     * @return the index in {@code dst} just past the last decoded octet, {@link #INVALID} or
     *         {@link #OVERFLOW}
     */
    public static int decode(byte[] src, int from, int to, byte[] dst, int dstFrom, int dstLimit) {
        long acc = 0;
        int bits = 0;
        int out = dstFrom;
        for (int i = from; i < to; i++) {
            acc = (acc << 8) | (src[i] & 0xff);
            bits += 8;
            while (bits >= MIN_LENGTH) {
                int symbol = -1;
                int length = MIN_LENGTH;
                for (; length <= bits && length <= MAX_LENGTH; length++) {
                    int offset = (int) ((acc >>> (bits - length)) & ((1L << length) - 1)) - FIRST_CODE[length];
                    if (offset >= 0 && offset < COUNT[length]) {
                        symbol = SYMBOLS[FIRST_SYMBOL[length] + offset];
                        break;
                    }
                }
                if (symbol < 0) {
                    break;   // a longer code: more octets needed
                }
                if (symbol == EOS) {
                    return INVALID;
                }
                if (out >= dstLimit) {
                    return OVERFLOW;
                }
                if (dst != null) {
                    dst[out] = (byte) symbol;
                }
                out++;
                bits -= length;
            }
        }
        long padding = (1L << bits) - 1;
        if (bits > 7 || (acc & padding) != padding) {
            return INVALID;
        }
        return out;
    }
}
