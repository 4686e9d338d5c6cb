package io.balor.proxy;

import io.balor.http2.Frames;
import io.balor.http2.Http2Connection;
import io.balor.http2.Http2Limits;
import io.balor.http2.Http2Stream;
import io.balor.http2.StreamHandler;
import io.balor.loop.EventLoop;
import io.balor.loop.IoHandler;
import io.balor.loop.Timer;
import io.balor.net.Connection;
import io.balor.tls.UpstreamTls;
import io.balor.upstream.Upstream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP/2 connection to an upstream (a pool with {@code protocol} {@code h2} or {@code h2c}),
 * shared by the exchanges of its loop: each takes a stream of it ({@link UpstreamStream}) for as
 * long as its request and response last, up to as many at once as the upstream's
 * SETTINGS_MAX_CONCURRENT_STREAMS and {@link #MAX_STREAMS} allow; {@link Http2Upstreams} finds
 * one with room or has a new one dialed. Owned by one loop's thread: it is its socket's handler,
 * reads frames into its {@link Http2Connection} (client side) and writes them from one output
 * buffer.
 *
 * <p>Idle (no stream) for the keep-alive cache's idle time it says GOAWAY and closes; a GOAWAY
 * from the upstream, a protocol error or a closed socket end it at once, its open streams failing
 * as on a reset socket (refused ones may be sent again elsewhere).
 */
final class Http2Upstream implements IoHandler, StreamHandler {

    /** The most streams one connection carries at once (as HAProxy's default for servers). */
    static final int MAX_STREAMS = 100;
    private static final byte[] HTTP = "http".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HTTPS = "https".getBytes(StandardCharsets.US_ASCII);

    private final EventLoop loop;
    private final Http2Upstreams registry;
    private final Connection connection;
    private final Upstream upstream;
    private final String serverName;
    private final UpstreamTls tls;
    private final Http2Connection h2;
    private final ByteBuffer in;
    private final ByteBuffer out;
    /** The header block of one request being encoded (sent at once or encoded again). */
    private final ByteBuffer scratch;
    private final List<UpstreamStream> streams = new ArrayList<>();
    private final Timer idleTimer = new Timer(this::idleExpired);
    private final Runnable wakeTask = this::runWakes;
    private boolean wakeScheduled;
    private boolean closed;
    private boolean dispatching;
    /** The stream whose header block is being decoded, or null. */
    private UpstreamStream decoding;
    private boolean decodingTrailers;

    Http2Upstream(EventLoop loop, Http2Upstreams registry, Connection connection, Upstream upstream, String serverName,
                  UpstreamTls tls, int maxHead) {
        this.loop = loop;
        this.registry = registry;
        this.connection = connection;
        this.upstream = upstream;
        this.serverName = serverName;
        this.tls = tls;
        this.in = loop.buffers().acquire();
        this.out = loop.buffers().acquire();
        this.scratch = ByteBuffer.allocate(2 * maxHead);
        Http2Limits limits = new Http2Limits(MAX_STREAMS, Frames.DEFAULT_WINDOW, 16 * Frames.DEFAULT_WINDOW,
                Math.max(1024, maxHead), Http2Limits.DEFAULT.headerTableSize());
        this.h2 = Http2Connection.client(limits, this, out, loop.now());
    }

    /** Takes the socket over (connected, handshaken) and says the preface and SETTINGS. */
    void start() {
        connection.attach(this);
        h2.start();
        flush();
        interest();
    }

    Http2Connection h2() {
        return h2;
    }

    ByteBuffer scratch() {
        return scratch;
    }

    byte[] scheme() {
        return tls == null ? HTTP : HTTPS;
    }

    String peer() {
        return upstream.id();
    }

    /** Whether it is for {@code target} under these settings and can take one more stream now. */
    boolean fits(Upstream target, String name, UpstreamTls settings) {
        return !closed && upstream.id().equals(target.id()) && tls == settings
                && java.util.Objects.equals(serverName, name) && h2.canOpen();
    }

    Upstream upstream() {
        return upstream;
    }

    /** Opens a stream for an exchange whose upstream events go to {@code handler}; null when none can open. */
    UpstreamStream open(IoHandler handler) {
        Http2Stream stream = h2.openStream();
        if (stream == null) {
            return null;
        }
        loop.timers().cancel(idleTimer);
        UpstreamStream s = registry.freeStream();
        s.start(this, stream, handler);
        streams.add(s);
        return s;
    }

    // ---- what its streams tell it

    /** The exchange read {@code count} octets of the stream's DATA: they go back into the windows. */
    void consumed(UpstreamStream s, int count) {
        if (!closed) {
            h2.consumed(s.stream, count);   // a stream already over: the connection's window only
            scheduleFlush();
        }
    }

    /** A stream wrote frames: they go out once the exchange's turn is over. */
    void wrote() {
        scheduleFlush();
    }

    /**
     * The exchange wants a wake-up that no frame will bring (bytes already wait, or room already
     * is): the loop runs a round soon, as a selector reports a socket that is still ready.
     */
    void wake() {
        if (!wakeScheduled) {
            wakeScheduled = true;   // also once closed: a stream over may still hold a response not yet read
            loop.endOfTurn(wakeTask);
        }
    }

    /** The exchange is done with {@code s}: a stream still open is reset, and {@code s} goes back to the pool. */
    void release(UpstreamStream s) {
        streams.remove(s);
        int unread = s.unread();
        if (!closed) {
            if (s.stream != null) {
                Http2Stream stream = s.stream;
                s.stream = null;
                stream.attach(null);
                h2.resetStream(stream, Frames.CANCEL);
            }
            h2.consumed(null, unread);   // what the exchange left unread frees the connection's window
            if (streams.isEmpty()) {
                loop.timers().schedule(idleTimer, loop.now() + registry.idleNanos());
            }
            scheduleFlush();
        }
        registry.freed(s);
    }

    private void scheduleFlush() {
        if (!closed) {
            wake();
        }
    }

    private void runWakes() {
        wakeScheduled = false;
        if (!closed) {
            advance();
        } else {
            dispatch();   // no socket any more, but what its streams received is still read
        }
    }

    // ---- the socket

    @Override
    public void onReady(int readyOps) {
        if ((readyOps & SelectionKey.OP_READ) != 0 && in.hasRemaining()) {
            try {
                if (connection.read(in) < 0) {
                    fail();
                    return;
                }
            } catch (IOException e) {
                fail();
                return;
            }
        }
        advance();
    }

    @Override
    public void onFailure(Throwable cause) {
        fail();
    }

    /** Reads the frames there is room for, wakes the streams that moved, writes; again while the output drains. */
    private void advance() {
        if (dispatching) {
            return;
        }
        dispatching = true;
        try {
            boolean again = true;
            while (again && !closed) {
                in.flip();
                h2.receive(in, loop.now());
                in.compact();
                for (int i = 0; i < streams.size(); i++) {
                    streams.get(i).request.flushEnd();
                }
                int written = flush();
                dispatch();
                again = written > 0 && (h2.held() || waitingToWrite());
                if (h2.closed() && out.position() == 0) {
                    fail();
                }
            }
        } finally {
            dispatching = false;
        }
        if (!closed) {
            flush();
            interest();
        }
    }

    /** Wakes the streams that can move: those with something to read, those that may write. */
    private void dispatch() {
        for (int i = streams.size() - 1; i >= 0; i--) {
            if (i >= streams.size()) {
                continue;
            }
            UpstreamStream s = streams.get(i);
            int ops = (s.wantsRead() && s.readable() ? SelectionKey.OP_READ : 0)
                    | (s.wantsWrite() && s.request.canWrite() ? SelectionKey.OP_WRITE : 0);
            if (ops != 0) {
                s.ready(ops);
            }
        }
    }

    private boolean waitingToWrite() {
        for (int i = 0; i < streams.size(); i++) {
            UpstreamStream s = streams.get(i);
            if (s.wantsWrite() || s.request.endWaiting()) {
                return true;
            }
        }
        return false;
    }

    private int flush() {
        int n = 0;
        try {
            if (out.position() > 0) {
                out.flip();
                n = connection.write(out);
                out.compact();
            }
            connection.flush();
        } catch (IOException e) {
            fail();
        }
        return n;
    }

    private void interest() {
        connection.interest(SelectionKey.OP_READ, in.hasRemaining());
        connection.interest(SelectionKey.OP_WRITE, out.position() > 0 || !connection.flushed());
    }

    private void idleExpired() {
        if (streams.isEmpty() && !closed) {
            h2.goAway();
            flush();
            fail();
        }
    }

    /** The connection is over: every stream fails, the socket closes, the buffers go back. */
    private void fail() {
        if (closed) {
            return;
        }
        closed = true;
        loop.timers().cancel(idleTimer);
        registry.closed(this);
        for (int i = streams.size() - 1; i >= 0; i--) {
            UpstreamStream s = streams.get(i);
            if (s.stream != null) {
                s.stream.attach(null);
                s.failed(Frames.CANCEL);
                s.ready(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
        }
        connection.close();
        loop.buffers().release(in);
        loop.buffers().release(out);
    }

    boolean closed() {
        return closed;
    }

    // ---- StreamHandler: the upstream's frames

    @Override
    public void onHeadersStart(Http2Stream stream, boolean trailers) {
        decoding = (UpstreamStream) stream.attachment();
        decodingTrailers = trailers;
        if (decoding == null) {
            return;
        }
        if (trailers) {
            decoding.response.beginTrailers();
        } else {
            decoding.response.beginHead();
        }
    }

    @Override
    public void field(byte[] bytes, int nameFrom, int nameLength, int valueFrom, int valueLength, boolean sensitive) {
        if (decoding != null) {
            decoding.response.field(bytes, nameFrom, nameLength, valueFrom, valueLength, sensitive);
        }
    }

    @Override
    public void onHeadersEnd(Http2Stream stream, boolean endStream, boolean tooLarge) {
        UpstreamStream s = decoding;
        decoding = null;
        if (s == null) {
            return;
        }
        boolean ok = !tooLarge && (decodingTrailers ? s.response.problem() == null : s.headEnd(endStream));
        if (!ok) {
            h2.resetStream(stream, Frames.PROTOCOL_ERROR);   // §8.1.1: malformed; onClosed fails the exchange
            return;
        }
        if (decodingTrailers) {
            s.responseEnded(true);
        }
    }

    @Override
    public void onData(Http2Stream stream, ByteBuffer data, int from, int length, boolean endStream) {
        UpstreamStream s = (UpstreamStream) stream.attachment();
        if (s == null) {
            h2.consumed(stream, length);
            return;
        }
        if (!s.data(data, from, length, endStream)) {
            h2.resetStream(stream, Frames.PROTOCOL_ERROR);
            h2.consumed(null, length);   // not kept: the connection's window gets it back
        }
    }

    @Override
    public void onWritable(Http2Stream stream) {
        // advance() flushes ends and wakes the writers after the frames are read
    }

    @Override
    public void onClosed(Http2Stream stream, int errorCode) {
        UpstreamStream s = (UpstreamStream) stream.attachment();
        stream.attach(null);
        if (s != null) {
            s.failed(errorCode);
        }
    }
}
