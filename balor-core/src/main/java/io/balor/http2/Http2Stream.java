package io.balor.http2;

/**
 * One stream of an HTTP/2 connection (RFC 9113 §5.1): its state, its two flow-control windows
 * and what the application attached to it. Owned by the connection's loop thread; a connection
 * keeps and reuses a fixed number of them, so a stream object outlives the stream: the
 * application must not keep one past {@link StreamHandler#onClosed}.
 *
 * <p>States, as RFC 9113 §5.1 names them: {@link #OPEN} after the request's HEADERS;
 * {@link #HALF_CLOSED_REMOTE} once the client sent END_STREAM (the request is whole);
 * {@link #HALF_CLOSED_LOCAL} once Balor sent END_STREAM before the client did; {@link #CLOSED}
 * when both have, or either reset it.
 */
public final class Http2Stream {

    public static final int IDLE = 0;
    public static final int OPEN = 1;
    public static final int HALF_CLOSED_REMOTE = 2;
    public static final int HALF_CLOSED_LOCAL = 3;
    public static final int CLOSED = 4;

    int id;
    int state = IDLE;
    /** What the peer lets this side send on the stream (§6.9); may go below 0 after a SETTINGS change. */
    long sendWindow;
    /** What the peer may still send on the stream before a WINDOW_UPDATE from this side. */
    int receiveWindow;
    /** Octets received that the application has passed on and that are not yet given back. */
    int consumed;
    /** The request's content-length, or -1 (§8.1.1: DATA must add up to it). */
    long contentLength = -1;
    long dataReceived;
    /** A HEADERS without END_STREAM after the head: trailers are being received. */
    boolean trailers;
    /** Client side: the final (non-1xx) response head arrived, so a later HEADERS is trailers. */
    boolean headDone;
    private Object attachment;

    public int id() {
        return id;
    }

    public int state() {
        return state;
    }

    /** Whether the client sent all of its request (END_STREAM). */
    public boolean requestComplete() {
        return state == HALF_CLOSED_REMOTE || state == CLOSED;
    }

    /** What the peer may still send on the stream before this side gives window back. */
    public int receiveWindow() {
        return receiveWindow;
    }

    /** What may be sent on this stream now as far as its own window goes (the connection's aside). */
    public long sendWindow() {
        return sendWindow;
    }

    /**
     * The request's {@code content-length} (or -1): its DATA must add up to it, else the stream
     * is reset as malformed (RFC 9113 §8.1.1).
     */
    public void declaredLength(long length) {
        contentLength = length;
    }

    /** Client side: the response's final head is in; a HEADERS after it carries trailers (§8.1). */
    public void finalHeadReceived() {
        headDone = true;
    }

    /** The application's object for this stream (the exchange), or null. */
    public Object attachment() {
        return attachment;
    }

    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    void open(int streamId, long initialSendWindow, int initialReceiveWindow) {
        id = streamId;
        state = OPEN;
        sendWindow = initialSendWindow;
        receiveWindow = initialReceiveWindow;
        consumed = 0;
        contentLength = -1;
        dataReceived = 0;
        trailers = false;
        headDone = false;
        attachment = null;
    }

    void clear() {
        id = 0;
        state = IDLE;
        attachment = null;
    }
}
