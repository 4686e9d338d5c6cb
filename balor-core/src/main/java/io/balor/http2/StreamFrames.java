package io.balor.http2;

import java.nio.ByteBuffer;

/**
 * The frames of an {@link Http2Connection} that carry requests: HEADERS and the CONTINUATIONs of
 * its header block (a new stream, trailers, or a block decoded only to keep HPACK in step, RFC
 * 9113 §4.3), and DATA (flow control counted, content-length checked, §8.1.1). Its connection
 * keeps the streams, windows and errors; this reads the frames into them. Owned by the
 * connection's loop thread.
 */
final class StreamFrames {

    private final Http2Connection c;

    StreamFrames(Http2Connection connection) {
        this.c = connection;
    }

    void headers(ByteBuffer in, long now) {
        int id = c.reader.streamId();
        boolean selfDependent = c.reader.hasFlag(Frames.PRIORITY_FLAG)
                && (in.getInt(c.reader.payloadFrom() - 5) & Integer.MAX_VALUE) == id;   // §5.3.1: a stream error
        Http2Stream stream = c.streams.find(id);
        boolean trailers = stream != null && (!c.client || stream.headDone);
        boolean ignored = false;
        if (stream == null && id <= c.lastStreamId) {
            int ended = c.recent.find(id);
            if (ended < 0) {
                c.fail(Frames.PROTOCOL_ERROR, "HEADERS on stream " + id + ", below the last opened");   // §5.1.1
                return;
            }
            if (ended == 0) {
                c.fail(Frames.STREAM_CLOSED, "HEADERS on closed stream " + id);
                return;
            }
            ignored = true;   // this side ended it: frames in flight are decoded and dropped (§5.1)
        }
        if (stream == null && ((id & 1) == 0 || c.client && !ignored)) {
            c.fail(Frames.PROTOCOL_ERROR, c.client ? "HEADERS opening stream " + id + " from a server"
                    : "HEADERS on even stream " + id);
            return;
        }
        if (!c.block.begin(id, c.reader.hasFlag(Frames.END_STREAM), trailers || ignored,
                selfDependent ? Frames.PROTOCOL_ERROR : 0, in, c.reader.payloadFrom(), c.reader.payloadLength())) {
            c.calm("a header block over " + 2 * c.limits.maxHeaderListSize() + " octets");
            return;
        }
        if (c.reader.hasFlag(Frames.END_HEADERS)) {
            endBlock(now);
        } else {
            c.block.keep();
        }
    }

    void continuation(ByteBuffer in, long now) {
        if (!c.block.open()) {
            c.fail(Frames.PROTOCOL_ERROR, "a CONTINUATION with no header block to continue");
            return;
        }
        if (c.reader.payloadLength() == 0 && !c.reader.hasFlag(Frames.END_HEADERS) && !c.glitches.take(now)) {
            c.calm("too many empty CONTINUATION frames");
            return;
        }
        if (!c.block.append(in, c.reader.payloadFrom(), c.reader.payloadLength())) {
            c.calm("a header block over " + 2 * c.limits.maxHeaderListSize() + " octets or " + HeaderBlock.MAX_FRAMES
                    + " frames");
            return;
        }
        if (c.reader.hasFlag(Frames.END_HEADERS)) {
            endBlock(now);
        }
    }

    /** A whole header block: a new stream's head, trailers, or one to decode only for HPACK's sake. */
    void endBlock(long now) {
        int id = c.block.streamId();
        boolean endStream = c.block.endStream();
        if (!c.client && !c.block.trailers() && id > c.lastStreamId) {
            c.lastStreamId = id;
        }
        if (c.block.streamError() != 0) {
            if (decodeOnly()) {
                c.streamError(id, c.block.streamError(), now);
            }
            return;
        }
        Http2Stream stream = c.block.trailers() || c.client ? c.streams.find(id) : null;
        if (stream == null && !c.block.trailers() && !c.client) {
            stream = c.goAwaySent ? null : c.streams.open(id, c.peer.initialWindow, c.flow.openingWindow());
            if (stream == null && !c.goAwaySent) {
                if (decodeOnly()) {
                    c.streamError(id, Frames.REFUSED_STREAM, now);   // §5.1.2: over the concurrency limit
                }
                return;
            }
            if (stream == null) {
                c.recent.ended(id, true);   // after GOAWAY: ignored, and so are its later frames (§6.8)
            }
        }
        if (stream == null || stream.state == Http2Stream.HALF_CLOSED_REMOTE || (stream.trailers || c.block.trailers())
                && !endStream) {
            if (decodeOnly() && stream != null) {
                c.streamError(id, stream.state == Http2Stream.HALF_CLOSED_REMOTE ? Frames.STREAM_CLOSED
                        : Frames.PROTOCOL_ERROR, now);   // trailers must end the stream (§8.1)
            }
            return;
        }
        if (c.block.trailers() && stream.contentLength >= 0 && stream.dataReceived != stream.contentLength) {
            if (decodeOnly()) {
                c.streamError(id, Frames.PROTOCOL_ERROR, now);   // §8.1.1: the DATA ends short of content-length
            }
            return;
        }
        stream.trailers = c.block.trailers();
        c.handler.onHeadersStart(stream, c.block.trailers());
        if (c.decoder.decode(c.block.bytes(), 0, c.block.length(), c.handler) != HpackDecoder.OK) {
            c.block.end();
            c.fail(Frames.COMPRESSION_ERROR, c.decoder.problem());
            return;
        }
        c.block.end();
        if (stream.id != id || stream.state == Http2Stream.IDLE) {
            return;   // the c.handler reset it while its fields came
        }
        if (endStream) {
            c.remoteEnded(stream);
        }
        c.handler.onHeadersEnd(stream, endStream, c.decoder.listTooLarge());
        if (stream.id == id) {
            c.closeIfDone(stream, Frames.NO_ERROR);
        }
    }

    /** Keeps HPACK's table in step with the peer's for a block whose stream is not served; false if that failed. */
    boolean decodeOnly() {
        int result = c.decoder.decode(c.block.bytes(), 0, c.block.length(), HpackDecoder.DISCARD);
        c.block.end();
        if (result != HpackDecoder.OK) {
            c.fail(Frames.COMPRESSION_ERROR, c.decoder.problem());
            return false;
        }
        return true;
    }

    void data(ByteBuffer in, long now) {
        int id = c.reader.streamId();
        int length = c.reader.length();
        if (id > c.lastStreamId) {
            c.fail(Frames.PROTOCOL_ERROR, "DATA on idle stream " + id);
            return;
        }
        if (!c.flow.received(length)) {
            c.fail(Frames.FLOW_CONTROL_ERROR, "DATA of " + length + " octets over the connection window of "
                    + c.flow.receiveWindow());
            return;
        }
        Http2Stream stream = c.streams.find(id);
        if (stream == null || stream.state == Http2Stream.HALF_CLOSED_REMOTE) {
            c.flow.giveBack(null, length);   // §6.9: counted for the connection all the same
            if (stream != null || c.recent.find(id) != 1) {
                c.streamError(id, Frames.STREAM_CLOSED, now);
            }   // else: in flight when this side ended the stream, dropped (§5.1)
            return;
        }
        if (!FlowControl.received(stream, length)) {
            c.flow.giveBack(null, length);
            c.streamError(id, Frames.FLOW_CONTROL_ERROR, now);
            return;
        }
        int payload = c.reader.payloadLength();
        stream.dataReceived += payload;
        boolean endStream = c.reader.hasFlag(Frames.END_STREAM);
        if (stream.contentLength >= 0 && (stream.dataReceived > stream.contentLength
                || endStream && stream.dataReceived != stream.contentLength)) {
            c.flow.giveBack(null, length);
            c.streamError(id, Frames.PROTOCOL_ERROR, now);   // §8.1.1: malformed
            return;
        }
        if (payload == 0 && !endStream && !c.glitches.take(now)) {
            c.calm("too many empty DATA frames");
            return;
        }
        if (length > payload) {
            c.consumed(stream, length - payload);   // padding: nobody else will give it back
        }
        if (endStream) {
            c.remoteEnded(stream);
        }
        c.handler.onData(stream, in, c.reader.payloadFrom(), payload, endStream);
        c.closeIfDone(stream, Frames.NO_ERROR);
    }
}
