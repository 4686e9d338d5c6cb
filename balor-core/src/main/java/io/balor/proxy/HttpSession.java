package io.balor.proxy;

import io.balor.SessionInfo;
import io.balor.http.HttpParser;
import io.balor.loop.EventLoop;
import io.balor.loop.IoHandler;
import io.balor.loop.Timer;
import io.balor.net.Acceptor;
import io.balor.net.Connection;
import io.balor.upstream.Upstream;
import io.balor.ws.WebSocketHandshake;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * An L7 session: one client connection carrying HTTP/1.1 requests, each forwarded by its
 * {@link HttpExchange}. Owned by one loop's thread from start to close; the client socket and
 * every upstream socket its exchanges use are on that loop.
 *
 * <p>The session keeps the client side: it reads the client into one buffer and writes it from
 * another, parses each request head ({@link HttpParser}; a refused head is answered 400, 414,
 * 431, ... and the connection closed, with nothing sent upstream), starts the exchange, and
 * between exchanges waits under the keep-alive and head timeouts. Pipelined requests wait in the
 * buffer: one exchange at a time, so responses keep their order. Its one timer serves whatever
 * waits now: the next head, or the exchange ({@link HttpExchange#due()}). A client that goes
 * away mid-exchange ends it at once ({@link #clientGone()}, logged as 499).
 *
 * <p>The exchange, with the parser and head of the request, is the loop's ({@link HttpExchanges}):
 * taken when a request head begins, given back when its exchange is over. A keep-alive
 * connection waiting for its next request holds no exchange and no buffer, only this object,
 * its {@link Connection} and its timer. The session is its client socket's {@link IoHandler};
 * the exchange's handler brings the upstream's events to {@link #upstreamReady}.
 */
public final class HttpSession extends Session implements IoHandler, ExchangeClient {

    final EventLoop loop;
    private final SessionCounters counters;
    private final HttpContext context;
    private final Connection client;
    private final HttpExchanges exchanges;
    private final SessionClock clock = new SessionClock(this);
    final Timer timer = new Timer(clock::onTimer, this::close);
    /** The exchange of the request being read or served, or null between requests. */
    HttpExchange exchange;

    /** What the exchange reads and moves on: the client's bytes, the current request's policy and id, the counts. */
    final ClientState state = new ClientState();
    /** The connection closes after the current response. */
    private boolean closeAfter;
    /** Idle upstream connections private to this session (they carried a PROXY header naming its client), or null. */
    private java.util.ArrayDeque<UpstreamConnection> privateIdle;

    ByteBuffer clientOut;
    /** The exchange is over and the connection closes once {@code clientOut} is written. */
    private boolean closing;
    private boolean clientEof;
    /** No request has been read yet: an HTTP/2 client preface may come instead. */
    private boolean firstRequest = true;
    /** When the first byte of the request head being read arrived, or -1. */
    long headSince = -1;
    /** Bytes written to the client socket (the access log adds what still waits in {@code clientOut}). */
    private long bytesToClient;

    public HttpSession(EventLoop loop, Acceptor acceptor, SessionCounters counters, SessionList sessions,
                       HttpContext context, HttpExchanges exchanges, Connection client, long idSeed) {
        super(acceptor, sessions);
        this.loop = loop;
        this.counters = counters;
        this.context = context;
        this.client = client;
        this.exchanges = exchanges;
        state.requestId = idSeed;
    }

    /** Registers the client socket and waits for the first request. Loop thread. */
    public void start() {
        sessions.add(this);
        try {
            client.register(loop, this, SelectionKey.OP_READ);
            state.policy = context.policy();
            if (state.policy == null) {
                close();
                return;
            }
            touch();
            clock.arm(state.policy.headTimeoutNanos());
        } catch (IOException | RuntimeException e) {
            close();
        }
    }

    @Override
    void releaseAll() {
        client.close();
        if (exchange != null) {
            exchange.close();   // its upstream side, and this session's private connections
            unbind();
        }
        if (privateIdle != null) {
            context.cache().closePrivate(privateIdle);
        }
        stop();
    }

    @Override
    public void drain() {
        if (closed) {
            return;
        }
        closeAfter = true;
        if (idle() && state.unread() == 0) {
            close();
        }
    }

    @Override
    public SessionInfo describe() {
        String listener = state.policy == null ? "?" : state.policy.listener();
        int clientPending = clientOut == null ? 0 : clientOut.position();
        if (exchange != null) {
            return exchange.describe(listener, client.peer(), closing, state.bytesFromClient, clientPending);
        }
        return new SessionInfo(listener, client.peer(), null, closing ? "closing" : "idle", state.bytesFromClient,
                state.bytesFromUpstream, 0, clientPending, false, false);
    }

    // ---- events

    /** The client socket is ready. */
    @Override
    public void onReady(int readyOps) {
        try {
            if ((readyOps & SelectionKey.OP_READ) != 0) {
                readClient();
            }
            advance();
        } catch (IOException e) {
            clientGone();   // a reset, or TLS that no longer makes sense
        }
    }

    @Override
    public void onFailure(Throwable cause) {
        close();
    }

    /** An upstream socket of the exchange is ready (its handler calls this). */
    @Override
    public void upstreamReady(int readyOps) {
        try {
            exchange.upstreamReady(readyOps);
            advance();
        } catch (IOException e) {
            // Upstream errors are handled where they happen, and a failed write to the client is
            // handled in flushClient(): nothing else throws out of advance().
            close();
        }
    }

    private void readClient() throws IOException {
        if (state.clientIn == null) {
            state.clientIn = loop.buffers().acquire();
        }
        if (!state.clientIn.hasRemaining()) {
            return;
        }
        int n = client.read(state.clientIn);
        state.bytesFromClient += Math.max(n, 0);
        counters.received(n);
        if (n < 0) {
            clientEof = true;   // advance() decides: a request cut short ends, a whole one is answered
        } else if (n > 0) {
            touch();
        }
    }

    /** Does all the work the buffers allow, then sets what to wait for. */
    void advance() throws IOException {
        boolean progress = true;
        while (progress && !closed) {
            progress = false;
            boolean heldBack = false;
            if (idle()) {
                // A pipelined request waits until the previous response is all written: its own
                // answer (or its response head) then has the whole buffer, and a client that
                // reads slowly holds back only itself.
                if (clientOut == null) {
                    progress = readRequestHead();
                } else {
                    heldBack = true;
                }
            }
            if (forwarding()) {
                progress = exchange.pump() && idle() || progress;
            }
            if (closed) {
                return;
            }
            if (active() && requestCutShort()) {
                clientGone();   // the request can never be complete: free the upstream now
                return;
            }
            flushClient();
            // Room upstream for more of the body: pump again, the client may send nothing more.
            progress |= exchange != null && exchange.flushUpstream();
            progress |= heldBack && clientOut == null;
        }
        if (!closed) {
            interest();
        }
    }

    boolean idle() {
        return !closing && !active();
    }

    boolean active() {
        return exchange != null && exchange.active();
    }

    boolean forwarding() {
        return exchange != null && exchange.forwarding();
    }

    /** The exchange, taken from the loop's when there is none: a request head begins (or is refused). */
    private HttpExchange bound() {
        if (exchange == null) {
            exchange = exchanges.acquire();
            exchange.bind(this, counters, context, client, timer, privateIdle);
            privateIdle = null;   // the exchange's dialer has them until it is given back
        }
        return exchange;
    }

    /** Gives the exchange back to the loop's; this session's private upstream connections stay with it. */
    private void unbind() {
        if (exchange != null) {
            privateIdle = exchange.unbind();
            exchange = null;
        }
    }

    // ---- the request

    private boolean readRequestHead() {
        if (state.unread() == 0) {
            if (clientEof) {
                closeWhenFlushed();
            }
            return false;
        }
        if (firstRequest && state.policy.http2() && http2Preface()) {
            return false;
        }
        firstRequest = false;
        HttpExchange current = bound();
        HttpParser requestParser = current.requestParser();
        int verdict = requestParser.parse(state.clientIn, state.clientInStart, state.clientIn.position(), current.request());
        if (verdict == HttpParser.INCOMPLETE) {
            if (clientEof) {
                closeWhenFlushed();
            } else if (!state.clientIn.hasRemaining()) {
                fail(431);
            } else if (headSince < 0) {
                headSince = loop.now();
                clock.arm(state.policy.headTimeoutNanos());
            }
            return false;
        }
        if (verdict == HttpParser.INVALID) {
            fail(requestParser.errorStatus());
            return false;
        }
        long since = headSince >= 0 ? headSince : loop.now();
        state.requestId++;
        state.policy = context.policy();
        if (state.policy == null) {
            close();
            return true;
        }
        headSince = since;   // kept while the exchange runs: a refusal (404, 413, ...) is timed from it too
        current.start(state.policy, since);
        return true;
    }

    /**
     * The exchange is over (forwarded, or answered by Balor itself): the next request is read,
     * or the client is closed after the response if that was asked for.
     */
    @Override
    public void exchangeDone() {
        if (closed) {
            return;   // the exchange went back with the close
        }
        headSince = -1;
        if (closeAfter) {
            closeWhenFlushed();
            return;
        }
        compactIn();
        unbind();
        clock.arm(state.unread() == 0
                ? state.policy.keepAliveTimeoutNanos() : state.policy.headTimeoutNanos());
    }

    /**
     * After a valid 101 (the exchange has written its head, and what the upstream sent after it,
     * into {@code clientOut}): the client and upstream sockets become an L4 tunnel with what
     * waits in both directions; this session lets go of both sockets without closing them, and
     * the tunnel counts as the listener's session from now on.
     */
    @Override
    public void becomeTunnel(HttpPolicy exchangePolicy, Connection upstream, Upstream target, boolean extensions) {
        ByteBuffer out = clientOut;
        TcpTunnel.adopt(loop, acceptor, counters, sessions, exchangePolicy.tunnel(), client, upstream, target,
                out, 0, out.position(), state.clientIn, state.clientInStart, state.clientIn.position(),
                exchangePolicy.websocketMaxFrame(), extensions);
        letGo();
    }

    /**
     * Whether the client's first bytes are the HTTP/2 preface (h2c with prior knowledge, or after
     * ALPN chose {@code h2}), and then an {@link Http2Session} has taken the connection over with
     * what was read; or its start (no HTTP/1.1 request starts so), and then the session waits.
     */
    private boolean http2Preface() {
        int preface = Http2Session.preface(state.clientIn, state.clientInStart, state.clientIn.position());
        if (preface == Http2Session.PREFACE_WHOLE) {
            Http2Session next = new Http2Session(loop, acceptor, counters, sessions, context, exchanges,
                    exchanges.limits(), client, state.requestId, state.clientIn, state.bytesFromClient);
            letGo();
            next.start();
        }
        return preface == Http2Session.PREFACE_WHOLE || preface == Http2Session.PREFACE_PART && !clientEof;
    }

    /** Another session took the client connection over: this one lets go of it, and of its buffers, without closing it. */
    private void letGo() {
        handedOver();
        unbind();
        stop();
    }

    /** The timer stops, the buffers go back to the loop's pool. */
    private void stop() {
        loop.timers().cancel(timer);
        state.clientIn = release(state.clientIn);
        clientOut = release(clientOut);
    }

    // ---- what the exchange uses (ExchangeClient)

    @Override
    public ClientState state() {
        return state;
    }

    @Override
    public boolean closeAfter() {
        return closeAfter;
    }

    @Override
    public void closeAfter(boolean close) {
        closeAfter = close;
    }

    @Override
    public boolean closed() {
        return closed;
    }

    @Override
    public ByteBuffer out() {
        if (clientOut == null) {
            clientOut = loop.buffers().acquire();
        }
        return clientOut;
    }

    @Override
    public long bytesToClient() {
        return bytesToClient + (clientOut == null ? 0 : clientOut.position());
    }

    @Override
    public void touch() {
        state.lastActivity = loop.now();
    }

    @Override
    public void armAt(long due) {
        loop.timers().schedule(timer, due);
    }

    // ---- failures

    /** Answers {@code status} if no response has started, then closes once it is written. */
    @Override
    public void fail(int status) {
        HttpExchange current = bound();   // a refused head is logged by an exchange too
        boolean relayed = current.responseStarted();
        current.dropUpstream();
        if (!relayed) {
            ErrorResponse.write(out(), status, state.requestId, status == 503 ? 1 : 0);
            current.ended(status, loop.now() - (headSince >= 0 ? headSince : loop.now()));
        }
        closeWhenFlushed();
    }

    /**
     * The client went away (a reset, a failed write, or the end of its stream before its request
     * was complete). During an exchange the upstream side is closed at once, never left waiting
     * for a body that cannot come ({@link HttpExchange#clientGone()}: a client abort, not the
     * upstream's failure); a whole response still goes to a client that only half-closed.
     * Between exchanges (or after a response Balor made itself) the connection just closes.
     */
    private void clientGone() {
        if (!closed && active() && exchange.clientGone()) {
            closeWhenFlushed();
            return;
        }
        close();
    }

    /** After the client's end of stream: whether the request can no longer be completed from what is buffered. */
    private boolean requestCutShort() {
        return clientEof && exchange.requestSide().cutShort(state.unread());
    }

    @Override
    public void closeWhenFlushed() {
        closing = true;
        if (exchange != null) {
            exchange.dropUpstream();
        }
        flushClient();
        if (closed) {
            return;
        }
        if (clientOut == null && client.flushed()) {
            close();
        } else {
            clock.arm(state.policy == null ? 0 : state.policy.bodyIdleTimeoutNanos());
        }
    }

    // ---- buffers, interest, time

    /** Writes what waits for the client; a write that fails means the client is gone. */
    private void flushClient() {
        try {
            if (clientOut != null && clientOut.position() > 0) {
                clientOut.flip();
                int n = client.write(clientOut);
                if (n > 0) {
                    counters.sent(n);
                    bytesToClient += n;
                    touch();
                }
                clientOut.compact();
            }
            if (clientOut != null && clientOut.position() == 0) {
                clientOut = release(clientOut);
            }
            if (clientOut == null && closing && client.flush()) {
                close();
            }
        } catch (IOException e) {
            clientGone();   // before, from the upstream's handler this counted as the upstream failing
        }
    }

    /** Moves the unconsumed client bytes to the front ({@link RequestRelay#compact}); an exchange is bound. */
    @Override
    public void compactIn() {
        exchange.requestSide().compact(state, idle());
    }

    private void interest() {
        // Reading stays on through an exchange (pipelined bytes wait in the buffer): turning it
        // off and on per request costs two epoll_ctl calls. It goes off for backpressure only.
        boolean readClient = !clientEof && !closing && (!forwarding() || exchange.requestSide().takesBytes());
        client.interest(SelectionKey.OP_READ, readClient && (state.clientIn == null || state.clientIn.hasRemaining()));
        client.interest(SelectionKey.OP_WRITE, clientOut != null && clientOut.position() > 0 || !client.flushed());
        if (exchange != null) {
            exchange.interest(clientOut == null ? Integer.MAX_VALUE : clientOut.remaining());
        }
    }

    private ByteBuffer release(ByteBuffer buffer) {
        if (buffer != null) {
            loop.buffers().release(buffer);
        }
        return null;
    }
}
