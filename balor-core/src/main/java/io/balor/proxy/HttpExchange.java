package io.balor.proxy;

import io.balor.http.HeadWriter;
import io.balor.http.HttpHead;
import io.balor.http.HttpLimits;
import io.balor.http.HttpParser;
import io.balor.loop.EventLoop;
import io.balor.loop.IoHandler;
import io.balor.loop.Timer;
import io.balor.net.Connection;
import io.balor.upstream.Balancer;
import io.balor.upstream.Upstream;
import io.balor.upstream.UpstreamError;
import io.balor.ws.WebSocketHandshake;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * One HTTP request and its response, forwarded to an upstream: its head ({@link HttpParser} into
 * {@link HttpHead}), where it goes ({@link HttpRouter}), the connection ({@link UpstreamDialer}),
 * the request's bytes ({@link RequestRelay}) and the response's ({@link ResponseRelay}), and how it
 * finishes or fails. Loop thread only. Exchanges are the loop's ({@link HttpExchanges}): a
 * session takes one when the first byte of a request head is there and gives it back when the
 * exchange is over, so an idle keep-alive connection holds none of this state. While bound
 * ({@link #bind}) the exchange belongs to that one {@link HttpSession}, which keeps the client
 * connection (its reads, buffers, interest and timer) and hands each parsed request head to
 * {@link #start}. An HTTP/2 stream will make exchanges too.
 *
 * <p>Phases: <b>start</b> (the router's verdict: 429, an {@link OwnAnswer}, 404, 413, a WebSocket
 * refusal, 503, or an upstream); <b>connecting</b> (a kept-alive or new connection, failing over
 * to the next upstream: none left 502, no socket 503); <b>forwarding</b> (head and body up while
 * the response comes down; a 101 to a WebSocket request makes a {@link TcpTunnel}); <b>finish</b>
 * (the upstream connection back to the cache unless it cannot carry another exchange). Errors
 * before the response head become a status (502 invalid or failed upstream, 504 no response in
 * time, 408 client too slow); after it, the client connection closes. An upstream's failure is
 * named by an {@link UpstreamError} token: the access log's {@code error}, a rate-limited event,
 * and for failed connects, resets and early closes passive health's. Timeouts: {@link #due()}.
 */
final class HttpExchange implements UpstreamDialer.Outcome {

    static final int IDLE = 0;
    static final int CONNECTING = 1;
    static final int FORWARDING = 2;
    /** Output room worth reading the upstream for: a re-chunked range needs its size line and CRLF too. */
    private static final int MIN_ROOM = 32;

    final EventLoop loop;
    /** The loop's index: which shard of the traffic counters this exchange writes. */
    final int shard;
    private final HttpExchanges pool;
    /** The request head the session parses into (its bytes stay in the session's client buffer). */
    private final HttpParser requestParser;
    final HttpHead request;
    private final HeadWriter writer = new HeadWriter();
    final RequestRelay requestSide;
    final ResponseRelay response;
    final ExchangeLog log;
    final UpstreamDialer dialer;
    private final HttpRouter router;
    /** The bound client's address, for {@code X-Forwarded-For} and the access log. */
    private final ClientAddressText clientIp = new ClientAddressText();
    private final IoHandler upstreamHandler = new UpstreamHandler();
    private final ExchangeFailures failures = new ExchangeFailures(this);

    // The client side this exchange is bound to, and what of its listener it uses; null when pooled.
    ExchangeClient client;
    ClientState state;
    SessionCounters counters;
    private HttpContext context;

    int phase = IDLE;
    /** The snapshot's policy this exchange started with, kept to its end. */
    HttpPolicy policy;
    HttpRoute route;
    Balancer balancer;
    Upstream target;
    UpstreamConnection upstream;
    /** When the request's head began to arrive (ticker time): where its duration starts. */
    long started;

    HttpExchange(EventLoop loop, HttpLimits limits, HttpExchanges pool) {
        this.loop = loop;
        this.shard = loop.index();
        this.pool = pool;
        this.requestParser = HttpParser.requests(limits);
        this.request = new HttpHead(limits);
        this.log = new ExchangeLog(shard, clientIp);
        this.router = new HttpRouter(0);
        this.requestSide = new RequestRelay(loop, limits, writer);
        this.response = new ResponseRelay(loop, limits, writer, router);
        this.dialer = UpstreamDialer.forHttp(loop, upstreamHandler, this, pool.cache());
    }

    /**
     * The exchange serves {@code session} from now on (of a listener with {@code counters} and
     * {@code context}, for {@code client}, timed by the session's {@code timer}) until
     * {@link #unbind}; {@code privateIdle} is the session's own idle upstream connections, or null.
     */
    void bind(ExchangeClient client, SessionCounters counters, HttpContext context, Connection connection, Timer timer,
              java.util.ArrayDeque<UpstreamConnection> privateIdle) {
        this.client = client;
        this.state = client.state();
        this.counters = counters;
        this.context = context;
        clientIp.write(connection);
        log.bind(counters);
        router.client(connection.clientHash());
        response.bind(client);
        dialer.bind(counters, timer, connection, privateIdle);
        requestParser.reset();
        // What the previous request left: a head this session's client gets refused before
        // it is whole must not be logged or counted with another client's method, route or upstream.
        request.reset();
        policy = null;
        route = null;
        balancer = null;
        target = null;
    }

    /**
     * The session lets go of the exchange (it is over, or the session closed): it goes back to the
     * loop's pool. Returns the session's private idle connections (null if none), which stay with
     * it. What the exchange refers to is left as it is until the next {@link #bind}: the session
     * may close from inside the exchange's own code, which then returns through it.
     */
    java.util.ArrayDeque<UpstreamConnection> unbind() {
        state.bytesFromUpstream += response.bytesRead();
        pool.release(this);
        return dialer.unbind();
    }

    /** The parser of request heads, and the head it parses into. */
    HttpParser requestParser() {
        return requestParser;
    }

    HttpHead request() {
        return request;
    }

    /** The upstream sockets' events go to the session the exchange is bound to. */
    private final class UpstreamHandler implements IoHandler {
        @Override
        public void onReady(int readyOps) {
            client.upstreamReady(readyOps);
        }

        @Override
        public void onFailure(Throwable cause) {
            client.close();
        }
    }

    // ---- what the session asks
    /** Whether an exchange is under way (connecting or forwarding). */
    boolean active() {
        return phase != IDLE;
    }

    boolean forwarding() {
        return phase == FORWARDING;
    }

    /** The session as the sessions list shows it, with what the session knows of the client. */
    io.balor.SessionInfo describe(String listener, String peer, boolean closing, long bytesFromClient,
                                  int clientPending) {
        String shown = closing ? "closing" : phase == CONNECTING ? "connecting" : phase == FORWARDING ? "exchange" : "idle";
        return new io.balor.SessionInfo(listener, peer, target == null ? null : target.id(), shown, bytesFromClient,
                state.bytesFromUpstream + response.bytesRead(), requestSide.pending(), clientPending, false, false);
    }

    /** Whether a response head has gone to the client (a failure can then only close). */
    boolean responseStarted() {
        return phase == FORWARDING && response.headDone();
    }

    /** The request side: what of the client's buffer its body still needs, and whether it takes more now. */
    RequestRelay requestSide() {
        return requestSide;
    }

    // ---- start
    /**
     * Starts the exchange of the request head the session just parsed (its head began at
     * {@code headSince}, ticker time), under {@code policy}. It may end before this returns.
     */
    void start(HttpPolicy policy, long headSince) {
        this.policy = policy;
        started = headSince;
        ByteBuffer in = state.clientIn;
        log.start(context.accessLog(), request, in);
        if (request.closeAfter()) {
            client.closeAfter(true);
        }
        response.expect(request, in);
        dialer.clientHost(in, request.hostStart(), request.hostEnd());
        int verdict = router.route(policy, request, in, loop.now());
        route = router.matched();
        balancer = router.balancer();
        target = router.target();
        if (verdict == HttpRouter.ANSWER) {
            answerItself(router.ownAnswer());
            return;
        }
        if (verdict == HttpRouter.LIMITED) {
            // 429 with Retry-After, then the connection closes (the body, if any, is not read).
            counters.limited();
            ErrorResponse.write(client.out(), 429, state.requestId, router.retryAfterSeconds());
            ended(429, loop.now() - started);
            client.closeWhenFlushed();
            return;
        }
        if (verdict != HttpRouter.FORWARD) {
            client.fail(verdict);
            return;
        }
        requestSide.start(request);
        state.clientInStart = request.headEnd();
        response.reset();
        phase = CONNECTING;
        dialer.http1Only(router.expectedAccept() != null);
        dialer.dial(balancer, target, policy.connectTimeoutNanos());
    }

    /**
     * Gives Balor's own answer and goes on to the next request; the connection closes after it when
     * the client asked, the answer is an error, or the request has a body (it is not read).
     */
    private void answerItself(OwnAnswer own) {
        boolean close = client.closeAfter() || request.contentLength() > 0 || request.chunked();
        int status = own.write(request, state.clientIn, client.out(), state.requestId, close);
        if (status == OwnAnswer.NO_ROOM) {
            client.close();   // behind 32 KiB of responses the client has not read: it is not reading
            return;
        }
        ended(status, loop.now() - started);
        if (close || status >= 400) {
            client.closeAfter(true);
        } else {
            requestSide.skip();
            state.clientInStart = request.headEnd();
        }
        client.exchangeDone();
    }

    // ---- how dials end (UpstreamDialer.Outcome): the exchange goes on, or 503 (no socket) or 502 (no upstream left)
    @Override
    public void attempting(Upstream next) {
        target = next;
        log.attempt(next);
    }

    @Override
    public void connected(Connection connection, UpstreamConnection kept) {
        upstream = kept;
        phase = FORWARDING;
        log.upstreamStarted(loop.now());
        byte[] host = balancer.pool().upstreamHost() ? target.authority() : null;
        if (!requestSide.writeHead(request, host, clientIp.bytes(), clientIp.length(), policy, router.expectedAccept() != null)) {
            client.fail(431);
            return;
        }
        client.touch();
        client.armAt(due());
    }

    @Override
    public void noSocket(String error) {
        log.failed(error);
        client.fail(503);
    }

    @Override
    public void noUpstream(String error) {
        target = null;
        log.failed(error);
        client.fail(502);
    }

    // ---- forwarding
    /** The upstream's socket is ready: the connect goes on, or the response is read. */
    void upstreamReady(int readyOps) {
        if (phase == CONNECTING) {
            dialer.finishConnect();
        } else if ((readyOps & SelectionKey.OP_READ) != 0) {
            try {
                if (response.read(upstream, shard) < 0) {
                    failures.cutIfTruncated();
                }
            } catch (IOException e) {
                failures.upstreamFailed(UpstreamError.ofIo(e));
            }
        }
    }

    /**
     * Moves the request body and the response as far as the buffers allow; true when the
     * exchange finished (the session then reads the next request, or closes).
     */
    boolean pump() {
        int refused = requestSide.pumpFrom(client, policy.maxBodyBytes());
        if (refused != 0) {
            client.fail(refused);
        } else if (phase == FORWARDING) {
            pumpResponse();
        }
        if (!client.closed() && phase == FORWARDING && requestSide.done() && response.done()) {
            finish();
            return true;
        }
        return false;
    }

    /** Relays the response as far as the buffers allow, and acts on what the relay cannot handle itself. */
    void pumpResponse() {
        int outcome = response.relay(target);
        while (outcome == ResponseRelay.HEAD) {
            client.armAt(due());   // the body-idle timer governs from here, not the response deadline
            target.responded(response.head().status(), loop.now());   // passive health: a 5xx may count
            outcome = response.relay(target);
        }
        switch (outcome) {
            case ResponseRelay.UPGRADE -> becomeTunnel();
            case ResponseRelay.UNUSABLE -> failures.failUpstream(response.error());
            case ResponseRelay.CLOSED -> failures.upstreamFailed(response.error());
            case ResponseRelay.CUT -> failures.responseCut(response.error(), true);
            default -> { }   // waiting for bytes or room
        }
    }

    /**
     * After a valid 101: the client and upstream sockets become an L4 tunnel (RFC 6455 §4.1: no
     * byte is tunnelled before the 101). The 101 head, rewritten for the client, and whatever the
     * upstream sent after it go first; the session then hands both sockets over.
     */
    private void becomeTunnel() {
        if (!response.upgrade(client.out())) {
            failures.failUpstream(UpstreamError.HEAD_TOO_LARGE);
            return;
        }
        Connection connection = upstream.connection();
        upstream = null;
        phase = IDLE;
        dialer.close();   // a connection kept private to this session goes too
        response.release();
        requestSide.release();
        client.becomeTunnel(policy, connection, target, WebSocketHandshake.hasExtensions(response.head()));
    }

    /** Both bodies are complete: counted and logged, the upstream connection kept or closed. */
    private void finish() {
        ended(response.head().status(), loop.now() - started);
        if (response.reusable() && upstream != null && requestSide.pending() == 0) {
            UpstreamConnection idle = upstream;
            upstream = null;
            dialer.offer(idle);
        } else {
            dropUpstream();
        }
        response.release();
        requestSide.release();
        target = null;
        route = null;
        phase = IDLE;
        client.exchangeDone();
    }

    // ---- ends and failures
    /** The exchange ended with {@code status} after {@code nanos} ({@link ExchangeLog}); also for the session's own answers. */
    void ended(int status, long nanos) {
        log.end(context.accessLog(), state.policy, route, balancer == null ? null : balancer.pool(), target, request,
                status, nanos, state.requestId, state.takeBytesFromClient(), state.takeBytesToClient(client.bytesToClient()),
                loop.now());
    }

    /**
     * The client went away mid-exchange: a client abort, logged 499 (nginx's "client closed
     * request") or with the status being relayed, counted unless the response was complete, never
     * against the upstream. True when the whole response is there: it still goes to a half-closed client.
     */
    boolean clientGone() {
        if (!response.done()) {
            counters.clientAborted();
        }
        ended(response.headDone() ? response.head().status() : 499, loop.now() - started);
        return response.done();
    }

    /** The session is over: the upstream side goes, and so does a connection kept private to it. */
    void close() {
        dropUpstream();
        dialer.close();
    }

    /** Lets go of the upstream side (closed, or the dial stopped) and its buffers; the exchange is over. */
    void dropUpstream() {
        dialer.abandon();
        if (upstream != null) {
            upstream.close();
            upstream = null;
        }
        response.release();
        requestSide.release();
        phase = IDLE;
    }

    /** Writes what waits for the upstream (a failed write tries to save the response); true: room for more body. */
    boolean flushUpstream() {
        boolean wrote = false;
        if (phase == FORWARDING && requestSide.pending() > 0) {
            try {
                wrote = requestSide.flush(upstream, shard) > 0;
                if (wrote) {
                    client.touch();
                }
            } catch (IOException e) {
                requestSide.discard();
                failures.salvageResponse(UpstreamError.ofIo(e));
            }
        }
        if (phase == FORWARDING && requestSide.justSent()) {
            client.armAt(due());   // all of the request is with the upstream: now it must answer
        }
        return wrote && phase == FORWARDING && !requestSide.done();
    }

    /** Sets the upstream socket's interest: read while the client has room ({@code clientRoom}), write what waits. */
    void interest(int clientRoom) {
        if (upstream != null && phase == FORWARDING) {
            upstream.connection().interest(SelectionKey.OP_READ, !response.done() && !response.eof() && clientRoom > MIN_ROOM);
            upstream.connection().interest(SelectionKey.OP_WRITE, requestSide.pending() > 0);
        }
    }

    // ---- time
    /**
     * When the exchange's current wait ends (ticker time). While the request is sent and once the
     * response head is in, the body-idle timeout counts from the last byte either way. In between,
     * from when the whole request was written, the upstream has the response timeout to send its
     * final head: a fixed deadline that neither 1xx responses nor a trickling head move.
     */
    long due() {
        if (!response.headDone() && requestSide.sentAt() >= 0) {
            return requestSide.sentAt() + balancer.pool().responseTimeout(policy.responseTimeoutNanos());
        }
        return state.lastActivity + policy.bodyIdleTimeoutNanos();
    }

    /** The wait {@link #due()} names is over: who failed decides the answer ({@link ExchangeFailures}). */
    void timedOut(boolean clientHasUnsent) {
        failures.timedOut(clientHasUnsent);
    }
}
