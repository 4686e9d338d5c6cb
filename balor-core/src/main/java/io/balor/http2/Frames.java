package io.balor.http2;

import java.nio.ByteBuffer;

/**
 * HTTP/2's frame vocabulary (RFC 9113 §4, §6, §7, §11) and the writing of frames: the 9-octet
 * frame header and the fixed-layout frames Balor sends. Stateless; any thread.
 */
public final class Frames {

    /** §3.4: what a client sends first, before its SETTINGS frame. */
    public static final byte[] CLIENT_PREFACE = {
        'P', 'R', 'I', ' ', '*', ' ', 'H', 'T', 'T', 'P', '/', '2', '.', '0', '\r', '\n',
        '\r', '\n', 'S', 'M', '\r', '\n', '\r', '\n',
    };

    /** §4.1: octets of a frame header. */
    public static final int HEADER_LENGTH = 9;
    /** §4.2: SETTINGS_MAX_FRAME_SIZE's initial value and least allowed one. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 16_384;
    /** §4.2: the greatest SETTINGS_MAX_FRAME_SIZE allowed. */
    public static final int MAX_MAX_FRAME_SIZE = (1 << 24) - 1;
    /** §6.9.2: the initial flow-control window of the connection and of each stream. */
    public static final int DEFAULT_WINDOW = 65_535;
    /** §6.9.1: the greatest window. */
    public static final int MAX_WINDOW = Integer.MAX_VALUE;

    // §6: frame types
    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int PRIORITY = 0x2;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int PUSH_PROMISE = 0x5;
    public static final int PING = 0x6;
    public static final int GOAWAY = 0x7;
    public static final int WINDOW_UPDATE = 0x8;
    public static final int CONTINUATION = 0x9;

    // §6: flags
    public static final int END_STREAM = 0x1;
    public static final int ACK = 0x1;
    public static final int END_HEADERS = 0x4;
    public static final int PADDED = 0x8;
    public static final int PRIORITY_FLAG = 0x20;

    // §6.5.2: settings
    public static final int SETTINGS_HEADER_TABLE_SIZE = 0x1;
    public static final int SETTINGS_ENABLE_PUSH = 0x2;
    public static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
    public static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
    public static final int SETTINGS_MAX_FRAME_SIZE = 0x5;
    public static final int SETTINGS_MAX_HEADER_LIST_SIZE = 0x6;

    // §7: error codes
    public static final int NO_ERROR = 0x0;
    public static final int PROTOCOL_ERROR = 0x1;
    public static final int INTERNAL_ERROR = 0x2;
    public static final int FLOW_CONTROL_ERROR = 0x3;
    public static final int SETTINGS_TIMEOUT = 0x4;
    public static final int STREAM_CLOSED = 0x5;
    public static final int FRAME_SIZE_ERROR = 0x6;
    public static final int REFUSED_STREAM = 0x7;
    public static final int CANCEL = 0x8;
    public static final int COMPRESSION_ERROR = 0x9;
    public static final int CONNECT_ERROR = 0xa;
    public static final int ENHANCE_YOUR_CALM = 0xb;
    public static final int INADEQUATE_SECURITY = 0xc;
    public static final int HTTP_1_1_REQUIRED = 0xd;

    private Frames() {
    }

    /** §4.1: writes a frame header. */
    public static void header(ByteBuffer dst, int length, int type, int flags, int streamId) {
        dst.put((byte) (length >>> 16));
        dst.put((byte) (length >>> 8));
        dst.put((byte) length);
        dst.put((byte) type);
        dst.put((byte) flags);
        dst.putInt(streamId & Integer.MAX_VALUE);
    }

    /** The octets {@link #headers} takes for a header block of {@code blockLength}. */
    public static int headersLength(int blockLength, int maxFrameSize) {
        int frames = Math.max(1, (blockLength + maxFrameSize - 1) / maxFrameSize);
        return blockLength + frames * HEADER_LENGTH;
    }

    /**
     * §6.2, §6.10: a header block ({@code block}, position to limit) as a HEADERS frame and the
     * CONTINUATION frames it needs at {@code maxFrameSize}, END_STREAM on the HEADERS when
     * {@code endStream}, END_HEADERS on the last.
     */
    public static void headers(ByteBuffer dst, int streamId, ByteBuffer block, int maxFrameSize, boolean endStream) {
        int type = HEADERS;
        do {
            int chunk = Math.min(block.remaining(), maxFrameSize);
            boolean last = chunk == block.remaining();
            int flags = (last ? END_HEADERS : 0) | (type == HEADERS && endStream ? END_STREAM : 0);
            header(dst, chunk, type, flags, streamId);
            int limit = block.limit();
            block.limit(block.position() + chunk);
            dst.put(block);
            block.limit(limit);
            type = CONTINUATION;
        } while (block.hasRemaining());
    }

    /** §6.5: a SETTINGS frame with {@code pairs} (identifier, value, identifier, value ...). */
    public static void settings(ByteBuffer dst, int... pairs) {
        header(dst, pairs.length / 2 * 6, SETTINGS, 0, 0);
        for (int i = 0; i < pairs.length; i += 2) {
            dst.putShort((short) pairs[i]);
            dst.putInt(pairs[i + 1]);
        }
    }

    /** §6.5: the acknowledgement of the peer's SETTINGS. */
    public static void settingsAck(ByteBuffer dst) {
        header(dst, 0, SETTINGS, ACK, 0);
    }

    /** §6.7: a PING, or its answer with {@code ack}, carrying {@code opaque}. */
    public static void ping(ByteBuffer dst, boolean ack, long opaque) {
        header(dst, 8, PING, ack ? ACK : 0, 0);
        dst.putLong(opaque);
    }

    /** §6.8: a GOAWAY naming the last stream this side processed or may process. */
    public static void goAway(ByteBuffer dst, int lastStreamId, int errorCode) {
        header(dst, 8, GOAWAY, 0, 0);
        dst.putInt(lastStreamId & Integer.MAX_VALUE);
        dst.putInt(errorCode);
    }

    /** §6.4: ends a stream with {@code errorCode}. */
    public static void rstStream(ByteBuffer dst, int streamId, int errorCode) {
        header(dst, 4, RST_STREAM, 0, streamId);
        dst.putInt(errorCode);
    }

    /** §6.9: lets the peer send {@code increment} more octets on the stream (0: the connection). */
    public static void windowUpdate(ByteBuffer dst, int streamId, int increment) {
        header(dst, 4, WINDOW_UPDATE, 0, streamId);
        dst.putInt(increment & Integer.MAX_VALUE);
    }

    /** §7: an error code's name, for logs and problems. */
    public static String errorName(int code) {
        switch (code) {
            case NO_ERROR: return "NO_ERROR";
            case PROTOCOL_ERROR: return "PROTOCOL_ERROR";
            case INTERNAL_ERROR: return "INTERNAL_ERROR";
            case FLOW_CONTROL_ERROR: return "FLOW_CONTROL_ERROR";
            case SETTINGS_TIMEOUT: return "SETTINGS_TIMEOUT";
            case STREAM_CLOSED: return "STREAM_CLOSED";
            case FRAME_SIZE_ERROR: return "FRAME_SIZE_ERROR";
            case REFUSED_STREAM: return "REFUSED_STREAM";
            case CANCEL: return "CANCEL";
            case COMPRESSION_ERROR: return "COMPRESSION_ERROR";
            case CONNECT_ERROR: return "CONNECT_ERROR";
            case ENHANCE_YOUR_CALM: return "ENHANCE_YOUR_CALM";
            case INADEQUATE_SECURITY: return "INADEQUATE_SECURITY";
            case HTTP_1_1_REQUIRED: return "HTTP_1_1_REQUIRED";
            default: return "0x" + Integer.toHexString(code);
        }
    }
}
