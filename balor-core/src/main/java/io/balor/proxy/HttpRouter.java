package io.balor.proxy;

import io.balor.http.HttpHead;
import io.balor.limit.TokenBucket;
import io.balor.upstream.Balancer;
import io.balor.upstream.StickyCookie;
import io.balor.upstream.Upstream;
import io.balor.ws.WebSocketHandshake;

import java.nio.ByteBuffer;

/**
 * Decides where one request goes, before anything is sent upstream: the answers no limit holds
 * back (ACME's HTTP-01), the listener's rate limit, the requests Balor answers itself
 * ({@link OwnAnswer}, the seam before routing), the route by
 * host and path, the route's rate limit, the WebSocket handshake and body-size checks, and the
 * upstream: the one the sticky cookie names if it can take it (else the balancer's pick, and the
 * response re-issues the cookie), the client's place on the hash ring for {@code ip_hash}, or
 * the balancer's pick. One per {@link HttpExchange}, loop thread only; allocates nothing per
 * request but a WebSocket's expected accept value.
 */
final class HttpRouter {

    /** {@link #route}: forward to {@link #target()}. */
    static final int FORWARD = 0;
    /** {@link #route}: Balor answers it itself ({@link #ownAnswer()}). */
    static final int ANSWER = -1;
    /** {@link #route}: over a rate limit: 429 with {@link #retryAfterSeconds()}. */
    static final int LIMITED = -2;

    private int clientHash;
    private HttpRoute route;
    private Balancer balancer;
    private Upstream target;
    private Upstream cookieUpstream;
    private OwnAnswer ownAnswer;
    private int retryAfterSeconds;
    private String expectedAccept;

    /** @param clientHash the client address's hash: its per-client rate-limit buckets and hash-ring place */
    HttpRouter(int clientHash) {
        this.clientHash = clientHash;
    }

    /** Routes the requests of another client from now on (a pooled exchange bound to a new session). */
    void client(int hash) {
        clientHash = hash;
    }

    /**
     * Routes {@code request} (its bytes in {@code in}) under {@code policy} at {@code now}:
     * {@link #FORWARD}, {@link #ANSWER}, {@link #LIMITED}, or the status to refuse it with (404
     * no route, 413 body too large, a WebSocket refusal, 503 no upstream to pick). What was
     * decided before it stopped ({@link #matched()}, {@link #balancer()}) stays readable, so the
     * refusal is counted where it belongs.
     */
    int route(HttpPolicy policy, HttpHead request, ByteBuffer in, long now) {
        route = null;
        balancer = null;
        target = null;
        cookieUpstream = null;
        expectedAccept = null;
        ownAnswer = policy.ownAnswer(request, in, true);
        if (ownAnswer != null) {
            return ANSWER;
        }
        // The listener's limit counts every other request (a 404 too); a route's only those it takes.
        long wait = policy.rateLimit() == null ? 0 : policy.rateLimit().tryTake(now, clientHash);
        ownAnswer = wait == 0 ? policy.ownAnswer(request, in, false) : null;
        if (ownAnswer != null) {
            return ANSWER;
        }
        int pathStart = request.absoluteForm() ? request.authorityEnd() : request.targetStart();
        int pathEnd = pathStart;
        while (pathEnd < request.targetEnd() && in.get(pathEnd) != '?') {
            pathEnd++;
        }
        route = policy.routes().find(in, request.hostStart(), request.hostEnd(), pathStart, pathEnd);
        if (wait == 0 && route == null) {
            return 404;
        }
        if (wait == 0 && route.rateLimit() != null) {
            wait = route.rateLimit().tryTake(now, clientHash);
        }
        if (wait > 0) {
            retryAfterSeconds = TokenBucket.retryAfterSeconds(wait);
            return LIMITED;
        }
        if (WebSocketHandshake.wantsWebSocket(request)) {
            int refused = WebSocketHandshake.checkRequest(request);
            if (refused != 0) {
                return refused;
            }
            int key = WebSocketHandshake.keyField(request);
            expectedAccept = WebSocketHandshake.acceptFor(in, request.valueStart(key), request.valueEnd(key));
        }
        if (request.contentLength() > policy.maxBodyBytes()) {
            return 413;
        }
        balancer = route.balancer();
        target = pick(request, in);
        return target == null ? 503 : FORWARD;
    }

    private Upstream pick(HttpHead request, ByteBuffer in) {
        Stickiness sticky = route.sticky();
        if (balancer == null || sticky == null) {
            return balancer == null ? null : balancer.pick();
        }
        if (!sticky.byCookie()) {
            return sticky.byClient(clientHash);
        }
        StickyCookie cookie = sticky.cookie();
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

    /** The {@code Set-Cookie} line to add to the response from {@code responder}, or null. */
    byte[] stickyLine(Upstream responder) {
        Stickiness sticky = route == null ? null : route.sticky();
        if (sticky == null || !sticky.byCookie() || responder == null || responder == cookieUpstream
                || (cookieUpstream != null && cookieUpstream.id().equals(responder.id()))) {
            return null;
        }
        return sticky.setCookieLine(responder);
    }

    /** The route matched, or null. */
    HttpRoute matched() {
        return route;
    }

    /** The route's pool's balancer, once it was asked; else null. */
    Balancer balancer() {
        return balancer;
    }

    /** The upstream picked (a failover may go on to others). */
    Upstream target() {
        return target;
    }

    OwnAnswer ownAnswer() {
        return ownAnswer;
    }

    int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** For a WebSocket handshake: the {@code Sec-WebSocket-Accept} the 101 must carry; else null. */
    String expectedAccept() {
        return expectedAccept;
    }
}
