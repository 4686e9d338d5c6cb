package io.balor.http2;

import java.nio.ByteBuffer;

/**
 * The RST_STREAM frames a connection owes its peer for want of room in its output, written in
 * order as room comes. Bounded: more owed than there can be streams to reset means the connection
 * is beyond saving, and the rest are dropped. Owned by the connection's loop thread; its array is
 * made when the first reset is owed (most connections never owe one).
 */
final class OwedResets {

    private final int max;
    /** Stream id, error code, stream id, error code, ... */
    private int[] owed;
    private int count;

    /** @param max resets that may be owed at once */
    OwedResets(int max) {
        this.max = max;
    }

    /** Writes RST_STREAM for stream {@code id} into {@code out}, or owes it while there is no room (or others are owed first). */
    void reset(ByteBuffer out, int id, int errorCode) {
        if (count == 0 && out.remaining() >= Frames.HEADER_LENGTH + 4) {
            Frames.rstStream(out, id, errorCode);
            return;
        }
        if (owed == null) {
            owed = new int[2 * max];
        }
        if (count < owed.length) {
            owed[count++] = id;
            owed[count++] = errorCode;
        }
    }

    /** Writes what is owed as far as {@code out} has room. */
    void flush(ByteBuffer out) {
        int i = 0;
        while (i < count && out.remaining() >= Frames.HEADER_LENGTH + 4) {
            Frames.rstStream(out, owed[i], owed[i + 1]);
            i += 2;
        }
        if (i > 0) {
            System.arraycopy(owed, i, owed, 0, count - i);
            count -= i;
        }
    }
}
