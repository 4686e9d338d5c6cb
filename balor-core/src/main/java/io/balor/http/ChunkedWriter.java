package io.balor.http;

import java.nio.ByteBuffer;

/**
 * Writes the framing of a chunked body (RFC 9112 §7.1) that Balor re-frames as it forwards: a
 * chunk-size line before each payload range the {@link ChunkedDecoder} reports, the CRLF after
 * it, and the last chunk. Hex digits are written straight into the buffer, at absolute indices
 * (the buffer's position and limit are not used); no strings, no allocation. Stateless; any
 * thread, on a buffer that thread owns.
 *
 * <p>A chunked body written with it reads {@code putSizeLine, payload, putCrlf} per chunk, then
 * {@code putLastChunk}, the trailer fields if any (each ending in CRLF), and {@code putCrlf}.
 */
public final class ChunkedWriter {

    /** The longest size line {@link #putSizeLine} writes: 16 hex digits and CRLF. */
    public static final int MAX_SIZE_LINE = 18;

    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

    private ChunkedWriter() {
    }

    /** How many bytes {@link #putSizeLine} takes for {@code size}: its hex digits and CRLF. */
    public static int sizeLineLength(long size) {
        return hexDigits(size) + 2;
    }

    /**
     * Writes {@code size} in lower-case hex, without leading zeros, and CRLF at {@code at}.
     *
     * @param size the payload length of the chunk, at least 1 (0 would be the last chunk)
     * @return the index just past the CRLF
     */
    public static int putSizeLine(ByteBuffer buffer, int at, long size) {
        if (size < 1) {
            throw new IllegalArgumentException("chunk size must be positive: " + size);
        }
        int digits = hexDigits(size);
        for (int d = digits - 1; d >= 0; d--) {
            buffer.put(at + d, HEX[(int) (size & 0xf)]);
            size >>>= 4;
        }
        return putCrlf(buffer, at + digits);
    }

    /** Writes the last chunk's line, {@code 0\r\n}, at {@code at}; returns the index past it. */
    public static int putLastChunk(ByteBuffer buffer, int at) {
        buffer.put(at, (byte) '0');
        return putCrlf(buffer, at + 1);
    }

    /** Writes CRLF at {@code at}: after chunk data, or to end the trailer section. */
    public static int putCrlf(ByteBuffer buffer, int at) {
        buffer.put(at, (byte) '\r');
        buffer.put(at + 1, (byte) '\n');
        return at + 2;
    }

    private static int hexDigits(long size) {
        return Math.max(1, (64 - Long.numberOfLeadingZeros(size) + 3) / 4);
    }
}
