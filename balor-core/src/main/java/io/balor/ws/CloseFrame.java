package io.balor.ws;

import java.nio.ByteBuffer;

/**
 * Writes the close frames Balor sends itself (RFC 6455 §5.5.1): a status code and a short
 * ASCII reason, unmasked towards the client or masked towards the upstream server
 * (§5.1, §5.3). Used when a listener drains (1001), when a {@link FrameScanner} finds a
 * violation (1002, 1009), or when the other side fails (1011, 1014). Inject one only where the
 * stream is at a frame boundary ({@link FrameScanner#atFrameBoundary()}). Stateless; writes into
 * the caller's buffer and allocates nothing.
 */
public final class CloseFrame {

    /** §7.4.1: normal closure. */
    public static final int NORMAL = 1000;
    /** §7.4.1: an endpoint is going away (a listener drains, Balor stops). */
    public static final int GOING_AWAY = 1001;
    /** §7.4.1: protocol error. */
    public static final int PROTOCOL_ERROR = 1002;
    /** §7.4.1: message too big. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** §7.4.1: unexpected condition. */
    public static final int INTERNAL_ERROR = 1011;
    /** IANA WebSocket close code registry (§11.7): the upstream failed, as a gateway sees it. */
    public static final int BAD_GATEWAY = 1014;

    /** A control frame carries at most 125 bytes (§5.5), two of them the code. */
    public static final int MAX_REASON = 123;

    private static final int FIN_CLOSE = 0x88;
    private static final int MASK_BIT = 0x80;

    private CloseFrame() {
    }

    /** The bytes a close frame with {@code reason} takes, masked or not. */
    public static int size(String reason, boolean masked) {
        return 2 + (masked ? 4 : 0) + 2 + reason.length();
    }

    /**
     * Writes an unmasked close frame (server to client) at {@code dst}'s position, advancing it.
     *
     * @return the bytes written, or 0 (nothing written) if they do not fit before the limit
     * @throws IllegalArgumentException for a code an endpoint may not send (§7.4.1, §7.4.2) or a
     *         reason that is not ASCII of at most {@link #MAX_REASON} characters (programming errors)
     */
    public static int write(ByteBuffer dst, int code, String reason) {
        return write(dst, code, reason, false, 0);
    }

    /**
     * Writes a close frame masked with {@code maskKey} (client to server: Balor to the upstream)
     * at {@code dst}'s position, advancing it. The key's four bytes are sent most significant
     * first; §5.3 asks that it be unpredictable, so take it from a strong source per frame.
     *
     * @return the bytes written, or 0 (nothing written) if they do not fit before the limit
     * @throws IllegalArgumentException as for {@link #write(ByteBuffer, int, String)}
     */
    public static int writeMasked(ByteBuffer dst, int code, String reason, int maskKey) {
        return write(dst, code, reason, true, maskKey);
    }

    private static int write(ByteBuffer dst, int code, String reason, boolean masked, int maskKey) {
        checkCode(code);
        checkReason(reason);
        int size = size(reason, masked);
        if (dst.remaining() < size) {
            return 0;
        }
        int payloadLength = 2 + reason.length();
        dst.put((byte) FIN_CLOSE);
        dst.put((byte) ((masked ? MASK_BIT : 0) | payloadLength));
        if (masked) {
            dst.putInt(maskKey);
        }
        // §5.3: payload byte j is XORed with key byte j mod 4; a zero key leaves it as it is.
        int key = masked ? maskKey : 0;
        dst.put((byte) ((code >>> 8) ^ keyByte(key, 0)));
        dst.put((byte) (code ^ keyByte(key, 1)));
        for (int j = 0; j < reason.length(); j++) {
            dst.put((byte) (reason.charAt(j) ^ keyByte(key, j + 2)));
        }
        return size;
    }

    private static int keyByte(int key, int payloadIndex) {
        return key >>> (24 - 8 * (payloadIndex & 3));
    }

    /**
     * Codes an endpoint may send: 1000-1003 and 1007-1014 (defined or registered), 3000-4999
     * (libraries and applications). 1004 is reserved; 1005, 1006 and 1015 must never be sent.
     */
    private static void checkCode(int code) {
        boolean sendable = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014)
                || (code >= 3000 && code <= 4999);
        if (!sendable) {
            throw new IllegalArgumentException("close code may not be sent: " + code);
        }
    }

    private static void checkReason(String reason) {
        if (reason.length() > MAX_REASON) {
            throw new IllegalArgumentException("close reason longer than 123 bytes: " + reason);
        }
        for (int j = 0; j < reason.length(); j++) {
            if (reason.charAt(j) >= 0x80) {
                throw new IllegalArgumentException("close reason is not ASCII: " + reason);
            }
        }
    }
}
