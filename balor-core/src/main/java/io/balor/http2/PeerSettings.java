package io.balor.http2;

import java.nio.ByteBuffer;

/**
 * The settings an HTTP/2 peer announced (RFC 9113 §6.5.2) that bind what this side sends: the
 * largest frame it takes and the initial window of each stream. Owned by the connection's loop
 * thread.
 *
 * <p>{@link #read} applies one SETTINGS frame's pairs in order and refuses a value the RFC
 * forbids: SETTINGS_ENABLE_PUSH other than 0 or 1, SETTINGS_INITIAL_WINDOW_SIZE over 2^31 - 1
 * (FLOW_CONTROL_ERROR), SETTINGS_MAX_FRAME_SIZE outside 16384 to 2^24 - 1. Concurrent streams
 * bound what a client-side connection opens; the header list size is advice and, like unknown
 * identifiers, ignored, as §6.5.2 asks.
 */
final class PeerSettings {

    int maxFrameSize = Frames.DEFAULT_MAX_FRAME_SIZE;
    int initialWindow = Frames.DEFAULT_WINDOW;
    /** How many streams the peer lets this side open at once (unlimited until it says, §6.5.2). */
    long maxConcurrentStreams = Integer.MAX_VALUE;
    /** The peer announced SETTINGS_HEADER_TABLE_SIZE in the last frame read. */
    boolean tableSizeAnnounced;
    /** The error code of the last refusal, and why. */
    int errorCode;
    String problem;

    /**
     * Applies the pairs of a SETTINGS frame's payload {@code in[from, from + length)}. Returns
     * the change of the initial window (to move every stream's window by), or
     * {@link Long#MIN_VALUE} on a refusal ({@link #errorCode}, {@link #problem}).
     */
    long read(ByteBuffer in, int from, int length) {
        long windowChange = 0;
        tableSizeAnnounced = false;
        for (int at = from, end = from + length; at < end; at += 6) {
            int id = in.getShort(at) & 0xffff;
            long value = in.getInt(at + 2) & 0xffffffffL;
            switch (id) {
                case Frames.SETTINGS_HEADER_TABLE_SIZE:
                    tableSizeAnnounced = true;
                    break;
                case Frames.SETTINGS_ENABLE_PUSH:
                    if (value > 1) {
                        return refuse(Frames.PROTOCOL_ERROR, "SETTINGS_ENABLE_PUSH of " + value);
                    }
                    break;
                case Frames.SETTINGS_INITIAL_WINDOW_SIZE:
                    if (value > Frames.MAX_WINDOW) {
                        return refuse(Frames.FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE of " + value);
                    }
                    windowChange += value - initialWindow;
                    initialWindow = (int) value;
                    break;
                case Frames.SETTINGS_MAX_CONCURRENT_STREAMS:
                    maxConcurrentStreams = value;
                    break;
                case Frames.SETTINGS_MAX_FRAME_SIZE:
                    if (value < Frames.DEFAULT_MAX_FRAME_SIZE || value > Frames.MAX_MAX_FRAME_SIZE) {
                        return refuse(Frames.PROTOCOL_ERROR, "SETTINGS_MAX_FRAME_SIZE of " + value);
                    }
                    maxFrameSize = (int) value;
                    break;
                default:
                    break;
            }
        }
        return windowChange;
    }

    private long refuse(int code, String why) {
        errorCode = code;
        problem = why;
        return Long.MIN_VALUE;
    }
}
