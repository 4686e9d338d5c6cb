package io.balor.proxy;

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
import io.balor.net.Connection;
import io.balor.upstream.Balancer;
import io.balor.upstream.StickyCookie;
import io.balor.upstream.Upstream;
import io.balor.upstream.UpstreamError;
import io.balor.ws.WebSocketHandshake;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * One HTTP request and its response, forwarded to an upstream: routing, the pick, the
 * connection (from the {@link UpstreamDialer}), the regenerated heads, both body pumps, and how
 * it finishes or fails. Owned by one {@link HttpSession} and reused for each of its exchanges,
 * loop thread only; the session keeps the client connection (its reads, buffers, interest and
 * timer) and hands each parsed request head to {@link #start}.
 *
 * <h2>Phases</h2>
 * <ol>
 *   <li><b>start</b>: a request Balor answers itself is answered ({@link OwnAnswers}: a TRACE is
 *   refused 405, an OPTIONS with {@code Max-Forwards: 0} answered 200); else the listener's and
 *   route's rate limits (429), the route (none: 404), WebSocket checks and the body limit (413),
 *   and the pick (none: 503).</li>
 *   <li><b>connecting</b>: the dialer gets a connection, kept-alive or new, failing over to the
 *   next upstream (none left: 502; no socket to be had: 503).</li>
 *   <li><b>forwarding</b>: the regenerated head ({@link HeadWriter}), then the request body
 *   ({@link BodyPump}) while the response is read: 1xx responses pass through (at most
 *   {@value #MAX_INTERIM}, then 502), the final head is rewritten for the client and its body
 *   streamed, re-framed when the client needs it. A 101 to a WebSocket request makes the two
 *   sockets a {@link TcpTunnel}.</li>
 *   <li><b>finish</b>: when both bodies are complete the upstream connection goes back to the
 *   cache (unless it was closed, delimited by close, or said {@code Connection: close}) and the
 *   session reads the next request.</li>
 * </ol>
 * Errors before the response head has been sent become a status (502 invalid or failed
 * upstream, 504 no response in time, 408 client too slow); after, the client connection is
 * closed. An upstream's failure is named by an {@link UpstreamError} token: the access log's
 * {@code error}, a rate-limited event, and for connect failures, resets and early closes passive
 * health's. Which timeout governs each wait is said at {@link #due()}.
 */
final class HttpExchange {

    private static final int IDLE = 0;
    private static final int CONNECTING = 1;
    private static final int FORWARDING = 2;
    /** Output room worth reading the upstream for: a re-chunked range needs its size line and CRLF too. */
    private static final int MIN_ROOM = 32;
    /** Interim (1xx) responses relayed per exchange; one more is a 502 (an upstream sending them forever). */
    static final int MAX_INTERIM = 32;

    private final HttpSession session;
    private final EventLoop loop;
    /** The loop's index: which shard of the traffic counters this exchange writes. */
    private final int shard;
    private final SessionCounters counters;
    private final HttpContext context;
    /** The session's request head: parsed by the session, in its client buffer. */
    private final HttpHead request;
    private final HttpParser responseParser;
    private final HttpHead response;
    private final BodyPump requestBody;
    private final BodyPump responseBody;
    private final HeadWriter writer = new HeadWriter();
    private final CookieDomainRewriter cookies = new CookieDomainRewriter();
    private final ExchangeLog log = new ExchangeLog();
    private final UpstreamDialer dialer;
    private final byte[] clientIp;
    private final int clientHash;

    private int phase = IDLE;
    /** The snapshot's policy this exchange started with, kept to its end. */
    private HttpPolicy policy;
    private HttpRoute route;
    private Balancer balancer;
    private Upstream target;
    private UpstreamConnection upstream;
    private ByteBuffer upstreamIn;
    private ByteBuffer upstreamOut;
    private int upstreamInStart;
    private boolean upstreamEof;
    private boolean headRequest;
    private int requestVersion;
    private boolean responseHeadDone;
    private boolean responseDone;
    /** Interim (1xx) responses of the current exchange so far. */
    private int interimResponses;
    /** When the whole request had been written to the upstream (ticker time), or -1: the response timeout runs from here. */
    private long requestSentAt = -1;
    private boolean upstreamReusable;
    /** When the request's head began to arrive (ticker time): where its duration starts. */
    private long started;
    private long bytesFromUpstream;
    private Upstream cookieUpstream;
    private boolean websocket;
    /** Some bytes of the request reached the upstream connection. */
    private boolean requestWritten;
    /** The request head is still where it was parsed, so it can be written again. */
    private boolean headIntact;
    private String expectedAccept;

    HttpExchange(HttpSession session, EventLoop loop, SessionCounters counters, HttpContext context,
                 HttpLimits limits, HttpHead request, Connection client, IoHandler upstreamHandler, Timer timer) {
        this.session = session;
        this.loop = loop;
        this.shard = loop.index();
        this.counters = counters;
        this.context = context;
        this.request = request;
        this.responseParser = HttpParser.responses(limits);
        this.response = new HttpHead(limits);
        this.requestBody = new BodyPump(limits);
        this.responseBody = new BodyPump(limits);
        this.clientIp = client.peer().substring(0, client.peer().lastIndexOf(':'))
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        this.clientHash = client.clientHash();
        this.dialer = UpstreamDialer.forHttp(loop, counters, upstreamHandler, timer, new Dialing(), context.cache());
    }

    // ---- what the session asks

    /** Whether an exchange is under way (connecting or forwarding). */
    boolean active() {
        return phase != IDLE;
    }

    boolean connecting() {
        return phase == CONNECTING;
    }

    boolean forwarding() {
        return phase == FORWARDING;
    }

    /** The phase's name for the sessions list. */
    String phaseName() {
        return phase == CONNECTING ? "connecting" : phase == FORWARDING ? "exchange" : "idle";
    }

    Upstream target() {
        return target;
    }

    long bytesFromUpstream() {
        return bytesFromUpstream;
    }

    /** Request bytes waiting for the upstream. */
    int upstreamPending() {
        return upstreamOut == null ? 0 : upstreamOut.position();
    }

    /** Whether a response head has gone to the client (a failure can then only close). */
    boolean responseStarted() {
        return phase == FORWARDING && responseHeadDone;
    }

    /** Whether the session should read the client now: not while the request body waits for room upstream. */
    boolean takesClientBytes() {
        return phase != FORWARDING || requestBody.done() || upstreamOut == null || upstreamOut.hasRemaining();
    }

    /** How much of the client buffer before {@code start} must stay (a body being re-framed), or -1. */
    int keepFrom() {
        return requestBody.keepFrom();
    }

    /** The session moved its client buffer's bytes {@code by} to the left: the head is gone. */
    void clientCompacted(int by) {
        requestBody.compacted(by);
        headIntact = false;
    }

    // ---- start

    /**
     * Starts the exchange of the request head the session just parsed (its head began at
     * {@code headSince}, ticker time), under {@code policy}. It may end before this returns.
     */
    void start(HttpPolicy policy, long headSince) {
        this.policy = policy;
        balancer = null;   // set again once the request is routed
        route = null;
        target = null;
        started = headSince;
        ByteBuffer in = session.in();
        log.start(context.accessLog(), request, in);
        requestVersion = request.version();
        headRequest = request.method() == Method.HEAD;
        if (request.closeAfter()) {
            session.closeAfterResponse();
        }
        int hostStart = request.absoluteForm() ? request.authorityStart()
                : request.hostField() >= 0 ? request.valueStart(request.hostField()) : 0;
        int hostEnd = request.absoluteForm() ? request.authorityEnd()
                : request.hostField() >= 0 ? request.valueEnd(request.hostField()) : 0;
        cookies.host(in, hostStart, hostEnd);
        dialer.clientHost(in, hostStart, hostEnd);
        int pathStart = request.absoluteForm() ? request.authorityEnd() : request.targetStart();
        int pathEnd = pathStart;
        while (pathEnd < request.targetEnd() && in.get(pathEnd) != '?') {
            pathEnd++;
        }
        // The listener's limit counts every request (a 404 too); a route's only those it takes.
        long wait = policy.rateLimit() == null ? 0 : policy.rateLimit().tryTake(loop.now(), clientHash);
        int own = wait == 0 ? OwnAnswers.answer(request) : 0;
        if (own == 405) {
            session.fail(405);   // TRACE
            return;
        }
        if (own == 200) {
            answerOptions();
            return;
        }
        route = policy.routes().find(in, hostStart, hostEnd, pathStart, pathEnd);
        if (wait == 0 && route == null) {
            session.fail(404);
            return;
        }
        if (wait == 0 && route.rateLimit() != null) {
            wait = route.rateLimit().tryTake(loop.now(), clientHash);
        }
        if (wait > 0) {
            counters.limited();
            session.failLimited(TokenBucket.retryAfterSeconds(wait));
            return;
        }
        String pool = route.pool();
        websocket = WebSocketHandshake.wantsWebSocket(request);
        if (websocket) {
            int refused = WebSocketHandshake.checkRequest(request);
            if (refused != 0) {
                session.fail(refused);
                return;
            }
            int key = WebSocketHandshake.keyField(request);
            expectedAccept = WebSocketHandshake.acceptFor(in, request.valueStart(key), request.valueEnd(key));
        }
        long length = request.contentLength();
        if (length > policy.maxBodyBytes()) {
            session.fail(413);
            return;
        }
        Framing framing = requestFraming();
        requestBody.start(framing, length, framing);
        session.inStart(request.headEnd());
        balancer = context.balancer(pool);
        target = balancer == null ? null : pick(pool);
        if (target == null) {
            session.fail(503);
            return;
        }
        responseHeadDone = false;
        responseDone = false;
        interimResponses = 0;
        upstreamEof = false;
        responseParser.reset();
        phase = CONNECTING;
        headIntact = true;
        requestWritten = false;
        dialer.dial(balancer, target, policy.connectTimeoutNanos());
    }

    /**
     * Answers an OPTIONS with {@code Max-Forwards: 0} ({@link OwnAnswers}) and lets the session
     * go on to the next request, as after a forwarded exchange; the connection closes after it
     * when the client asked for that, or when the request has a body (it is not read).
     */
    private void answerOptions() {
        boolean close = session.closesAfterResponse() || request.contentLength() > 0 || request.chunked();
        if (!OwnAnswers.options(session.out(), close)) {
            session.close();   // behind 32 KiB of responses the client has not read: it is not reading
            return;
        }
        ended(200, loop.now() - started);
        if (close) {
            session.closeAfterResponse();
        } else {
            requestBody.start(Framing.NONE, 0, Framing.NONE);
            session.inStart(request.headEnd());
        }
        session.exchangeDone();
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
        ByteBuffer in = session.in();
        for (int i = 0; i < request.fieldCount() && cookieUpstream == null && cookie != null; i++) {
            if (request.nameIs(i, "cookie")) {
                cookieUpstream = cookie.find(in, request.valueStart(i), request.valueEnd(i));
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

    /** How this exchange's dials end: it goes on, or it is answered 503 (no socket) or 502 (no upstream left). */
    private final class Dialing implements UpstreamDialer.Outcome {

        @Override
        public void attempting(Upstream next) {
            target = next;
            log.attempt(next);
        }

        @Override
        public void connected(Connection connection, UpstreamConnection kept) {
            upstream = kept;
            HttpExchange.this.connected();
        }

        @Override
        public void noSocket(String error) {
            log.failed(error);
            session.fail(503);
        }

        @Override
        public void noUpstream(String error) {
            target = null;
            log.failed(error);
            session.fail(502);
        }
    }

    private void connected() {
        phase = FORWARDING;
        requestSentAt = -1;
        log.upstreamStarted(loop.now());
        if (upstreamOut == null) {
            upstreamOut = loop.buffers().acquire();
        }
        Framing framing = requestFraming();
        byte[] host = balancer.pool().upstreamHost() ? target.authority() : null;
        if (!writer.request(request, upstreamOut, framing, request.contentLength(), host, clientIp, policy.proto(),
                policy.trustForwarded(), websocket)) {
            session.fail(431);
            return;
        }
        session.touch();
        session.armAt(due());
    }

    private Framing requestFraming() {
        return request.chunked() ? Framing.CHUNKED
                : request.contentLength() != HttpHead.NO_LENGTH ? Framing.LENGTH : Framing.NONE;
    }

    // ---- forwarding

    /** The upstream's socket is ready: the connect goes on, or the response is read. */
    void upstreamReady(int readyOps) {
        if (phase == CONNECTING) {
            dialer.finishConnect();
        } else if ((readyOps & SelectionKey.OP_READ) != 0) {
            try {
                readUpstream();
            } catch (IOException e) {
                upstreamFailed(UpstreamError.ofIo(e));
            }
        }
    }

    /** The session's timer fired while connecting. */
    void connectTimedOut() {
        dialer.timedOut();
    }

    /**
     * Moves the request body and the response as far as the buffers allow; true when the
     * exchange finished (the session then reads the next request, or closes).
     */
    boolean pump() {
        pumpRequest();
        if (phase == FORWARDING) {
            pumpResponse();
        }
        if (!session.closed && phase == FORWARDING && requestBody.done() && responseDone) {
            finish();
            return true;
        }
        return false;
    }

    /**
     * After the client's end of stream (a half-close is allowed, RFC 9112 §9.6: a whole request
     * is still answered): whether the request can no longer be completed from what is buffered.
     */
    boolean requestCutShort(int buffered) {
        if (requestBody.done()) {
            return false;
        }
        requestBody.endOfInput();
        return !requestBody.mayFinishWith(buffered);
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
            session.touch();
        }
    }

    private void pumpRequest() {
        ByteBuffer in = session.in();
        if (requestBody.done() || in == null) {
            return;
        }
        int start = requestBody.pump(in, session.inStart(), in.position(), upstreamOut);
        session.inStart(start);
        if (requestBody.failed()) {
            if (!requestBody.endedEarly()) {
                session.fail(400);   // malformed; one cut short by the client's end is a client abort
            }
        } else if (requestBody.announced() > policy.maxBodyBytes()) {
            session.fail(413);
        } else if (!in.hasRemaining() && start > 0) {
            session.compactIn();
        }
    }

    private void pumpResponse() {
        while (!responseHeadDone && !session.closed) {
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
            upstreamInStart = responseBody.pump(upstreamIn, upstreamInStart, upstreamIn.position(), session.out());
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
            return interimHead(status);
        }
        long length = response.contentLength();
        boolean bodiless = headRequest || status == 204 || status == 304;
        Framing in = bodiless ? Framing.NONE : response.chunked() ? Framing.CHUNKED
                : length != HttpHead.NO_LENGTH ? Framing.LENGTH : Framing.UNTIL_CLOSE;
        Framing out = in;
        if (in == Framing.CHUNKED || in == Framing.UNTIL_CLOSE) {
            if (requestVersion == 11 && !session.closesAfterResponse()) {
                out = Framing.CHUNKED;
            } else {
                out = Framing.UNTIL_CLOSE;
                session.closeAfterResponse();
            }
        }
        Framing header = bodiless && length != HttpHead.NO_LENGTH && status != 204 ? Framing.LENGTH : out;
        upstreamReusable = !response.closeAfter() && in != Framing.UNTIL_CLOSE;
        if (!writer.response(response, session.out(), header, length, requestVersion, !session.closesAfterResponse(),
                cookies.active() ? cookies : null, stickyLine(), false)) {
            failUpstream(UpstreamError.HEAD_TOO_LARGE);
            return false;
        }
        responseBody.start(in, length, out);
        upstreamInStart = response.headEnd();
        responseHeadDone = true;
        session.armAt(due());   // the body-idle timer governs from here, not the response deadline
        target.responded(status, loop.now());   // passive health: a 5xx may count
        return true;
    }

    /** A 1xx head: a WebSocket's 101 makes a tunnel, others are relayed; false if the exchange cannot go on. */
    private boolean interimHead(int status) {
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
                && !writer.response(response, session.out(), Framing.NONE, 0, 11, true, null, null, false)) {
            if (session.out().position() > 0) {
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

    /**
     * After a valid 101: the client and upstream sockets become an L4 tunnel (RFC 6455 §4.1: no
     * byte is tunnelled before the 101). The 101 head, rewritten for the client, and whatever the
     * upstream sent after it go first; the session then hands both sockets over.
     */
    private void becomeTunnel() {
        ByteBuffer out = session.out();
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
        Connection connection = upstream.connection();
        upstream = null;
        phase = IDLE;
        upstreamIn = release(upstreamIn);
        upstreamOut = release(upstreamOut);
        session.becomeTunnel(policy, connection, target, WebSocketHandshake.hasExtensions(response));
    }

    /** Both bodies are complete: counted and logged, the upstream connection kept or closed. */
    private void finish() {
        ended(response.status(), loop.now() - started);
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
        phase = IDLE;
        session.exchangeDone();
    }

    // ---- ends and failures

    /**
     * Counts the exchange in the listener's shard and in those of its route, pool and upstream
     * (each that it reached) and, if sampled, logs it. Also for the answers the session gives
     * itself (a refused head, 408), which reached none of them.
     */
    void ended(int status, long nanos) {
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
        log.end(context.accessLog(), session.policy(), route, clientIp, request, status, nanos, session.requestId(),
                session.bytesFromClient(), session.bytesToClient(), loop.now());
    }

    /** When the exchange began (ticker time), for the session's own answers to it. */
    long started() {
        return started;
    }

    /**
     * The upstream's response cannot be used ({@code error}: a bad head, one too large): an
     * event, the access log's {@code error}, and 502. Not a failure for passive health (the
     * upstream answered).
     */
    private void failUpstream(String error) {
        reportUpstream(error, false);
        session.fail(502);
    }

    /**
     * The upstream failed this exchange because of {@code error}: an event and, when it
     * {@code counts}, a failure for passive health; the access log's {@code error}.
     */
    private void reportUpstream(String error, boolean counts) {
        log.failed(error);
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
        ended(response.status(), loop.now() - started);
        session.close();
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
        if (!session.closed && upstream == failed) {
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
        if (phase == IDLE || session.closed) {
            return;
        }
        boolean forwarding = phase == FORWARDING;
        boolean noResponse = !responseHeadDone && (upstreamIn == null || upstreamIn.position() == 0);
        boolean safe = !requestWritten || (request.method().idempotent() && request.contentLength() <= 0
                && !request.chunked());
        if (forwarding && dialer.reused() && noResponse && headIntact && safe) {
            counters.retried();
            dropUpstream();
            upstreamEof = false;
            // The body (if any was taken from the buffer) goes again from its first byte.
            session.inStart(request.headEnd());
            requestBody.start(requestFraming(), request.contentLength(), requestFraming());
            phase = CONNECTING;
            dialer.redial();
            return;
        }
        if (forwarding && responseDone) {
            // The upstream answered (early, say a 413) and went away before taking the whole
            // request: the answer still goes to the client, then the connection closes.
            session.closeAfterResponse();
            ended(response.status(), loop.now() - started);
            session.closeWhenFlushed();
        } else if (forwarding && !responseHeadDone) {
            reportUpstream(error, true);   // a reset or early close that is not retried
            session.fail(502);
        } else if (forwarding) {
            responseCut(error, true);
        } else {
            reportUpstream(error, true);
            session.close();
        }
    }

    /**
     * The client went away mid-exchange: it ends as a client abort, logged with status 499
     * (nginx's "client closed request") if no response had started, else with the status being
     * relayed; counted in {@code balor_client_aborts_total} unless its response was complete.
     * Nothing counts against the upstream. True when the whole response is there (an early 413,
     * say): it still goes to a client that only half-closed.
     */
    boolean clientGone() {
        if (!responseDone) {
            counters.clientAborted();
        }
        ended(responseHeadDone ? response.status() : 499, loop.now() - started);
        return responseDone;
    }

    /** Lets go of the upstream side (closed, or the dial stopped) and its buffers; the exchange is over. */
    void dropUpstream() {
        dialer.abandon();
        if (upstream != null) {
            upstream.close();
            upstream = null;
        }
        upstreamIn = release(upstreamIn);
        upstreamOut = release(upstreamOut);
        upstreamInStart = 0;
        phase = IDLE;
    }

    /** Writes what waits for the upstream; a failed write tries to save the response. */
    void flushUpstream() {
        if (phase == FORWARDING && upstreamOut != null && upstreamOut.position() > 0) {
            upstreamOut.flip();
            try {
                int n = upstream.connection().write(upstreamOut);
                if (n > 0) {
                    upstream.upstream().traffic().bytesIn(shard, n);
                    session.touch();
                    requestWritten = true;
                }
                upstreamOut.compact();
            } catch (IOException e) {
                upstreamOut.clear();
                salvageResponse(UpstreamError.ofIo(e));
            }
        }
        if (phase == FORWARDING && requestSentAt < 0 && requestBody.done() && upstreamOut != null
                && upstreamOut.position() == 0) {
            requestSentAt = loop.now();   // all of the request is with the upstream: now it must answer
            session.armAt(due());
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

    /** Sets the upstream socket's interest: read while the client has room ({@code clientRoom}), write what waits. */
    void interest(int clientRoom) {
        if (upstream != null && phase == FORWARDING) {
            upstream.connection().interest(SelectionKey.OP_READ, !responseDone && !upstreamEof && clientRoom > MIN_ROOM);
            upstream.connection().interest(SelectionKey.OP_WRITE, upstreamOut != null && upstreamOut.position() > 0);
        }
    }

    // ---- time

    /**
     * When the exchange's current wait ends (ticker time). While the request is being sent and
     * once the response head is in, bytes must keep moving: the body-idle timeout counts from the
     * last byte either way. In between, from the moment the whole request has been written, the
     * upstream has the response timeout to send its final head: a fixed deadline, which neither
     * interim (1xx) responses nor a head trickling in move.
     */
    long due() {
        if (!responseHeadDone && requestSentAt >= 0) {
            return requestSentAt + balancer.pool().responseTimeout(policy.responseTimeoutNanos());
        }
        return session.lastActivity() + policy.bodyIdleTimeoutNanos();
    }

    /** The wait {@link #due()} names is over: who failed decides the answer. */
    void timedOut(boolean clientHasUnsent) {
        if (!responseHeadDone && requestBody.done()) {
            reportUpstream(UpstreamError.RESPONSE_TIMEOUT, false);
            session.fail(504);
        } else if (!responseHeadDone && upstreamOut != null && upstreamOut.position() > 0) {
            // The upstream stopped taking the body (the client was held back for it).
            reportUpstream(UpstreamError.BODY_IDLE, false);
            session.fail(504);
        } else if (!responseHeadDone) {
            session.fail(408);
        } else if (clientHasUnsent) {
            // The client stopped reading: not the upstream's doing.
            ended(response.status(), loop.now() - started);
            session.close();
        } else {
            responseCut(UpstreamError.BODY_IDLE, false);
        }
    }

    private ByteBuffer release(ByteBuffer buffer) {
        if (buffer != null) {
            loop.buffers().release(buffer);
        }
        return null;
    }
}
