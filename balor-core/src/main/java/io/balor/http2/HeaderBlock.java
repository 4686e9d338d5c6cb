package io.balor.http2;

import java.nio.ByteBuffer;

/**
 * One header block being received: a HEADERS frame without END_HEADERS and the CONTINUATION
 * frames that must follow it on the same stream with nothing in between (RFC 9113 §6.10).
 * Owned by its connection's loop thread; one per connection, reused, holding no array between
 * blocks.
 *
 * <p>Bounded, against the CONTINUATION flood (2024): a block may hold at most {@code capacity}
 * octets and come in at most {@link #MAX_FRAMES} frames; past either the connection ends, as a
 * peer that sends more is not one to wait for (nghttp2 and HAProxy do the same).
 */
final class HeaderBlock {

    /** Frames one block may come in: 16 KiB each is far more than any list this side accepts. */
    static final int MAX_FRAMES = 64;

    private final Http2Scratch scratches;
    private final int capacity;
    /** The loop's shared array while the block is gathered within one call; its own once it waits for a frame. */
    private byte[] bytes;
    private int length;
    private int frames;
    private int streamId;
    private boolean endStream;
    private boolean trailers;
    private int streamError;

    HeaderBlock(int capacity, Http2Scratch scratches) {
        this.capacity = capacity;
        this.scratches = scratches;
    }

    /** Whether a block has begun and not ended: only a CONTINUATION on its stream may come now. */
    boolean open() {
        return streamId != 0;
    }

    int streamId() {
        return streamId;
    }

    boolean endStream() {
        return endStream;
    }

    boolean trailers() {
        return trailers;
    }

    /** A stream error the HEADERS frame itself earned (a stream depending on itself), or 0. */
    int streamError() {
        return streamError;
    }

    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }

    /**
     * Starts a block with the HEADERS frame's fragment; {@code streamError}: the stream is to be
     * reset once the block is decoded (HPACK's table must see it all the same). False when the
     * fragment is already too large.
     */
    boolean begin(int streamId, boolean endStream, boolean trailers, int streamError, ByteBuffer in, int from,
            int count) {
        this.streamId = streamId;
        this.endStream = endStream;
        this.trailers = trailers;
        this.streamError = streamError;
        length = 0;
        frames = 0;
        bytes = scratches.block(capacity);
        return append(in, from, count);
    }

    /**
     * The block waits for a CONTINUATION, in a later read maybe: it moves out of the loop's shared
     * array into one of its own (a block split across frames is rare; a block that ends in its
     * HEADERS frame never needs one).
     */
    void keep() {
        byte[] own = new byte[capacity];
        System.arraycopy(bytes, 0, own, 0, length);
        bytes = own;
    }

    /** Adds a CONTINUATION's fragment. False when the block would pass its bounds. */
    boolean append(ByteBuffer in, int from, int count) {
        if (++frames > MAX_FRAMES || count > capacity - length) {
            return false;
        }
        in.get(from, bytes, length, count);
        length += count;
        return true;
    }

    /** The block has been decoded (or dropped). */
    void end() {
        streamId = 0;
        length = 0;
        bytes = null;
    }
}
