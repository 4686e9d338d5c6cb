package io.balor.http2;

import java.nio.ByteBuffer;

/**
 * Finds the next whole HTTP/2 frame in a buffer of received octets and checks what the frame
 * alone can tell (RFC 9113 §4, §6): its size against what this side allows, the stream it may
 * be on, its fixed lengths, its padding. What depends on the connection's state (stream states,
 * CONTINUATION order, windows) is the connection's to check. One per connection, owned by its
 * loop thread; allocation-free.
 *
 * <h2>How it reads</h2>
 * {@link #next} looks at the buffer from its position: with less than a whole frame there it
 * answers {@link #NEED_MORE} and consumes nothing, so octets may arrive split anywhere. With a
 * whole frame it consumes it and answers {@link #FRAME}; the frame's fields are then readable
 * here, its payload (padding and priority fields taken off) at absolute indexes of the same
 * buffer, until the buffer is changed. The buffer must hold a frame of the size this side
 * allows, and its header: {@code maxFrameSize + 9} octets.
 *
 * <h2>What it refuses</h2>
 * {@link #CONNECTION_ERROR} with {@link #errorCode()}: FRAME_SIZE_ERROR for a frame over
 * {@code maxFrameSize} (§4.2), SETTINGS not a multiple of 6 or an ACK with a payload (§6.5), a
 * PING not of 8 (§6.7), a GOAWAY under 8 (§6.8), a RST_STREAM or WINDOW_UPDATE not of 4 (§6.4,
 * §6.9); PROTOCOL_ERROR for DATA, HEADERS, PRIORITY, RST_STREAM or CONTINUATION on stream 0, or
 * SETTINGS, PING or GOAWAY on any other (§6), padding as long as the payload (§6.1, §6.2), a
 * connection window update of 0 (§6.9). {@link #STREAM_ERROR} (the stream is reset, the
 * connection goes on): a PRIORITY not of 5 octets (§6.3), a stream window update of 0 (§6.9).
 * A frame of an unknown type is returned for the connection to ignore (§4.1, §5.5).
 */
public final class FrameReader {

    /** Less than a whole frame in the buffer; nothing consumed. */
    public static final int NEED_MORE = 0;
    /** A whole frame, consumed: see the accessors. */
    public static final int FRAME = 1;
    /** The frame breaks a rule: close the connection with {@link #errorCode()} (a GOAWAY). */
    public static final int CONNECTION_ERROR = 2;
    /** The frame breaks a rule of its stream: reset {@link #streamId()} with {@link #errorCode()}. */
    public static final int STREAM_ERROR = 3;

    private final int maxFrameSize;

    private int length;
    private int type;
    private int flags;
    private int streamId;
    private int payloadFrom;
    private int payloadLength;
    private int errorCode;
    private String problem;

    /** @param maxFrameSize the SETTINGS_MAX_FRAME_SIZE this side announced (16384 unless raised) */
    public FrameReader(int maxFrameSize) {
        if (maxFrameSize < Frames.DEFAULT_MAX_FRAME_SIZE || maxFrameSize > Frames.MAX_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("max frame size " + maxFrameSize);
        }
        this.maxFrameSize = maxFrameSize;
    }

    public int type() {
        return type;
    }

    public int flags() {
        return flags;
    }

    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    public int streamId() {
        return streamId;
    }

    /** The frame's length as sent (padding included): what counts against flow control (§6.9.1). */
    public int length() {
        return length;
    }

    /** The absolute index of the payload, padding and priority fields taken off. */
    public int payloadFrom() {
        return payloadFrom;
    }

    public int payloadLength() {
        return payloadLength;
    }

    public int errorCode() {
        return errorCode;
    }

    /** What was wrong with the frame, for logs. */
    public String problem() {
        return problem;
    }

    /** Reads the next frame from {@code in}: {@link #NEED_MORE}, {@link #FRAME} or an error. */
    public int next(ByteBuffer in) {
        int at = in.position();
        if (in.limit() - at < Frames.HEADER_LENGTH) {
            return NEED_MORE;
        }
        length = (in.get(at) & 0xff) << 16 | (in.get(at + 1) & 0xff) << 8 | (in.get(at + 2) & 0xff);
        type = in.get(at + 3) & 0xff;
        flags = in.get(at + 4) & 0xff;
        streamId = in.getInt(at + 5) & Integer.MAX_VALUE;   // §4.1: the reserved bit is ignored
        errorCode = Frames.NO_ERROR;
        problem = null;
        if (length > maxFrameSize) {
            return connectionError(Frames.FRAME_SIZE_ERROR, "a frame of " + length + " octets, over the "
                    + maxFrameSize + " allowed");
        }
        if (in.limit() - at - Frames.HEADER_LENGTH < length) {
            return NEED_MORE;
        }
        in.position(at + Frames.HEADER_LENGTH + length);
        payloadFrom = at + Frames.HEADER_LENGTH;
        payloadLength = length;
        switch (type) {
            case Frames.DATA:
                return onStream() ? unpad(in) : CONNECTION_ERROR;
            case Frames.HEADERS:
                if (!onStream() || unpad(in) != FRAME) {
                    return CONNECTION_ERROR;
                }
                if (hasFlag(Frames.PRIORITY_FLAG)) {
                    if (payloadLength < 5) {
                        return connectionError(Frames.FRAME_SIZE_ERROR, "HEADERS too short for its priority");
                    }
                    payloadFrom += 5;
                    payloadLength -= 5;
                }
                return FRAME;
            case Frames.PRIORITY:
                if (!onStream()) {
                    return CONNECTION_ERROR;
                }
                return length == 5 ? FRAME : streamError(Frames.FRAME_SIZE_ERROR, "PRIORITY of " + length + " octets");
            case Frames.RST_STREAM:
                return onStream() ? fixed(4) : CONNECTION_ERROR;
            case Frames.SETTINGS:
                if (!onConnection()) {
                    return CONNECTION_ERROR;
                }
                if (hasFlag(Frames.ACK) && length != 0) {
                    return connectionError(Frames.FRAME_SIZE_ERROR, "a SETTINGS acknowledgement with a payload");
                }
                return length % 6 == 0 ? FRAME
                        : connectionError(Frames.FRAME_SIZE_ERROR, "SETTINGS of " + length + " octets");
            case Frames.PING:
                return onConnection() ? fixed(8) : CONNECTION_ERROR;
            case Frames.GOAWAY:
                if (!onConnection()) {
                    return CONNECTION_ERROR;
                }
                return length >= 8 ? FRAME : connectionError(Frames.FRAME_SIZE_ERROR, "GOAWAY of " + length + " octets");
            case Frames.WINDOW_UPDATE:
                if (fixed(4) != FRAME) {
                    return CONNECTION_ERROR;
                }
                if ((in.getInt(payloadFrom) & Integer.MAX_VALUE) == 0) {
                    return streamId == 0 ? connectionError(Frames.PROTOCOL_ERROR, "a connection window update of 0")
                            : streamError(Frames.PROTOCOL_ERROR, "a stream window update of 0");
                }
                return FRAME;
            case Frames.PUSH_PROMISE:
            case Frames.CONTINUATION:
                return onStream() ? FRAME : CONNECTION_ERROR;
            default:
                return FRAME;   // unknown: the connection ignores it
        }
    }

    private boolean onStream() {
        if (streamId == 0) {
            connectionError(Frames.PROTOCOL_ERROR, typeName() + " on stream 0");
            return false;
        }
        return true;
    }

    private boolean onConnection() {
        if (streamId != 0) {
            connectionError(Frames.PROTOCOL_ERROR, typeName() + " on stream " + streamId);
            return false;
        }
        return true;
    }

    private int fixed(int expected) {
        return length == expected ? FRAME
                : connectionError(Frames.FRAME_SIZE_ERROR, typeName() + " of " + length + " octets, not " + expected);
    }

    /** §6.1, §6.2: takes the pad length octet and the padding off the payload. */
    private int unpad(ByteBuffer in) {
        if (!hasFlag(Frames.PADDED)) {
            return FRAME;
        }
        if (length < 1) {
            return connectionError(Frames.FRAME_SIZE_ERROR, typeName() + " padded with no pad length");
        }
        int padding = in.get(payloadFrom) & 0xff;
        if (padding >= length) {
            return connectionError(Frames.PROTOCOL_ERROR, typeName() + " with " + padding + " octets of padding in "
                    + length);
        }
        payloadFrom += 1;
        payloadLength -= 1 + padding;
        return FRAME;
    }

    private int connectionError(int code, String why) {
        errorCode = code;
        problem = why;
        return CONNECTION_ERROR;
    }

    private int streamError(int code, String why) {
        errorCode = code;
        problem = why;
        return STREAM_ERROR;
    }

    private String typeName() {
        switch (type) {
            case Frames.DATA: return "DATA";
            case Frames.HEADERS: return "HEADERS";
            case Frames.PRIORITY: return "PRIORITY";
            case Frames.RST_STREAM: return "RST_STREAM";
            case Frames.SETTINGS: return "SETTINGS";
            case Frames.PUSH_PROMISE: return "PUSH_PROMISE";
            case Frames.PING: return "PING";
            case Frames.GOAWAY: return "GOAWAY";
            case Frames.WINDOW_UPDATE: return "WINDOW_UPDATE";
            case Frames.CONTINUATION: return "CONTINUATION";
            default: return "frame type 0x" + Integer.toHexString(type);
        }
    }
}
