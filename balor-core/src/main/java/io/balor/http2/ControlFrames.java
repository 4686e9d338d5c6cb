package io.balor.http2;

import java.nio.ByteBuffer;

/**
 * The frames of an {@link Http2Connection} that steer it rather than carry a message: SETTINGS
 * (the peer's, applied; this side's, acknowledged), WINDOW_UPDATE, RST_STREAM and GOAWAY (§6.5,
 * §6.9, §6.4, §6.8). Its connection keeps the streams, windows and errors; this applies the
 * frames to them. Owned by the connection's loop thread.
 */
final class ControlFrames {

    private final Http2Connection c;

    ControlFrames(Http2Connection connection) {
        this.c = connection;
    }

    /** §6.8: c.client side, the c.streams above the server's last stream id were not processed: refused. */
    void goAwayReceived(int lastId) {
        c.goAwayReceived = true;
        if (!c.client) {
            return;
        }
        for (int i = 0; i < c.streams.made(); i++) {
            Http2Stream stream = c.streams.slot(i);
            if (stream.state != Http2Stream.IDLE && (stream.id > lastId || stream.id == 0)) {
                c.close(stream, Frames.REFUSED_STREAM);
            }
        }
    }

    void settings(ByteBuffer in) {
        if (c.reader.hasFlag(Frames.ACK)) {
            c.flow.settingsAcked(c.streams);
            return;
        }
        c.settingsReceived = true;
        long windowChange = c.peer.read(in, c.reader.payloadFrom(), c.reader.payloadLength());
        if (windowChange == Long.MIN_VALUE) {
            c.fail(c.peer.errorCode, c.peer.problem);
            return;
        }
        if (c.peer.tableSizeAnnounced) {
            c.encoder.peerTableSizeChanged();
        }
        if (windowChange != 0 && !moveStreamWindows(windowChange)) {
            return;
        }
        Frames.settingsAck(c.out);
    }

    /** §6.9.2: a new initial window moves every stream's send window by the difference. */
    private boolean moveStreamWindows(long delta) {
        if (!FlowControl.moveSendWindows(c.streams, delta)) {
            c.fail(Frames.FLOW_CONTROL_ERROR, "a stream window over 2^31 - 1 after SETTINGS_INITIAL_WINDOW_SIZE");
            return false;
        }
        if (delta > 0) {
            writable();
        }
        return true;
    }

    void windowUpdate(int id, int increment, long now) {
        if (id == 0) {
            if (!c.flow.sendWindowUpdate(increment)) {
                c.fail(Frames.FLOW_CONTROL_ERROR, "a connection window over 2^31 - 1");
                return;
            }
            writable();
            return;
        }
        Http2Stream stream = c.streams.find(id);
        if (stream == null) {
            if (id > c.lastStreamId) {
                c.fail(Frames.PROTOCOL_ERROR, "WINDOW_UPDATE on idle stream " + id);
            }
            return;   // a closed stream's: it may cross a reset (§6.9)
        }
        stream.sendWindow += increment;
        if (stream.sendWindow > Frames.MAX_WINDOW) {
            c.streamError(id, Frames.FLOW_CONTROL_ERROR, now);
            return;
        }
        if (stream.sendWindow > 0 && c.flow.canSend()) {
            c.handler.onWritable(stream);
        }
    }

    void rstStream(int id, int errorCode, long now) {
        if (id > c.lastStreamId) {
            c.fail(Frames.PROTOCOL_ERROR, "RST_STREAM on idle stream " + id);
            return;
        }
        Http2Stream stream = c.streams.find(id);
        if (stream == null) {
            return;
        }
        c.close(stream, errorCode);
        if (!c.resets.take(now)) {
            c.calm("c.streams reset faster than 33 a second after the first 1000");
        }
    }

    private void writable() {
        if (!c.flow.canSend()) {
            return;
        }
        for (int i = 0; i < c.streams.made(); i++) {
            Http2Stream stream = c.streams.slot(i);
            if (stream.state != Http2Stream.IDLE && stream.sendWindow > 0) {
                c.handler.onWritable(stream);
            }
        }
    }
}
