package io.balor.proxy;

import io.balor.http.StatusLine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The responses Balor makes itself: the status with its standard reason phrase
 * ({@link StatusLine}), a short plain-text body naming the status and the request id, and
 * {@code Connection: close} (after an error Balor does not trust the rest of the connection).
 * Written from bytes made when the class loads and digits put straight into the buffer, so a
 * flood of 429s or 503s allocates nothing. Stateless; any loop.
 *
 * <pre>
 * HTTP/1.1 429 Too Many Requests
 * Content-Type: text/plain; charset=utf-8
 * Content-Length: 46
 * Connection: close
 * Retry-After: 10
 *
 * 429 Too Many Requests
 * request id: 7eb2e000001
 * </pre>
 */
final class ErrorResponse {

    private static final int FIRST = 400;
    private static final int LAST = 599;
    /** {@code 429 Too Many Requests}: the body's first line, per status. */
    private static final byte[][] TITLES = new byte[LAST - FIRST + 1][];

    static {
        for (int status = FIRST; status <= LAST; status++) {
            TITLES[status - FIRST] = ascii(status + " " + StatusLine.reason(status));
        }
    }

    private static final byte[] CONTENT = ascii("Content-Type: text/plain; charset=utf-8\r\nContent-Length: ");
    private static final byte[] CLOSE = ascii("\r\nConnection: close\r\n");
    private static final byte[] WEBSOCKET_VERSION = ascii("Sec-WebSocket-Version: 13\r\n");
    private static final byte[] RETRY_AFTER = ascii("Retry-After: ");
    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] REQUEST_ID = ascii("\nrequest id: ");
    private static final byte[] HEX = ascii("0123456789abcdef");

    private ErrorResponse() {
    }

    /**
     * Writes the response into {@code out} (at its position; dropped if it does not fit).
     *
     * @param status            400 to 599
     * @param retryAfterSeconds adds {@code Retry-After} when positive (503, 429)
     */
    static void write(ByteBuffer out, int status, long requestId, int retryAfterSeconds) {
        byte[] title = TITLES[status - FIRST];
        int idDigits = Math.max(1, (Long.SIZE - Long.numberOfLeadingZeros(requestId) + 3) / 4);
        int bodyLength = title.length + REQUEST_ID.length + idDigits + 1;
        int length = StatusLine.length(status) + CONTENT.length + decimalDigits(bodyLength) + CLOSE.length
                + (status == 426 ? WEBSOCKET_VERSION.length : 0) + (status == 405 ? MethodAnswers.ALLOW.length : 0)
                + (retryAfterSeconds > 0 ? RETRY_AFTER.length + decimalDigits(retryAfterSeconds) + CRLF.length : 0)
                + CRLF.length + bodyLength;
        if (length > out.remaining()) {
            return;
        }
        StatusLine.write(out, status);
        out.put(CONTENT);
        decimal(out, bodyLength);
        out.put(CLOSE);
        if (status == 426) {
            out.put(WEBSOCKET_VERSION);   // RFC 6455 §4.4
        }
        if (status == 405) {
            out.put(MethodAnswers.ALLOW);    // RFC 9110 §15.5.6
        }
        if (retryAfterSeconds > 0) {
            out.put(RETRY_AFTER);
            decimal(out, retryAfterSeconds);
            out.put(CRLF);
        }
        out.put(CRLF).put(title).put(REQUEST_ID);
        for (int shift = 4 * (idDigits - 1); shift >= 0; shift -= 4) {
            out.put(HEX[(int) (requestId >>> shift) & 0xf]);   // as Long.toHexString: no leading zeros
        }
        out.put((byte) '\n');
    }

    private static int decimalDigits(int value) {
        int digits = 1;
        while (value >= 10) {
            value /= 10;
            digits++;
        }
        return digits;
    }

    /** {@code value} (0 or more) in decimal at {@code out}'s position. */
    private static void decimal(ByteBuffer out, int value) {
        int end = out.position() + decimalDigits(value);
        for (int at = end - 1; at >= out.position(); at--) {
            out.put(at, (byte) ('0' + value % 10));
            value /= 10;
        }
        out.position(end);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
