package io.balor.http2;

/**
 * The streams of one HTTP/2 connection that ended lately, and how: so that frames the client
 * sent before it heard of the end (RFC 9113 §5.1, "closed": trailers or DATA already in flight
 * when this side reset the stream, or streams above a GOAWAY's last id) are dropped quietly,
 * while a stream that ended normally, or never existed, is still an error to send on. A ring of
 * the last {@value #SIZE}; owned by the connection's loop thread.
 */
final class RecentStreams {

    static final int SIZE = 128;
    private static final int RESET = 0x8000_0000;

    private final int[] ids = new int[SIZE];
    private int next;

    /** Stream {@code id} ended; {@code reset}: by this side (or ignored), so late frames are dropped. */
    void ended(int id, boolean reset) {
        for (int i = 0; i < SIZE; i++) {
            if ((ids[i] & ~RESET) == id) {
                ids[i] = id | (reset ? RESET : 0);   // said again: the last word counts
                return;
            }
        }
        ids[next] = id | (reset ? RESET : 0);
        next = (next + 1) % SIZE;
    }

    /** 1: ended by this side (drop late frames), 0: ended normally, -1: not among the recent ones. */
    int find(int id) {
        for (int i = 0; i < SIZE; i++) {
            int entry = ids[i];
            if (entry != 0 && (entry & ~RESET) == id) {
                return (entry & RESET) != 0 ? 1 : 0;
            }
        }
        return -1;
    }
}
