package io.balor.proxy;

import io.balor.http.HttpLimits;
import io.balor.http2.Frames;
import io.balor.http2.Http2Stream;
import io.balor.http2.ResponseHead;
import io.balor.loop.IoHandler;
import io.balor.net.Connection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * One stream of a shared {@link Http2Upstream}, seen by the {@link HttpExchange} that uses it as
 * the connection it would have to an HTTP/1.1 upstream: the exchange writes its request as
 * HTTP/1.1 bytes, which {@link StreamRequest} sends as HEADERS, DATA and trailers, and reads
 * the response as HTTP/1.1 bytes, which this makes of the stream's HEADERS ({@link ResponseHead}),
 * DATA (chunks, or as they are under a {@code content-length}) and trailers (the last chunk's
 * trailer section). So routing, retries, timeouts, logs and counts work for HTTP/2 upstreams
 * unchanged. Loop thread only; the loop's {@link Http2Upstreams} keeps and reuses them.
 *
 * <h2>Readiness</h2>
 * A socket tells its handler when it can be read or written; a stream has no socket, so its
 * connection does: after reading frames it wakes the streams that have something new and want
 * to read ({@link #interest}), and after a window opened or its output drained those that want
 * to write. Turning read interest on while bytes wait wakes the stream soon, as a socket with
 * unread bytes would (the loop runs that wake-up after the current event).
 *
 * <h2>Bounds</h2>
 * The response's DATA wait in one buffer of the stream's receive window, which is given back to
 * the upstream (WINDOW_UPDATE) as the exchange reads: a slow client holds one window per stream,
 * no more. A reset, the connection's failure or its GOAWAY makes the next read throw, and the
 * exchange fails as on a reset socket (a refused stream may be sent again).
 */
final class UpstreamStream extends Connection {

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n'};
    private static final byte[] CRLF = {'\r', '\n'};

    final StreamRequest request;
    final ResponseHead response;
    private Http2Upstream owner;
    Http2Stream stream;
    private IoHandler handler;
    private boolean wantRead;
    private boolean wantWrite;
    /** The response's DATA not yet read by the exchange (write mode), or null before the first. */
    private ByteBuffer data;
    private int headTaken;
    private boolean finalHead;
    private boolean chunked;
    private boolean ended;
    private int trailersTaken = -1;
    /** Chunk framing not yet read, {@code line[lineFrom, lineTo)}: a size line, a chunk's CRLF, the last chunk's. */
    private final byte[] line = new byte[12];
    private int lineFrom;
    private int lineTo;
    /** Octets of the chunk being read still in {@link #data}. */
    private int chunkLeft;
    private boolean lastChunkOut;
    /** Why the stream failed (a reset, the connection's end), or null. */
    private String failure;
    /** The upstream refused the stream (REFUSED_STREAM, or above its GOAWAY's last id): it never saw the request. */
    private boolean refused;
    private boolean open;
    private UpstreamConnection handle;

    UpstreamStream(HttpLimits limits) {
        this.request = new StreamRequest(this, limits);
        this.response = new ResponseHead(limits.maxHead());
    }

    /** Binds the stream to a new exchange on {@code owner}'s {@code stream}, its events to {@code handler}. */
    void start(Http2Upstream owner, Http2Stream stream, IoHandler handler) {
        this.owner = owner;
        this.stream = stream;
        this.handler = handler;
        stream.attach(this);
        wantRead = false;
        wantWrite = false;
        headTaken = 0;
        finalHead = false;
        chunked = false;
        ended = false;
        trailersTaken = -1;
        lineFrom = 0;
        lineTo = 0;
        chunkLeft = 0;
        lastChunkOut = false;
        failure = null;
        refused = false;
        open = true;
        if (data != null) {
            data.clear();
        }
        response.reset();
        request.start(owner.scheme());
    }

    Http2Upstream owner() {
        return owner;
    }

    /**
     * The exchange's handle on this stream to {@code target} (made again only for another upstream or
     * server name: a stream object reused for the same upstream allocates nothing).
     */
    UpstreamConnection handle(io.balor.upstream.Upstream target, String serverName) {
        if (handle == null || handle.upstream() != target || !java.util.Objects.equals(handle.serverName(), serverName)) {
            handle = new UpstreamConnection(this, target, serverName, null, false);
        }
        return handle;
    }

    // ---- what the exchange calls, as on a socket

    @Override
    public int write(ByteBuffer from) throws IOException {
        check();
        return request.write(from);
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
        int start = into.position();
        if (headTaken < response.head().position()) {
            headTaken += copy(response.head(), headTaken, response.head().position() - headTaken, into);
        }
        if (finalHead && headTaken == response.head().position()) {
            body(into);
        }
        int n = into.position() - start;
        if (n == 0) {
            check();
            if (ended && trailersTaken < 0 && (data == null || data.position() == 0) && !chunked && lineFrom == lineTo) {
                return -1;
            }
        }
        return n;
    }

    /**
     * Moves the buffered DATA (as one chunk when chunked), then the end, as far as {@code into}
     * has room, to its last octet as a socket would (the relay reading it compacts only a full
     * buffer): a chunk's framing and the trailer section go out in pieces when they must. The
     * window goes back for what moved.
     */
    private void body(ByteBuffer into) {
        while (into.hasRemaining()) {
            if (lineFrom < lineTo) {
                int n = Math.min(lineTo - lineFrom, into.remaining());
                into.put(line, lineFrom, n);
                lineFrom += n;
            } else if (chunkLeft > 0) {
                int n = Math.min(chunkLeft, into.remaining());
                data.flip();
                int limit = data.limit();
                data.limit(n);
                into.put(data);
                data.limit(limit);
                data.compact();
                chunkLeft -= n;
                if (chunkLeft == 0 && chunked) {
                    line(CRLF);
                }
                owner.consumed(this, n);
            } else if (data != null && data.position() > 0) {
                chunkLeft = data.position();
                if (chunked) {
                    hex(chunkLeft);
                }
            } else if (ended && chunked && trailersTaken >= 0) {
                if (!lastChunkOut) {
                    lastChunkOut = true;
                    line(LAST_CHUNK);
                    continue;
                }
                ByteBuffer trailers = response.trailers();
                int n = Math.min(trailers.position() - trailersTaken, into.remaining());
                into.put(trailers.array(), trailersTaken, n);
                trailersTaken += n;
                if (trailersTaken == trailers.position()) {
                    line(CRLF);
                    trailersTaken = -1;
                    chunked = false;   // all of it is out once the line is: the next read is the end
                }
            } else {
                return;
            }
        }
    }

    /** Puts {@code n} as a chunk size line into {@link #line}. */
    private void hex(int n) {
        int shift = 28;
        while (shift > 0 && (n >>> shift) == 0) {
            shift -= 4;
        }
        lineFrom = 0;
        lineTo = 0;
        for (; shift >= 0; shift -= 4) {
            line[lineTo++] = HEX[(n >>> shift) & 0xf];
        }
        line[lineTo++] = '\r';
        line[lineTo++] = '\n';
    }

    private void line(byte[] bytes) {
        System.arraycopy(bytes, 0, line, 0, bytes.length);
        lineFrom = 0;
        lineTo = bytes.length;
    }

    private static int copy(ByteBuffer from, int at, int length, ByteBuffer into) {
        int n = Math.min(length, into.remaining());
        into.put(from.array(), at, n);
        return n;
    }

    @Override
    public void interest(int op, boolean on) {
        if (op == SelectionKey.OP_READ) {
            wantRead = on;
            if (on && readable()) {
                owner.wake();
            }
        } else if (op == SelectionKey.OP_WRITE) {
            wantWrite = on;
            if (on && request.canWrite()) {
                owner.wake();
            }
        }
    }

    @Override
    public void attach(IoHandler handler) {
        this.handler = handler;
    }

    /** The exchange is done with it: a stream not over either way is reset (CANCEL); it goes back to the loop's pool. */
    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        owner.release(this);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean flush() {
        return true;
    }

    @Override
    public boolean flushed() {
        return true;
    }

    @Override
    public boolean truncated() {
        return false;
    }

    @Override
    public boolean isTls() {
        return false;
    }

    @Override
    public String peer() {
        return owner == null ? "h2 stream" : owner.peer();
    }

    // ---- what the shared connection tells it

    /** Whether a read would find something: bytes, the end, or a failure. */
    boolean readable() {
        return failure != null || headTaken < response.head().position()
                || finalHead && (lineFrom < lineTo || data != null && data.position() > 0 || ended);
    }

    boolean wantsRead() {
        return wantRead;
    }

    boolean wantsWrite() {
        return wantWrite;
    }

    /** Delivers a wake-up ({@code ops}) to the exchange. */
    void ready(int ops) {
        if (open && handler != null) {
            handler.onReady(ops);
        }
    }

    /** A head block (1xx or final) is in ({@code endStream}: it ends the response); false when it is malformed. */
    boolean headEnd(boolean endStream) {
        if (!response.finishHead(endStream, request.headMethod())) {
            return false;
        }
        if (!response.interim()) {
            finalHead = true;
            stream.finalHeadReceived();
            chunked = !endStream && response.chunked(request.headMethod());
            if (response.contentLength() >= 0 && !request.headMethod() && response.status() != 304) {
                stream.declaredLength(response.contentLength());
            }
            if (endStream) {
                responseEnded(false);
            }
        } else if (endStream) {
            return false;   // §8.1: an interim head does not end a response
        }
        return true;
    }

    /** Response DATA, which the window guarantees room for; false if it came before the final head. */
    boolean data(ByteBuffer in, int from, int length, boolean endStream) {
        if (!finalHead) {
            return false;
        }
        ByteBuffer data = dataBuffer();
        if (length > data.remaining()) {
            return false;   // more than the window this side gave: the stream is reset
        }
        data.put(data.position(), in, from, length);
        data.position(data.position() + length);
        if (endStream) {
            responseEnded(false);
        }
        return true;
    }

    /** The response is complete; {@code withTrailers}: its trailers are in {@link ResponseHead#trailers()}. */
    void responseEnded(boolean withTrailers) {
        ended = true;
        trailersTaken = chunked ? 0 : -1;
        if (!chunked && withTrailers) {
            response.trailers().clear();   // a body framed by its length has nowhere to carry them
        }
    }

    /** The stream is over without a whole response (reset, connection gone): the next read throws. */
    void failed(int errorCode) {
        if (!ended || errorCode != Frames.NO_ERROR) {
            failure = errorCode == Frames.REFUSED_STREAM ? "upstream refused the stream"
                    : "upstream stream ended: " + Frames.errorName(errorCode);
        }
        refused = errorCode == Frames.REFUSED_STREAM && !finalHead;
        stream = null;
    }

    /** Whether the upstream refused the stream before any response: the request may go again, whatever it is (RFC 9113 §8.7). */
    boolean refused() {
        return refused;
    }

    /** The response octets the exchange has not read (they still count against the connection's window). */
    int unread() {
        return data == null ? 0 : data.position();
    }

    /** The buffer for the response's DATA (the stream window's size), kept with this object for the next stream. */
    ByteBuffer dataBuffer() {
        if (data == null) {
            data = ByteBuffer.allocate(Frames.DEFAULT_WINDOW);
        }
        return data;
    }

    private void check() throws IOException {
        if (failure != null && !(ended && finalHead)) {
            throw new IOException(failure);
        }
    }
}
