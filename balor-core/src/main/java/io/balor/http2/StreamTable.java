package io.balor.http2;

/**
 * The streams of one HTTP/2 connection that are not idle or closed: reusable {@link Http2Stream}
 * slots, at most as many as the connection lets the peer open at once, made as the peer first
 * has that many open (a connection that only ever had one stream open holds one), then reused.
 * Owned by the connection's loop thread; allocation-free once made. Lookups scan the slots: at
 * 100 streams that is cheaper than hashing, and it allocates nothing.
 */
final class StreamTable {

    private final Http2Stream[] slots;
    private int made;
    private int open;

    StreamTable(int capacity) {
        slots = new Http2Stream[capacity];
    }

    /** Streams in use. */
    int open() {
        return open;
    }

    /** The stream {@code id} if it is open or half-closed, else null (idle, or closed and forgotten). */
    Http2Stream find(int id) {
        for (int i = 0; i < made; i++) {
            Http2Stream stream = slots[i];
            if (stream.id == id && stream.state != Http2Stream.IDLE) {
                return stream;
            }
        }
        return null;
    }

    /** Opens stream {@code id} in a free slot; null when every slot is in use. */
    Http2Stream open(int id, long sendWindow, int receiveWindow) {
        for (int i = 0; i < made; i++) {
            Http2Stream stream = slots[i];
            if (stream.state == Http2Stream.IDLE) {
                stream.open(id, sendWindow, receiveWindow);
                open++;
                return stream;
            }
        }
        if (made == slots.length) {
            return null;
        }
        Http2Stream stream = slots[made++] = new Http2Stream();
        stream.open(id, sendWindow, receiveWindow);
        open++;
        return stream;
    }

    /** Frees the stream's slot (its state set to closed first, for whoever hears of it). */
    void free(Http2Stream stream) {
        stream.clear();
        open--;
    }

    /** The slot {@code i} (0 to {@link #made()} - 1), in use or not: for walks over every stream. */
    Http2Stream slot(int i) {
        return slots[i];
    }

    /** Slots made so far: walks over every stream go up to here. */
    int made() {
        return made;
    }

    int capacity() {
        return slots.length;
    }
}
