package io.balor.proxy;

import io.balor.http.CookieDomainRewriter;
import io.balor.http.HeadWriter.Framing;
import io.balor.http.HttpHead;
import io.balor.http.HttpLimits;
import io.balor.http.HttpParser;
import io.balor.http.Method;
import io.balor.http2.Frames;
import io.balor.http2.Http2Connection;
import io.balor.http2.Http2Stream;
import io.balor.http2.RequestHead;
import io.balor.http2.RequestTrailers;
import io.balor.loop.EventLoop;
import io.balor.loop.Timer;
import io.balor.net.Connection;
import io.balor.upstream.Upstream;

import java.nio.ByteBuffer;

/**
 * The client side of one HTTP/2 stream's exchange: the request as the HTTP/1.1 bytes an
 * {@link HttpExchange} reads (its head from {@link RequestHead}, its body from the stream's DATA,
 * chunked when it has no {@code content-length}, {@link StreamRequestBody}; its trailers then
 * the chunked body's trailer section, {@link RequestTrailers}), and the exchange's response sent
 * back as the stream's frames ({@link ResponseFrames}). Owned by its {@link Http2Session}'s loop
 * thread; reused from stream to stream.
 *
 * <p>Flow control is the backpressure: the stream's window is given back for request octets
 * only as the exchange takes them from {@link #clientIn()}, so that buffer holds at most the head
 * and one window (its size, {@code Http2Limits.streamWindow}, is chosen to fit). What differs
 * from an HTTP/1.1 client: there is no connection to close after a response (a stream is one
 * exchange), a failure after the response head resets the stream (RST_STREAM), and a gRPC call
 * gets Balor's own errors as a trailers-only response.
 */
final class StreamClient implements ExchangeClient {

    /** The session whose stream it serves now (the loop's stream clients are shared by its sessions). */
    private Http2Session session;
    private final EventLoop loop;
    private final RequestHead requestHead;
    private final RequestTrailers trailers;
    private final ResponseFrames response;
    private final StreamRequestBody body = new StreamRequestBody();
    private final Timer timer = new Timer(this::onTimer, this::close);
    private final ClientState state = new ClientState();

    private Http2Stream stream;
    private HttpExchange exchange;
    private ByteBuffer out;
    private long started;
    private boolean grpc;
    /** A gRPC call's deadline from its {@code grpc-timeout} (ticker time), or -1 when it has none. */
    private long deadline = -1;
    private boolean exchangeOver;
    private boolean responseDone;
    /** {@link ResponseFrames#send} is running: the response buffer is in use and must not go back to the pool. */
    private boolean sending;
    private boolean closed;
    /** In its session's list of streams to pump ({@link Http2Session}'s to keep). */
    boolean due;
    /** How long a request may go on after its whole response before the stream is reset (NO_ERROR). */
    private static final long LINGER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    /** Until when it may (ticker time), or -1 before its response is whole. */
    private long lingerUntil = -1;
    /** Request body octets received and not yet given back to the stream's window. */
    private int uncredited;
    private long bytesToClient;

    /**
     * A client side for the HTTP/2 sessions of {@code loop}, sharing its decoding and encoding
     * scratch ({@link StreamScratch}): a header block is decoded and taken up within one call, so a
     * stream needs no such buffers of its own.
     */
    StreamClient(EventLoop loop, HttpLimits limits, StreamScratch scratch) {
        this.loop = loop;
        this.requestHead = scratch.requestHead;
        this.trailers = scratch.requestTrailers;
        this.response = new ResponseFrames(limits, scratch.responseBlock, scratch.block, scratch.lines,
                loop.heapBuffers());
    }

    /** Takes {@code stream}: its header block is being decoded into {@link #requestHead()}. */
    void start(Http2Session session, Http2Stream stream) {
        this.session = session;
        this.stream = stream;
        stream.attach(this);
        requestHead.reset();
        exchange = null;
        state.reset();
        out = null;
        body.reset(false);
        grpc = false;
        exchangeOver = false;
        responseDone = false;
        closed = false;
        lingerUntil = -1;
        deadline = -1;
        uncredited = 0;
        bytesToClient = 0;
        started = loop.now();
        state.lastActivity = started;
    }

    RequestHead requestHead() {
        return requestHead;
    }

    /** Where the fields of the request's trailers go as they are decoded; reset for each block. */
    RequestTrailers trailers() {
        return trailers;
    }

    /**
     * The request's header block is decoded: the exchange starts, or the stream is refused (a
     * malformed request is reset with PROTOCOL_ERROR; a list too large gets 431).
     */
    void headEnd(boolean endStream, boolean tooLarge, long id, HttpExchanges exchanges, SessionCounters counters,
                 HttpContext context, Connection connection) {
        Http2Connection h2 = session.h2();
        state.requestId = id;
        state.policy = context.policy();
        ByteBuffer head = tooLarge ? null : requestHead.finish(!endStream);
        if (state.policy == null || head == null && !tooLarge) {
            h2.resetStream(stream, Frames.PROTOCOL_ERROR);
            return;
        }
        state.clientIn = loop.heapBuffers().acquire();   // never read from a socket: an array parses faster
        exchange = exchanges.acquire();
        exchange.bind(this, counters, context, connection, timer, null);
        if (tooLarge) {
            fail(431);
            return;
        }
        if (head.remaining() > state.clientIn.remaining()) {
            fail(431);
            return;
        }
        state.clientIn.put(head);
        body.reset(requestHead.chunked(!endStream));
        grpc = requestHead.grpc();
        long timeout = grpc ? requestHead.grpcTimeoutNanos() : -1;
        deadline = timeout >= 0 ? started + Math.min(timeout, Long.MAX_VALUE / 4) : -1;
        stream.declaredLength(requestHead.contentLength());
        HttpParser parser = exchange.requestParser();
        int verdict = parser.parse(state.clientIn, 0, state.clientIn.position(), exchange.request());
        if (verdict != HttpParser.COMPLETE) {
            fail(verdict == HttpParser.INVALID ? parser.errorStatus() : 400);
            return;
        }
        response.reset(exchange.request().method() == Method.HEAD);
        exchange.start(state.policy, started);
    }

    /** Request body octets from a DATA frame. */
    void data(ByteBuffer in, int from, int length, boolean endStream) {
        body(in, from, length, endStream, null);
    }

    /**
     * The request's trailers are decoded ({@link #trailers()}): the body ends. Their fields go on
     * as the chunked body's trailer section; a body framed by content-length has nowhere to carry
     * them, and they are dropped (RFC 9110 §6.5.1 lets a recipient discard them). Malformed
     * trailers reset the stream with PROTOCOL_ERROR (RFC 9113 §8.1.1); too many get 431 while the
     * response has not begun.
     */
    void trailersEnd(boolean tooLarge) {
        ByteBuffer section = trailers.finish();
        if (section == null) {
            if (stream != null) {
                session.h2().resetStream(stream, Frames.PROTOCOL_ERROR);   // calls streamClosed
            }
            return;
        }
        if (tooLarge || trailers.tooLarge()) {
            fail(431);
            return;
        }
        body(null, 0, 0, true, body.chunked() ? section : null);
    }

    private void body(ByteBuffer in, int from, int length, boolean endStream, ByteBuffer lastChunk) {
        if (state.clientIn == null || exchangeOver) {
            // Nobody will read them: the connection's window comes back, the stream's does not,
            // so a client that goes on sending soon stops and is reset (pump()).
            session.h2().consumed(null, length);
            return;
        }
        if (!body.put(this, in, from, length, endStream, lastChunk)) {
            session.h2().resetStream(stream, Frames.ENHANCE_YOUR_CALM);
            return;
        }
        uncredited += length;
        state.bytesFromClient += length;
        touch();
    }

    /**
     * Moves what can move: the exchange pumps, the response goes out as frames, and request
     * octets the exchange took are given back to the stream's window.
     */
    void pump() {
        if (closed) {
            return;
        }
        boolean moved;
        do {   // what the frames took from the response buffer makes room for more of the upstream's
            body.drain(this);
            if (exchange != null && !exchangeOver && exchange.forwarding()) {
                exchange.pump();
            }
            if (exchange != null && !exchangeOver) {
                exchange.flushUpstream();
            }
            moved = sendResponse();
            if (closed) {
                return;
            }
        } while (moved && exchange != null && !exchangeOver);
        if (responseDone && exchangeOver && stream != null && !stream.requestComplete() && lingered()) {
            // RFC 9113 §8.1: the response is whole and the request is not needed any more: the
            // client is told to stop sending it, without error (an answer Balor made, say)
            session.h2().resetStream(stream, Frames.NO_ERROR);   // calls streamClosed
            if (closed) {
                return;
            }
        }
        if (exchangeOver && !responseDone && response.idle() && (out == null || out.position() == 0)) {
            close();   // the exchange ended without a whole response: the client must not take it for one
            return;
        }
        credit();
        releaseIfDone();
    }

    /**
     * Whether a client still sending a request whose response is whole has had its chance to end
     * it: its stream window is spent (it waits for window that will not come) or
     * {@link #LINGER_NANOS} have passed. A short body then ends as sent, without a reset that a
     * client still writing may take for an error (curl does).
     */
    private boolean lingered() {
        if (lingerUntil < 0) {
            lingerUntil = loop.now() + LINGER_NANOS;
            loop.timers().schedule(timer, lingerUntil);
        }
        return stream.receiveWindow() <= 0 || loop.now() - lingerUntil >= 0;
    }

    /** Whether response octets wait here for frames to carry them. */
    boolean responseWaiting() {
        return !responseDone && (out != null && out.position() > 0 || !response.idle());
    }

    /** The upstream socket's interest: read while the response has room here, write what waits. */
    void interest() {
        if (exchange != null && !exchangeOver) {
            exchange.interest(out == null ? Integer.MAX_VALUE : out.remaining());
        }
    }

    /** Sends what the response buffer holds as frames; whether it took any of it. */
    private boolean sendResponse() {
        if (responseDone || stream == null || out == null || closed) {
            return false;
        }
        int before = out.position();
        int result;
        sending = true;
        try {
            result = response.send(out, session.h2(), stream);   // END_STREAM may close the stream: streamClosed()
        } finally {
            sending = false;
        }
        boolean moved = out.position() < before;
        if (result == ResponseFrames.INVALID) {
            close();
            return false;
        }
        if (result == ResponseFrames.DONE) {
            responseDone = true;
        }
        releaseIfDone();   // what streamClosed() could not let go of while the frames used the buffer
        return moved && !closed;
    }

    private void credit() {
        if (stream == null || uncredited == 0) {
            return;
        }
        int pending = state.unread() + body.waiting();
        int credit = Math.max(0, uncredited - pending);
        if (credit > 0) {
            uncredited -= credit;
            session.h2().consumed(stream, credit);
        }
    }

    /** The stream is over on the HTTP/2 side: both ended it, or it was reset, or the connection went. */
    void streamClosed(int errorCode) {
        stream = null;
        if (errorCode != Frames.NO_ERROR && exchange != null && !exchangeOver) {
            exchange.clientGone();
            exchange.close();
            exchangeOver = true;
        }
        releaseIfDone();
    }

    /** Whether this client side is done with: the exchange over and the stream gone or finished. */
    private void releaseIfDone() {
        if (closed || sending || !(exchangeOver || exchange == null)
                || stream != null && !(responseDone && stream.requestComplete())) {   // lingering: pump() resets it
            return;
        }
        closed = true;
        loop.timers().cancel(timer);
        if (exchange != null) {
            exchange.unbind();   // counts what it read from the upstream into the state
            exchange = null;
        }
        session.addBytesFromUpstream(state.bytesFromUpstream);
        state.clientIn = release(state.clientIn);
        out = release(out);
        response.release();
        if (stream != null) {
            stream.attach(null);
            stream = null;
        }
        session.released(this);
    }

    private void onTimer() {
        if (deadline >= 0 && exchange != null && !exchangeOver && loop.now() - deadline >= 0) {
            deadlineExceeded();
            session.streamReady(this);
            return;
        }
        if (exchange != null && !exchangeOver) {
            if (loop.now() - exchange.due() < 0) {
                loop.timers().schedule(timer, exchange.due());
                return;
            }
            exchange.timedOut(out != null && out.position() > 0);
        }
        session.streamReady(this);
    }

    // ---- ExchangeClient

    @Override
    public ClientState state() {
        return state;
    }

    @Override
    public boolean closeAfter() {
        return false;   // a stream is one exchange: nothing to close after it
    }

    @Override
    public void closeAfter(boolean close) {
    }

    @Override
    public boolean closed() {
        return closed || exchangeOver;
    }

    @Override
    public ByteBuffer out() {
        if (out == null) {
            out = loop.heapBuffers().acquire();
        }
        return out;
    }

    @Override
    public boolean finalHead(HttpHead head, Framing framing, long length, CookieDomainRewriter rewrite, byte[] extra) {
        return stream != null && !closed
                && response.finalHead(head, framing, length, rewrite, extra, out(), session.h2(), stream);
    }

    @Override
    public long bytesToClient() {
        return bytesToClient + (out == null ? 0 : out.position());
    }

    @Override
    public void touch() {
        state.lastActivity = loop.now();
    }

    @Override
    public void armAt(long due) {
        loop.timers().schedule(timer, deadline >= 0 && deadline - due < 0 ? deadline : due);
    }

    /**
     * The gRPC call's {@code grpc-timeout} passed (as Envoy and gRPC servers take it): the
     * upstream's part ends (a stream reset with CANCEL, a connection closed), and the client gets
     * DEADLINE_EXCEEDED as a trailers-only response, or a RST_STREAM (CANCEL) once the response has begun.
     */
    private void deadlineExceeded() {
        if (response.started() || exchange.responseStarted()) {
            exchange.clientGone();
            exchange.close();
            exchangeOver = true;
            if (stream != null) {
                session.h2().resetStream(stream, Frames.CANCEL);   // calls streamClosed
            }
            return;
        }
        fail(504);
    }

    @Override
    public void fail(int status) {
        if (exchange == null || exchangeOver) {
            return;
        }
        boolean relayed = response.started() || exchange.responseStarted();
        exchange.dropUpstream();
        if (relayed || stream == null) {
            close();
            return;
        }
        exchange.ended(status, loop.now() - started);
        if (grpc) {
            out();   // empty: what sends the head if it waits for room
            responseDone = response.grpcError(status, "balor: HTTP " + status, session.h2(), stream);
        } else {
            ErrorResponse.write(out(), status, state.requestId, status == 503 ? 1 : 0);
            response.reset(false);
        }
        exchangeOver = true;
        session.streamReady(this);
    }

    @Override
    public void close() {
        if (stream != null && !responseDone) {
            session.h2().resetStream(stream, Frames.INTERNAL_ERROR);   // calls streamClosed
        }
        if (exchange != null && !exchangeOver) {
            exchange.close();
            exchangeOver = true;
        }
        responseDone = true;
        releaseIfDone();
    }

    @Override
    public void closeWhenFlushed() {
        if (exchange != null) {
            exchange.dropUpstream();
        }
        exchangeOver = true;
        session.streamReady(this);
    }

    @Override
    public void exchangeDone() {
        exchangeOver = true;
        session.streamReady(this);
    }

    @Override
    public void upstreamReady(int readyOps) {
        if (exchange != null && !exchangeOver) {
            exchange.upstreamReady(readyOps);
        }
        session.streamReady(this);
    }

    @Override
    public void becomeTunnel(HttpPolicy exchangePolicy, Connection upstream, Upstream target, boolean extensions) {
        upstream.close();   // no Upgrade is forwarded from HTTP/2: this cannot happen, and does nothing if it does
        close();
    }

    /**
     * Moves the request's unread octets to the front of its buffer, once the exchange forwards:
     * until the head has gone to the upstream it is read from where it was parsed, and body
     * octets that come meanwhile wait in the spill ({@link StreamRequestBody}).
     */
    @Override
    public void compactIn() {
        if (exchange != null && exchange.forwarding()) {
            exchange.requestSide().compact(state, false);
        }
    }

    private ByteBuffer release(ByteBuffer buffer) {
        if (buffer != null) {
            loop.heapBuffers().release(buffer);
        }
        return null;
    }
}
