package io.balor.proxy;

import io.balor.SessionInfo;
import io.balor.http.BodyPump;
import io.balor.http.CookieDomainRewriter;
import io.balor.http.HeadWriter;
import io.balor.http.HeadWriter.Framing;
import io.balor.http.HttpHead;
import io.balor.http.HttpLimits;
import io.balor.http.HttpParser;
import io.balor.http.Method;
import io.balor.limit.TokenBucket;
import io.balor.loop.EventLoop;
import io.balor.loop.IoHandler;
import io.balor.loop.Timer;
import io.balor.net.Acceptor;
import io.balor.net.Connection;
import io.balor.upstream.Balancer;
import io.balor.upstream.StickyCookie;
import io.balor.upstream.Upstream;
import io.balor.upstream.UpstreamError;
import io.balor.ws.WebSocketHandshake;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;

/**
 * An L7 session: one client connection carrying HTTP/1.1 exchanges, each forwarded to an
 * upstream picked per request, over kept-alive upstream connections. Owned by one loop's thread
 * from start to close; the client socket and every upstream socket it uses are on that loop.
 *
 * <h2>An exchange</h2>
 * <ol>
 *   <li><b>idle</b>: read the client until a whole request head is parsed ({@link HttpParser});
 *   a refused head is answered (400, 414, 431, ...) and the connection closed, with nothing sent
 *   upstream. Pipelined requests wait in the buffer: one exchange at a time, so responses keep
 *   their order.</li>
 *   <li>a TRACE is refused (405) and an OPTIONS with {@code Max-Forwards: 0} answered here
 *   ({@link OwnAnswers}); else route the head (host and path → pool; none → 404), pick an
 *   upstream (none → 503), and get a connection to it from the {@link UpstreamDialer}: an idle
 *   one from the loop's {@link KeepAliveCache}, or a new one (a failed connect tries the next
 *   upstream; none left → 502; no socket to be had → 503).</li>
 *   <li><b>exchange</b>: write the regenerated head ({@link HeadWriter}) and stream the request
 *   body ({@link BodyPump}) while reading the response: 1xx responses pass through (at most
 *   {@value #MAX_INTERIM}, then 502), the final head is rewritten for the client and its body
 *   streamed, re-framed when the client needs it. Each direction copies through one buffer into
 *   another and stops reading its source while the destination buffer is full.</li>
 *   <li>when both bodies are complete the upstream connection goes back to the cache (unless it
 *   was closed, delimited by close, or said {@code Connection: close}) and the next request is
 *   read, or the client is closed after the response if it asked for that.</li>
 * </ol>
 * Errors before the response head has been sent become a status (502 invalid or failed upstream,
 * 504 no response in time, 408 client too slow); after, the client connection is closed. An
 * upstream's failure is named by an {@link UpstreamError} token: the access log's {@code error},
 * a rate-limited event, and for connect failures, resets and early closes passive health's. A
 * client that goes away mid-exchange ends it at once ({@link #clientGone()}, logged as 499).
 * Which timeout governs each wait is said at {@link #exchangeDue()}.
 *
 * <p>SIZE: the whole exchange state machine is here for now (about 1,100 lines; TLS lives in
 * {@link Connection}, connecting and failover in {@link UpstreamDialer}, the access-log
 * bookkeeping in {@link ExchangeLog}, the answers Balor gives by method in {@link OwnAnswers});
 * the exchange itself (head rewrite, body pumps, retry, response reading) is the next part to
 * move into a class of its own.
 */
public final class HttpSession extends Session {

    private static final int IDLE = 0;
    private static final int CONNECTING = 1;
    private static final int EXCHANGE = 2;
    private static final int CLOSING = 3;
    private static final String[] STATE_NAMES = {"idle", "connecting", "exchange", "closing"};
    /** Output room worth reading the upstream for: a re-chunked range needs its size line and CRLF too. */
    private static final int MIN_ROOM = 32;
    /** Interim (1xx) responses relayed per exchange; one more is a 502 (an upstream sending them forever). */
    static final int MAX_INTERIM = 32;

    private final EventLoop loop;
    /** The loop's index: which shard of the traffic counters this session writes. */
    private final int shard;
    private final SessionCounters counters;
    private final HttpContext context;
    private final Connection client;
    private final byte[] clientIp;
    private final HttpParser requestParser;
    private final HttpParser responseParser;
    private final HttpHead request;
    private final HttpHead response;
    private final BodyPump requestBody;
    private final BodyPump responseBody;
    private final HeadWriter writer = new HeadWriter();
    private final CookieDomainRewriter cookies = new CookieDomainRewriter();
    private final ExchangeLog exchangeLog = new ExchangeLog();
    private HttpRoute route;
    private final Timer timer = new Timer(this::onTimer, this::close);
    private final IoHandler clientHandler = new Handler(true);
    private final IoHandler upstreamHandler = new Handler(false);
    private final UpstreamDialer dialer;

    private HttpPolicy policy;
    private ByteBuffer clientIn;
    private ByteBuffer clientOut;
    private ByteBuffer upstreamIn;
    private ByteBuffer upstreamOut;
    private int clientInStart;
    private int upstreamInStart;
    private UpstreamConnection upstream;
    private Balancer balancer;
    private Upstream target;
    private int state = IDLE;
    private boolean clientEof;
    private boolean upstreamEof;
    private boolean closeAfter;
    private boolean headRequest;
    private int requestVersion;
    private boolean responseHeadDone;
    private boolean responseDone;
    /** Interim (1xx) responses of the current exchange so far. */
    private int interimResponses;
    /** When the whole request had been written to the upstream (ticker time), or -1: the response timeout runs from here. */
    private long requestSentAt = -1;
    private boolean upstreamReusable;
    private long lastActivity;
    /** When the first byte of the request head being read arrived, or -1. */
    private long headSince = -1;
    /** When the current request's head began to arrive (ticker time): where its duration starts. */
    private long exchangeStart;
    private long requestId;
    private long bytesFromClient;
    private long bytesFromUpstream;
    /** Bytes written to the client socket (the access log adds what still waits in {@code clientOut}). */
    private long bytesToClient;
    private Upstream cookieUpstream;
    private boolean websocket;
    /** Some bytes of the request reached the upstream connection. */
    private boolean requestWritten;
    /** The request head is still where it was parsed, so it can be written again. */
    private boolean headIntact;
    private String expectedAccept;
    private final int clientHash;

    public HttpSession(EventLoop loop, Acceptor acceptor, SessionCounters counters, SessionList sessions,
                       HttpContext context, HttpLimits limits, Connection client, long idSeed) {
        super(acceptor, sessions);
        this.loop = loop;
        this.shard = loop.index();
        this.counters = counters;
        this.context = context;
        this.client = client;
        this.clientIp = client.peer().substring(0, client.peer().lastIndexOf(':')).getBytes(StandardCharsets.US_ASCII);
        this.requestParser = HttpParser.requests(limits);
        this.responseParser = HttpParser.responses(limits);
        this.request = new HttpHead(limits);
        this.response = new HttpHead(limits);
        this.requestBody = new BodyPump(limits);
        this.responseBody = new BodyPump(limits);
        this.requestId = idSeed;
        this.clientHash = client.clientHash();
        this.dialer = UpstreamDialer.forHttp(loop, counters, upstreamHandler, timer, new Dialing(), context.cache(),
                client);
    }


    /** Registers the client socket and waits for the first request. Loop thread. */
    public void start() {
        sessions.add(this);
        try {
            client.register(loop, clientHandler, SelectionKey.OP_READ);
            policy = context.policy();
            if (policy == null) {
                close();
                return;
            }
            touch();
            arm(policy.headTimeoutNanos());
        } catch (IOException | RuntimeException e) {
            close();
        }
    }

    @Override
    void releaseAll() {
        loop.timers().cancel(timer);
        client.close();
        dropUpstream();
        clientIn = release(clientIn);
        clientOut = release(clientOut);
    }

    @Override
    public void drain() {
        if (closed) {
            return;
        }
        closeAfter = true;
        if (state == IDLE && (clientIn == null || clientIn.position() == clientInStart)) {
            close();
        }
    }

    @Override
    public SessionInfo describe() {
        return new SessionInfo(policy == null ? "?" : policy.listener(), client.peer(),
                target == null ? null : target.id(), STATE_NAMES[state], bytesFromClient, bytesFromUpstream,
                upstreamOut == null ? 0 : upstreamOut.position(), clientOut == null ? 0 : clientOut.position(),
                false, false);
    }

    // ---- events

    private final class Handler implements IoHandler {
        private final boolean clientSide;

        Handler(boolean clientSide) {
            this.clientSide = clientSide;
        }

        @Override
        public void onReady(int readyOps) {
            try {
                if (clientSide) {
                    if ((readyOps & SelectionKey.OP_READ) != 0) {
                        readClient();
                    }
                } else if (state == CONNECTING) {
                    dialer.finishConnect();
                } else if ((readyOps & SelectionKey.OP_READ) != 0) {
                    try {
                        readUpstream();
                    } catch (IOException e) {
                        upstreamFailed(UpstreamError.ofIo(e));
                    }
                }
                advance();
            } catch (IOException e) {
                if (clientSide) {
                    clientGone();   // a reset, or TLS that no longer makes sense
                } else {
                    // Upstream errors are handled where they happen, and a failed write to the
                    // client is handled in flushClient(): nothing else throws out of advance().
                    close();
                }
            }
        }

        @Override
        public void onFailure(Throwable cause) {
            close();
        }
    }

    private void readClient() throws IOException {
        if (clientIn == null) {
            clientIn = loop.buffers().acquire();
        }
        if (!clientIn.hasRemaining()) {
            return;
        }
        int n = client.read(clientIn);
        bytesFromClient += Math.max(n, 0);
        counters.received(n);
        if (n < 0) {
            clientEof = true;   // advance() decides: a request cut short ends, a whole one is answered
        } else if (n > 0) {
            touch();
        }
    }

    private void readUpstream() throws IOException {
        if (upstreamIn == null) {
            upstreamIn = loop.buffers().acquire();
        }
        if (!upstreamIn.hasRemaining()) {
            return;
        }
        int n = upstream.connection().read(upstreamIn);
        bytesFromUpstream += Math.max(n, 0);
        upstream.upstream().traffic().bytesOut(shard, n);
        if (n < 0) {
            if (responseHeadDone && responseBody.endsAtClose() && upstream.connection().truncated()) {
                // TLS ended without close_notify: a body that runs until close may have been cut
                // (RFC 9112 §9.8), so the client must not see it end as if complete.
                responseCut(UpstreamError.TRUNCATED_BODY, false);
                return;
            }
            upstreamEof = true;
            responseBody.endOfInput();
        } else if (n > 0) {
            touch();
        }
    }

    /** Does all the work the buffers allow, then sets what to wait for. */
    private void advance() throws IOException {
        boolean progress = true;
        while (progress && !closed) {
            progress = false;
            boolean heldBack = false;
            if (state == IDLE) {
                // A pipelined request waits until the previous response is all written: its own
                // answer (or its response head) then has the whole buffer, and a client that
                // reads slowly holds back only itself.
                if (clientOut == null) {
                    progress = readRequestHead();
                } else {
                    heldBack = true;
                }
            }
            if (state == EXCHANGE) {
                pumpRequest();
                pumpResponse();
                if (!closed && state == EXCHANGE && requestBody.done() && responseDone) {
                    finishExchange();
                    progress = state == IDLE;
                }
            }
            if (closed) {
                return;
            }
            if ((state == CONNECTING || state == EXCHANGE) && requestCutShort()) {
                clientGone();   // the request can never be complete: free the upstream now
                return;
            }
            flushClient();
            flushUpstream();
            progress |= heldBack && clientOut == null;
        }
        if (!closed) {
            interest();
        }
    }

    // ---- the request

    private boolean readRequestHead() {
        if (clientIn == null || clientIn.position() == clientInStart) {
            if (clientEof) {
                closeWhenFlushed();
            }
            return false;
        }
        int verdict = requestParser.parse(clientIn, clientInStart, clientIn.position(), request);
        if (verdict == HttpParser.INCOMPLETE) {
            if (clientEof) {
                closeWhenFlushed();
            } else if (!clientIn.hasRemaining()) {
                fail(431);
            } else if (headSince < 0) {
                headSince = loop.now();
                arm(policy.headTimeoutNanos());
            }
            return false;
        }
        if (verdict == HttpParser.INVALID) {
            fail(requestParser.errorStatus());
            return false;
        }
        startExchange();
        return true;
    }

    private void startExchange() {
        balancer = null;   // set again once the request is routed
        exchangeStart = headSince >= 0 ? headSince : loop.now();
        exchangeLog.start(context.accessLog(), request, clientIn);
        headSince = -1;
        requestId++;
        policy = context.policy();
        if (policy == null) {
            close();
            return;
        }
        requestVersion = request.version();
        headRequest = request.method() == Method.HEAD;
        closeAfter |= request.closeAfter();
        int hostStart = request.absoluteForm() ? request.authorityStart()
                : request.hostField() >= 0 ? request.valueStart(request.hostField()) : 0;
        int hostEnd = request.absoluteForm() ? request.authorityEnd()
                : request.hostField() >= 0 ? request.valueEnd(request.hostField()) : 0;
        cookies.host(clientIn, hostStart, hostEnd);
        dialer.clientHost(clientIn, hostStart, hostEnd);
        int pathStart = request.absoluteForm() ? request.authorityEnd() : request.targetStart();
        int pathEnd = pathStart;
        while (pathEnd < request.targetEnd() && clientIn.get(pathEnd) != '?') {
            pathEnd++;
        }
        // The listener's limit counts every request (a 404 too); a route's only those it takes.
        long wait = policy.rateLimit() == null ? 0 : policy.rateLimit().tryTake(loop.now(), clientHash);
        int own = wait == 0 ? OwnAnswers.answer(request) : 0;
        if (own == 405) {
            fail(405);   // TRACE
            return;
        }
        if (own == 200) {
            answerOptions();
            return;
        }
        route = policy.routes().find(clientIn, hostStart, hostEnd, pathStart, pathEnd);
        if (wait == 0 && route == null) {
            fail(404);
            return;
        }
        if (wait == 0 && route.rateLimit() != null) {
            wait = route.rateLimit().tryTake(loop.now(), clientHash);
        }
        if (wait > 0) {
            counters.limited();
            failLimited(TokenBucket.retryAfterSeconds(wait));
            return;
        }
        String pool = route.pool();
        websocket = WebSocketHandshake.wantsWebSocket(request);
        if (websocket) {
            int refused = WebSocketHandshake.checkRequest(request);
            if (refused != 0) {
                fail(refused);
                return;
            }
            int key = WebSocketHandshake.keyField(request);
            expectedAccept = WebSocketHandshake.acceptFor(clientIn, request.valueStart(key), request.valueEnd(key));
        }
        long length = request.contentLength();
        if (length > policy.maxBodyBytes()) {
            fail(413);
            return;
        }
        Framing framing = requestFraming();
        requestBody.start(framing, length, framing);
        clientInStart = request.headEnd();
        balancer = context.balancer(pool);
        target = balancer == null ? null : pick(pool);
        if (target == null) {
            fail(503);
            return;
        }
        responseHeadDone = false;
        responseDone = false;
        interimResponses = 0;
        upstreamEof = false;
        responseParser.reset();
        state = CONNECTING;
        headIntact = true;
        requestWritten = false;
        dialer.dial(balancer, target, policy.connectTimeoutNanos());
    }

    /**
     * Answers an OPTIONS with {@code Max-Forwards: 0} ({@link OwnAnswers}) and goes on to the
     * next request, as after a forwarded exchange; the connection closes after it when the
     * client asked for that, or when the request has a body (it is not read).
     */
    private void answerOptions() {
        boolean close = closeAfter || request.contentLength() > 0 || request.chunked();
        if (!OwnAnswers.options(clientOut(), close)) {
            close();   // behind 32 KiB of responses the client has not read: it is not reading
            return;
        }
        exchangeEnded(200, loop.now() - exchangeStart);
        if (close) {
            closeWhenFlushed();
            return;
        }
        requestBody.start(Framing.NONE, 0, Framing.NONE);
        clientInStart = request.headEnd();
        requestParser.reset();
        compactClientIn();
        arm(clientIn == null || clientIn.position() == clientInStart
                ? policy.keepAliveTimeoutNanos() : policy.headTimeoutNanos());
    }

    /**
     * The upstream for this request: the one the sticky cookie names if it can take it (else the
     * balancer's pick, and the response re-issues the cookie), the client's place on the hash
     * ring for {@code ip_hash}, or the balancer's pick.
     */
    private Upstream pick(String pool) {
        Stickiness sticky = policy.sticky();
        cookieUpstream = null;
        if (sticky == null) {
            return balancer.pick();
        }
        if (!sticky.byCookie()) {
            return sticky.byClient(pool, clientHash);
        }
        StickyCookie cookie = sticky.cookie(pool);
        for (int i = 0; i < request.fieldCount() && cookieUpstream == null && cookie != null; i++) {
            if (request.nameIs(i, "cookie")) {
                cookieUpstream = cookie.find(clientIn, request.valueStart(i), request.valueEnd(i));
            }
        }
        if (cookieUpstream != null && cookieUpstream.eligible()) {
            return cookieUpstream;
        }
        return balancer.pick();
    }

    /** The {@code Set-Cookie} line to add to this response, or null. */
    private byte[] stickyLine() {
        Stickiness sticky = policy.sticky();
        if (sticky == null || !sticky.byCookie() || target == null || target == cookieUpstream
                || (cookieUpstream != null && cookieUpstream.id().equals(target.id()))) {
            return null;
        }
        return sticky.setCookieLine(target);
    }

    /** How this session's dials end: the exchange starts, or it is answered 503 (no socket) or 502 (no upstream left). */
    private final class Dialing implements UpstreamDialer.Outcome {

        @Override
        public void attempting(Upstream next) {
            target = next;
            exchangeLog.attempt(next);
        }

        @Override
        public void connected(Connection connection, UpstreamConnection kept) {
            upstream = kept;
            HttpSession.this.connected();
        }

        @Override
        public void noSocket(String error) {
            exchangeLog.failed(error);
            fail(503);
        }

        @Override
        public void noUpstream(String error) {
            target = null;
            exchangeLog.failed(error);
            fail(502);
        }
    }

    private void connected() {
        state = EXCHANGE;
        requestSentAt = -1;
        exchangeLog.upstreamStarted(loop.now());
        if (upstreamOut == null) {
            upstreamOut = loop.buffers().acquire();
        }
        Framing framing = requestFraming();
        byte[] host = balancer.pool().upstreamHost() ? target.authority() : null;
        if (!writer.request(request, upstreamOut, framing, request.contentLength(), host, clientIp, policy.proto(),
                policy.trustForwarded(), websocket)) {
            fail(431);
            return;
        }
        touch();
        armExchange();
    }

    private Framing requestFraming() {
        return request.chunked() ? Framing.CHUNKED
                : request.contentLength() != HttpHead.NO_LENGTH ? Framing.LENGTH : Framing.NONE;
    }

    private void pumpRequest() {
        if (requestBody.done() || clientIn == null) {
            return;
        }
        clientInStart = requestBody.pump(clientIn, clientInStart, clientIn.position(), upstreamOut);
        if (requestBody.failed()) {
            if (!requestBody.endedEarly()) {
                fail(400);   // malformed; one cut short by the client's end is a client abort (advance())
            }
        } else if (requestBody.announced() > policy.maxBodyBytes()) {
            fail(413);
        } else if (!clientIn.hasRemaining() && clientInStart > 0) {
            compactClientIn();
        }
    }

    // ---- the response

    private void pumpResponse() {
        while (!responseHeadDone && !closed) {
            if (upstreamIn == null || upstreamIn.position() == upstreamInStart) {
                if (upstreamEof) {
                    upstreamFailed(UpstreamError.CLOSED);
                }
                return;
            }
            int verdict = responseParser.parse(upstreamIn, upstreamInStart, upstreamIn.position(), response);
            if (verdict == HttpParser.INCOMPLETE) {
                if (upstreamEof) {
                    upstreamFailed(UpstreamError.CLOSED);   // closed in the middle of its head
                } else if (!upstreamIn.hasRemaining()) {
                    failUpstream(UpstreamError.HEAD_TOO_LARGE);
                }
                return;
            }
            if (verdict == HttpParser.INVALID) {
                failUpstream(UpstreamError.INVALID_HEAD);
                return;
            }
            if (!responseHead()) {
                return;
            }
        }
        if (responseHeadDone && !responseDone) {
            upstreamInStart = responseBody.pump(upstreamIn, upstreamInStart, upstreamIn.position(), clientOut());
            if (responseBody.failed()) {
                // Closed before its body was complete, or framing it does not keep to.
                responseCut(upstreamEof ? UpstreamError.CLOSED : UpstreamError.INVALID_BODY, true);
            } else if (responseBody.done()) {
                responseDone = true;
                upstreamReusable &= upstreamInStart == upstreamIn.position() && !upstreamEof;
            } else if (!upstreamIn.hasRemaining() && upstreamInStart > 0) {
                compactUpstreamIn();
            }
        }
    }

    /** Handles a parsed response head; returns false if the exchange cannot go on. */
    private boolean responseHead() {
        int status = response.status();
        if (status < 200) {
            if (status == 101) {
                if (websocket && WebSocketHandshake.acceptsUpgrade(response, expectedAccept)) {
                    becomeTunnel();
                } else {
                    failUpstream(UpstreamError.BAD_UPGRADE);
                }
                return false;
            }
            if (interimResponses == MAX_INTERIM) {
                failUpstream(UpstreamError.TOO_MANY_INTERIM);   // those relayed stay; the upstream connection is closed
                return false;
            }
            if (requestVersion == 11
                    && !writer.response(response, clientOut(), Framing.NONE, 0, 11, true, null, null, false)) {
                if (clientOut.position() > 0) {
                    responseParser.reset();   // parsed again once the client has taken what waits
                    return false;
                }
                failUpstream(UpstreamError.HEAD_TOO_LARGE);
                return false;
            }
            interimResponses++;
            upstreamInStart = response.headEnd();
            responseParser.reset();
            compactUpstreamIn();
            return true;
        }
        long length = response.contentLength();
        boolean bodiless = headRequest || status == 204 || status == 304;
        Framing in = bodiless ? Framing.NONE : response.chunked() ? Framing.CHUNKED
                : length != HttpHead.NO_LENGTH ? Framing.LENGTH : Framing.UNTIL_CLOSE;
        Framing out = in;
        if (in == Framing.CHUNKED || in == Framing.UNTIL_CLOSE) {
            if (requestVersion == 11 && !closeAfter) {
                out = Framing.CHUNKED;
            } else {
                out = Framing.UNTIL_CLOSE;
                closeAfter = true;
            }
        }
        Framing header = bodiless && length != HttpHead.NO_LENGTH && status != 204 ? Framing.LENGTH : out;
        upstreamReusable = !response.closeAfter() && in != Framing.UNTIL_CLOSE;
        if (!writer.response(response, clientOut(), header, length, requestVersion, !closeAfter,
                cookies.active() ? cookies : null, stickyLine(), false)) {
            failUpstream(UpstreamError.HEAD_TOO_LARGE);
            return false;
        }
        responseBody.start(in, length, out);
        upstreamInStart = response.headEnd();
        responseHeadDone = true;
        armExchange();   // the body-idle timer governs from here, not the response deadline
        target.responded(status, loop.now());   // passive health: a 5xx may count
        return true;
    }

    /**
     * After a valid 101: the client and upstream sockets become an L4 tunnel (RFC 6455 §4.1: no
     * byte is tunnelled before the 101). The 101 head, rewritten for the client, and whatever
     * either side sent after the handshake go first; this session then lets go of both sockets
     * without closing them, and the tunnel counts as the listener's session from now on.
     */
    private void becomeTunnel() {
        ByteBuffer out = clientOut();
        if (!writer.response(response, out, Framing.NONE, 0, 11, true, null, null, true)) {
            failUpstream(UpstreamError.HEAD_TOO_LARGE);
            return;
        }
        int extra = upstreamIn.position() - response.headEnd();
        if (extra > out.remaining()) {
            failUpstream(UpstreamError.HEAD_TOO_LARGE);
            return;
        }
        HeadWriter.copy(upstreamIn, response.headEnd(), upstreamIn.position(), out);
        TcpTunnel.adopt(loop, acceptor, counters, sessions, policy.tunnel(), client, upstream.connection(), target,
                out, 0, out.position(), clientIn, clientInStart, clientIn.position(),
                policy.websocketMaxFrame(), WebSocketHandshake.hasExtensions(response));
        handedOver();
        upstream = null;
        loop.timers().cancel(timer);
        clientIn = release(clientIn);
        clientOut = release(clientOut);
        upstreamIn = release(upstreamIn);
        upstreamOut = release(upstreamOut);
    }

    private void finishExchange() {
        exchangeEnded(response.status(), loop.now() - exchangeStart);
        if (upstreamReusable && upstream != null && (upstreamOut == null || upstreamOut.position() == 0)) {
            UpstreamConnection idle = upstream;
            upstream = null;
            dialer.offer(idle);
        } else {
            dropUpstream();
        }
        upstreamIn = release(upstreamIn);
        upstreamOut = release(upstreamOut);
        upstreamInStart = 0;
        target = null;
        route = null;
        if (closeAfter) {
            closeWhenFlushed();
            return;
        }
        state = IDLE;
        requestParser.reset();
        compactClientIn();
        arm(clientIn == null || clientIn.position() == clientInStart
                ? policy.keepAliveTimeoutNanos() : policy.headTimeoutNanos());
    }

    // ---- failures, buffers, interest, time

    /**
     * Counts the exchange in the listener's shard and in those of its route, pool and upstream
     * (each that it reached) and, if sampled, logs it.
     */
    private void exchangeEnded(int status, long nanos) {
        counters.response(status, nanos);
        if (route != null) {
            route.traffic().exchange(shard, status, nanos);
            if (balancer != null) {
                balancer.pool().traffic().exchange(shard, status, nanos);
            }
        }
        if (target != null) {
            target.traffic().exchange(shard, status, nanos);
        }
        exchangeLog.end(context.accessLog(), policy, route, clientIp, request, status, nanos, requestId,
                bytesFromClient, bytesToClient + (clientOut == null ? 0 : clientOut.position()), loop.now());
    }

    /**
     * 429 with {@code Retry-After} the whole seconds until the next token is due, then the
     * connection closes (the request's body, if any, is not read).
     */
    private void failLimited(int retryAfterSeconds) {
        ErrorResponse.write(clientOut(), 429, requestId, retryAfterSeconds);
        exchangeEnded(429, loop.now() - exchangeStart);
        closeWhenFlushed();
    }

    /**
     * The upstream's response cannot be used ({@code error}: a bad head, one too large): an
     * event, the access log's {@code error}, and 502. Not a failure for passive health (the
     * upstream answered).
     */
    private void failUpstream(String error) {
        reportUpstream(error, false);
        fail(502);
    }

    /**
     * The upstream failed this exchange because of {@code error}: an event and, when it
     * {@code counts}, a failure for passive health; the access log's {@code error}.
     */
    private void reportUpstream(String error, boolean counts) {
        exchangeLog.failed(error);
        if (target != null) {
            target.failed(error, counts, loop.now());
        }
    }

    /**
     * A response already under way cannot be relayed whole ({@code error}: the upstream reset or
     * closed in its body, broke its framing, ended TLS without close_notify, or stopped sending):
     * the exchange is logged with the status being relayed and why, and the connection closes,
     * so the client sees the body end short rather than complete.
     */
    private void responseCut(String error, boolean countsAgainstUpstream) {
        reportUpstream(error, countsAgainstUpstream);
        exchangeEnded(response.status(), loop.now() - exchangeStart);
        close();
    }

    /** Answers {@code status} if no response has started, then closes once it is written. */
    private void fail(int status) {
        dropUpstream();
        if (!responseHeadDone || state != EXCHANGE) {
            ByteBuffer out = clientOut();
            ErrorResponse.write(out, status, requestId, status == 503 ? 1 : 0);
            long start = state != IDLE ? exchangeStart : headSince >= 0 ? headSince : loop.now();
            exchangeEnded(status, loop.now() - start);
        }
        closeWhenFlushed();
    }

    /**
     * Writing to the upstream failed: it stopped taking the request, often because it has
     * already answered (an early 413 or 401, then a reset). What it sent is still in the socket
     * and is read before deciding, so that answer reaches the client instead of a 502.
     */
    private void salvageResponse(String error) {
        UpstreamConnection failed = upstream;
        try {
            while (!upstreamEof) {
                int before = upstreamIn == null ? 0 : upstreamIn.position();
                readUpstream();
                if (upstreamIn.position() == before) {
                    break;
                }
            }
        } catch (IOException ignored) {
            // reset: what was read before it is all there is
        }
        pumpResponse();   // may already have settled it (a retry, or the answer, or a 502)
        if (!closed && upstream == failed) {
            upstreamFailed(error);
        }
    }

    /**
     * The upstream connection failed (reset, or closed before its response was complete). A
     * request is sent again, once, on a new connection when that is safe: the connection was a
     * reused one, nothing of the response came, and either nothing of the request was written or
     * the request is idempotent without a body (RFC 9110 §9.2.2); its head is still in the
     * buffer. Otherwise 502 if no response was started, else the client is closed; either way
     * the failure ({@code error}) counts against the upstream and is reported.
     */
    private void upstreamFailed(String error) {
        if (state == CLOSING || closed) {
            return;
        }
        boolean noResponse = !responseHeadDone && (upstreamIn == null || upstreamIn.position() == 0);
        boolean safe = !requestWritten || (request.method().idempotent() && request.contentLength() <= 0
                && !request.chunked());
        if (state == EXCHANGE && dialer.reused() && noResponse && headIntact && safe) {
            counters.retried();
            dropUpstream();
            upstreamEof = false;
            // The body (if any was taken from the buffer) goes again from its first byte.
            clientInStart = request.headEnd();
            requestBody.start(requestFraming(), request.contentLength(), requestFraming());
            state = CONNECTING;
            dialer.redial();
            return;
        }
        if (state == EXCHANGE && responseDone) {
            // The upstream answered (early, say a 413) and went away before taking the whole
            // request: the answer still goes to the client, then the connection closes.
            closeAfter = true;
            exchangeEnded(response.status(), loop.now() - exchangeStart);
            closeWhenFlushed();
        } else if (state == EXCHANGE && !responseHeadDone) {
            reportUpstream(error, true);   // a reset or early close that is not retried
            fail(502);
        } else if (state == EXCHANGE) {
            responseCut(error, true);
        } else {
            reportUpstream(error, true);
            close();
        }
    }

    /**
     * The client went away (a reset, a failed write, or the end of its stream before its request
     * was complete). During an exchange the upstream side is closed at once, never left waiting
     * for a body that cannot come, and the exchange ends as a client abort: logged with status
     * 499 (nginx's "client closed request") if no response had started, else with the status
     * being relayed; counted in {@code balor_client_aborts_total} unless its response was
     * complete (that response is still flushed to a client that only half-closed). It is not the
     * upstream's failure: nothing counts against it or is reported as one. Between exchanges (or
     * after a response Balor made itself) the connection just closes.
     */
    private void clientGone() {
        if (!closed && (state == CONNECTING || state == EXCHANGE)) {
            if (!responseDone) {
                counters.clientAborted();
            }
            exchangeEnded(responseHeadDone ? response.status() : 499, loop.now() - exchangeStart);
            if (responseDone) {
                closeWhenFlushed();   // the whole answer (an early 413, say) still goes to a half-closed client
                return;
            }
        }
        close();
    }

    /**
     * After the client's end of stream (a half-close is allowed, RFC 9112 §9.6: a whole request
     * is still answered): whether the request can no longer be completed from what is buffered.
     */
    private boolean requestCutShort() {
        if (!clientEof || requestBody.done()) {
            return false;
        }
        requestBody.endOfInput();
        return !requestBody.mayFinishWith(clientIn == null ? 0 : clientIn.position() - clientInStart);
    }

    private void closeWhenFlushed() {
        state = CLOSING;
        dropUpstream();
        flushClient();
        if (closed) {
            return;
        }
        if (clientOut == null && client.flushed()) {
            close();
        } else {
            arm(policy == null ? 0 : policy.bodyIdleTimeoutNanos());
        }
    }

    private void dropUpstream() {
        dialer.abandon();
        if (upstream != null) {
            upstream.close();
            upstream = null;
        }
        upstreamIn = release(upstreamIn);
        upstreamOut = release(upstreamOut);
        upstreamInStart = 0;
    }

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
            if (clientOut == null && state == CLOSING && client.flush()) {
                close();
            }
        } catch (IOException e) {
            clientGone();   // before, from the upstream's handler this counted as the upstream failing
        }
    }

    private void flushUpstream() {
        if (state == EXCHANGE && upstreamOut != null && upstreamOut.position() > 0) {
            upstreamOut.flip();
            try {
                int n = upstream.connection().write(upstreamOut);
                if (n > 0) {
                    upstream.upstream().traffic().bytesIn(shard, n);
                    touch();
                    requestWritten = true;
                }
                upstreamOut.compact();
            } catch (IOException e) {
                upstreamOut.clear();
                salvageResponse(UpstreamError.ofIo(e));
            }
        }
        if (state == EXCHANGE && requestSentAt < 0 && requestBody.done() && upstreamOut != null
                && upstreamOut.position() == 0) {
            requestSentAt = loop.now();   // all of the request is with the upstream: now it must answer
            armExchange();
        }
    }

    private ByteBuffer clientOut() {
        if (clientOut == null) {
            clientOut = loop.buffers().acquire();
        }
        return clientOut;
    }

    private void compactClientIn() {
        if (clientIn == null) {
            return;
        }
        int keep = requestBody.keepFrom() >= 0 ? Math.min(requestBody.keepFrom(), clientInStart) : clientInStart;
        if (keep > 0) {
            clientIn.flip().position(keep);
            clientIn.compact();
            requestBody.compacted(keep);
            clientInStart -= keep;
            headIntact = false;
        }
        if (clientIn.position() == 0 && state == IDLE) {
            clientIn = release(clientIn);
            clientInStart = 0;
        }
    }

    private void compactUpstreamIn() {
        int keep = responseBody.keepFrom() >= 0 ? Math.min(responseBody.keepFrom(), upstreamInStart) : upstreamInStart;
        if (keep > 0) {
            upstreamIn.flip().position(keep);
            upstreamIn.compact();
            responseBody.compacted(keep);
            upstreamInStart -= keep;
        }
    }

    private void interest() {
        boolean exchange = state == EXCHANGE;
        // Reading stays on through an exchange (pipelined bytes wait in the buffer): turning it
        // off and on per request costs two epoll_ctl calls. It goes off for backpressure only.
        boolean readClient = !clientEof && (state == IDLE || state == CONNECTING
                || (exchange && (requestBody.done() || upstreamOut == null || upstreamOut.hasRemaining())));
        client.interest(SelectionKey.OP_READ, readClient && (clientIn == null || clientIn.hasRemaining()));
        client.interest(SelectionKey.OP_WRITE, clientOut != null && clientOut.position() > 0 || !client.flushed());
        if (upstream != null && exchange) {
            boolean room = clientOut == null || clientOut.remaining() > MIN_ROOM;
            upstream.connection().interest(SelectionKey.OP_READ, !responseDone && !upstreamEof && room);
            upstream.connection().interest(SelectionKey.OP_WRITE, upstreamOut != null && upstreamOut.position() > 0);
        }
    }

    private void touch() {
        lastActivity = loop.now();
    }

    private void arm(long nanos) {
        loop.timers().schedule(timer, loop.now() + nanos);
    }

    /** Arms the timer for what the exchange waits for now ({@link #exchangeDue()}). */
    private void armExchange() {
        loop.timers().schedule(timer, exchangeDue());
    }

    /**
     * When the exchange's current wait ends (ticker time). While the request is being sent and
     * once the response head is in, bytes must keep moving: the body-idle timeout counts from the
     * last byte either way. In between, from the moment the whole request has been written, the
     * upstream has the response timeout to send its final head: a fixed deadline, which neither
     * interim (1xx) responses nor a head trickling in move.
     */
    private long exchangeDue() {
        if (!responseHeadDone && requestSentAt >= 0) {
            return requestSentAt + balancer.pool().responseTimeout(policy.responseTimeoutNanos());
        }
        return lastActivity + policy.bodyIdleTimeoutNanos();
    }

    /** When the current wait ends (ticker time); a connect's timer fires when it was armed for. */
    private long due() {
        return switch (state) {
            case IDLE -> clientIn == null || clientIn.position() == clientInStart
                    ? lastActivity + policy.keepAliveTimeoutNanos()
                    : (headSince >= 0 ? headSince : lastActivity) + policy.headTimeoutNanos();
            case EXCHANGE -> exchangeDue();
            default -> lastActivity + policy.bodyIdleTimeoutNanos();
        };
    }

    /**
     * The timer is armed for the earliest a wait can end; activity moves most waits on, so a
     * firing first checks the real due time ({@link #due()}) and re-arms for it if not yet.
     */
    private void onTimer() {
        if (closed) {
            return;
        }
        if (state != CONNECTING) {
            long due = due();
            if (loop.now() - due < 0) {
                loop.timers().schedule(timer, due);
                return;
            }
        }
        switch (state) {
            case IDLE -> {
                if (clientIn == null || clientIn.position() == clientInStart) {
                    close();
                } else {
                    fail(408);
                }
            }
            case CONNECTING -> dialer.timedOut();
            case EXCHANGE -> {
                if (!responseHeadDone && requestBody.done()) {
                    reportUpstream(UpstreamError.RESPONSE_TIMEOUT, false);
                    fail(504);
                } else if (!responseHeadDone && upstreamOut != null && upstreamOut.position() > 0) {
                    // The upstream stopped taking the body (the client was held back for it).
                    reportUpstream(UpstreamError.BODY_IDLE, false);
                    fail(504);
                } else if (!responseHeadDone) {
                    fail(408);
                } else if (clientOut != null && clientOut.position() > 0) {
                    // The client stopped reading: not the upstream's doing.
                    exchangeEnded(response.status(), loop.now() - exchangeStart);
                    close();
                } else {
                    responseCut(UpstreamError.BODY_IDLE, false);
                }
            }
            default -> close();
        }
        try {
            advance();
        } catch (IOException e) {
            close();
        }
    }

    private ByteBuffer release(ByteBuffer buffer) {
        if (buffer != null) {
            loop.buffers().release(buffer);
        }
        return null;
    }
}
