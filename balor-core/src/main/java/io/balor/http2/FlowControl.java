package io.balor.http2;

import java.nio.ByteBuffer;

/**
 * HTTP/2 flow control of one connection (RFC 9113 §5.2, §6.9): the connection's two windows,
 * and the giving back of what the application passed on, for the connection and its streams.
 * Owned by the connection's loop thread.
 *
 * <p>Window is given back in halves: a WINDOW_UPDATE goes out once half of a window has been
 * passed on, as nghttp2 and HAProxy do, so a steady upload costs one small frame per half
 * window rather than one per DATA frame. Nothing is given back for a stream whose request is
 * whole: its window will not be used again.
 */
final class FlowControl {

    /** Octets of one WINDOW_UPDATE frame. */
    private static final int UPDATE = Frames.HEADER_LENGTH + 4;

    private ByteBuffer out;
    private final int connectionWindow;
    private final int streamWindow;
    /** What the peer lets this side send on the connection. */
    private long sendWindow = Frames.DEFAULT_WINDOW;
    /** What the peer may still send on the connection before a WINDOW_UPDATE. */
    private int receiveWindow;
    private int consumed;
    /** The client acknowledged this side's SETTINGS: its stream window binds from then on (§6.5.3). */
    private boolean settingsAcked;

    FlowControl(Http2Limits limits, ByteBuffer out) {
        this.out = out;
        this.connectionWindow = limits.connectionWindow();
        this.streamWindow = limits.streamWindow();
        this.receiveWindow = connectionWindow;
    }

    /** The buffer frames go into from now on ({@link Http2Connection#output}). */
    void output(ByteBuffer value) {
        out = value;
    }

    /** Writes the WINDOW_UPDATE that takes the connection window from the RFC's 65535 to this side's. */
    void open() {
        if (connectionWindow > Frames.DEFAULT_WINDOW) {
            Frames.windowUpdate(out, 0, connectionWindow - Frames.DEFAULT_WINDOW);
        }
    }

    /**
     * The client acknowledged this side's SETTINGS: it applies them from now on, so streams opened
     * before, with the RFC's default window, keep what they were given less the difference
     * (§6.9.2). Only the first acknowledgement counts.
     */
    void settingsAcked(StreamTable streams) {
        if (settingsAcked) {
            return;
        }
        settingsAcked = true;
        int cut = Frames.DEFAULT_WINDOW - streamWindow;
        for (int i = 0; cut > 0 && i < streams.made(); i++) {
            if (streams.slot(i).state != Http2Stream.IDLE) {
                streams.slot(i).receiveWindow -= cut;
            }
        }
    }

    /** What a stream opened now may receive before a WINDOW_UPDATE: the RFC's default until the ACK. */
    int openingWindow() {
        return settingsAcked ? streamWindow : Math.max(streamWindow, Frames.DEFAULT_WINDOW);
    }

    /** §6.9.2: moves every stream's send window by {@code delta}; false when one goes over 2^31 - 1. */
    static boolean moveSendWindows(StreamTable streams, long delta) {
        for (int i = 0; i < streams.made(); i++) {
            Http2Stream stream = streams.slot(i);
            if (stream.state != Http2Stream.IDLE) {
                stream.sendWindow += delta;
                if (stream.sendWindow > Frames.MAX_WINDOW) {
                    return false;
                }
            }
        }
        return true;
    }

    /** What the peer may still send on the connection. */
    int receiveWindow() {
        return receiveWindow;
    }

    /** Counts a received flow-controlled frame of {@code length} against the connection; false when over it. */
    boolean received(int length) {
        if (length > receiveWindow) {
            return false;
        }
        receiveWindow -= length;
        return true;
    }

    /** Counts it against the stream too; false when over the stream's window. */
    static boolean received(Http2Stream stream, int length) {
        if (length > stream.receiveWindow) {
            return false;
        }
        stream.receiveWindow -= length;
        return true;
    }

    /**
     * {@code count} octets were passed on (or dropped): the peer may send them again. {@code stream}
     * may be null. What has no room in the output yet stays owed ({@link #flushOwed}).
     */
    void giveBack(Http2Stream stream, int count) {
        consumed += count;
        if (stream != null && (stream.state == Http2Stream.OPEN || stream.state == Http2Stream.HALF_CLOSED_LOCAL)) {
            stream.consumed += count;
        }
        flush(stream);
    }

    /** Writes the WINDOW_UPDATEs that are due and fit, for the connection and every stream. */
    void flushOwed(StreamTable streams) {
        flush(null);
        for (int i = 0; i < streams.made(); i++) {
            if (streams.slot(i).consumed > 0) {
                flush(streams.slot(i));
            }
        }
    }

    private void flush(Http2Stream stream) {
        if (consumed >= connectionWindow / 2 && out.remaining() >= UPDATE) {
            Frames.windowUpdate(out, 0, consumed);
            receiveWindow += consumed;
            consumed = 0;
        }
        if (stream != null && stream.consumed >= streamWindow / 2 && out.remaining() >= UPDATE
                && (stream.state == Http2Stream.OPEN || stream.state == Http2Stream.HALF_CLOSED_LOCAL)) {
            Frames.windowUpdate(out, stream.id, stream.consumed);
            stream.receiveWindow += stream.consumed;
            stream.consumed = 0;
        }
    }

    /** What may be sent on {@code stream} now, as far as both windows and {@code maxFrame} go (may be 0 or less). */
    long sendable(Http2Stream stream, int maxFrame) {
        return Math.min(Math.min(stream.sendWindow, sendWindow), maxFrame);
    }

    void sent(Http2Stream stream, int count) {
        stream.sendWindow -= count;
        sendWindow -= count;
    }

    /** The peer's WINDOW_UPDATE on the connection; false when it takes the window over 2^31 - 1. */
    boolean sendWindowUpdate(int increment) {
        sendWindow += increment;
        return sendWindow <= Frames.MAX_WINDOW;
    }

    boolean canSend() {
        return sendWindow > 0;
    }
}
