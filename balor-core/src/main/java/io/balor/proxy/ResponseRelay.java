package io.balor.proxy;

import io.balor.http.BodyPump;
import io.balor.http.CookieDomainRewriter;
import io.balor.http.HeadWriter;
import io.balor.http.HeadWriter.Framing;
import io.balor.http.HttpHead;
import io.balor.http.HttpLimits;
import io.balor.http.HttpParser;
import io.balor.http.Method;
import io.balor.loop.EventLoop;
import io.balor.net.Connection;
import io.balor.upstream.Upstream;
import io.balor.upstream.UpstreamError;
import io.balor.ws.WebSocketHandshake;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The response side of an {@link HttpExchange}: reads the upstream into its own buffer, parses
 * the response head, relays interim (1xx) heads (at most {@value #MAX_INTERIM}, then 502), writes
 * the final head rewritten for the client ({@link HeadWriter}: framing, {@code Connection},
 * the sticky cookie, {@code Set-Cookie} domains) and streams the body ({@link BodyPump}),
 * re-framed when the client needs it. What it cannot handle itself it returns to the exchange
 * as an outcome with an {@link UpstreamError} token ({@link #error()}). One per exchange, reused
 * for each response; loop thread only.
 */
final class ResponseRelay {

    /** Interim (1xx) responses relayed per exchange; one more is a 502 (an upstream sending them forever). */
    static final int MAX_INTERIM = 32;

    /** {@link #relay}: waiting for bytes from the upstream or room at the client. */
    static final int WAITING = 0;
    /** {@link #relay}: the final head was just written for the client (call again for the body). */
    static final int HEAD = 1;
    /** {@link #relay}: a valid 101 to a WebSocket handshake: the exchange makes a tunnel. */
    static final int UPGRADE = 2;
    /** {@link #relay}: an unusable response ({@link #error()}): 502, not the upstream's failure for passive health. */
    static final int UNUSABLE = 3;
    /** {@link #relay}: the upstream closed before its head was complete ({@link #error()}). */
    static final int CLOSED = 4;
    /** {@link #relay}: the body was cut short or broke its framing ({@link #error()}; it counts for passive health). */
    static final int CUT = 5;

    private final EventLoop loop;
    private final HttpParser parser;
    private final HttpHead head;
    private final BodyPump body;
    private final HeadWriter writer;
    private final CookieDomainRewriter cookies = new CookieDomainRewriter();
    private ExchangeClient client;
    private final HttpRouter router;

    private int requestVersion;
    private boolean headRequest;
    private ByteBuffer in;
    private int inStart;
    private boolean eof;
    private boolean headDone;
    private boolean done;
    private boolean reusable;
    private int interim;
    private String error;
    private long bytesRead;

    /**
     * A relay for the client side {@link #bind} names (its output buffer and whether it closes
     * after the response).
     *
     * @param router the request's sticky cookie and WebSocket accept value
     */
    ResponseRelay(EventLoop loop, HttpLimits limits, HeadWriter writer, HttpRouter router) {
        this.loop = loop;
        this.parser = HttpParser.responses(limits);
        this.head = new HttpHead(limits);
        this.body = new BodyPump(limits);
        this.writer = writer;
        this.router = router;
    }

    /** Relays to {@code client} from now on (a pooled exchange bound to a new session); its byte count starts at 0. */
    void bind(ExchangeClient client) {
        this.client = client;
        bytesRead = 0;
    }

    /**
     * The response to {@code request} comes next; {@code in} holds the request's bytes, whose host
     * name becomes the {@code Domain} of the upstream's cookies ({@link CookieDomainRewriter}).
     */
    void expect(HttpHead request, ByteBuffer in) {
        requestVersion = request.version();
        headRequest = request.method() == Method.HEAD;
        cookies.host(in, request.hostStart(), request.hostEnd());
    }

    /** Gets ready for a new response (an exchange's first connection, or a retry's). */
    void reset() {
        headDone = false;
        done = false;
        interim = 0;
        eof = false;
        parser.reset();
    }

    /**
     * Reads what {@code upstream} sent, counted in its traffic ({@code shard}): the number of
     * bytes read (0 when the buffer is full, -1 at its end).
     */
    int read(UpstreamConnection upstream, int shard) throws IOException {
        if (in == null) {
            in = loop.buffers().acquire();
        }
        if (!in.hasRemaining()) {
            return 0;
        }
        int n = upstream.connection().read(in);
        upstream.upstream().traffic().bytesOut(shard, n);
        bytesRead += Math.max(n, 0);
        if (n < 0) {
            eof = true;
            body.endOfInput();
        } else if (n > 0) {
            client.touch();
        }
        return n;
    }

    /** Reads all {@code upstream} has sent, up to its end or a full buffer (a reset ends it too). */
    void drain(UpstreamConnection upstream, int shard) {
        try {
            while (!eof && read(upstream, shard) > 0) {
                // on until nothing more comes
            }
        } catch (IOException ignored) {
            // reset: what was read before it is all there is
        }
    }

    /**
     * After the upstream's end: whether TLS ended without close_notify under a body that runs
     * until close, which may have been cut (RFC 9112 §9.8), so the client must not see it end as
     * if complete.
     */
    boolean truncated(Connection upstream) {
        return eof && headDone && body.endsAtClose() && upstream.truncated();
    }

    /**
     * Relays as much of the response as the buffers allow into the client's buffer (taken from
     * the session only when there is something to write).
     *
     * @param target the upstream answering (its sticky cookie is set when the request did not name it)
     * @return {@link #WAITING}, {@link #HEAD}, {@link #UPGRADE}, {@link #UNUSABLE},
     *         {@link #CLOSED} or {@link #CUT}; {@link #done()} says when all of it is relayed
     */
    int relay(Upstream target) {
        while (!headDone) {
            if (in == null || in.position() == inStart) {
                return eof ? fail(CLOSED, UpstreamError.CLOSED) : WAITING;
            }
            int verdict = parser.parse(in, inStart, in.position(), head);
            if (verdict == HttpParser.INCOMPLETE) {
                if (eof) {
                    return fail(CLOSED, UpstreamError.CLOSED);   // closed in the middle of its head
                }
                return in.hasRemaining() ? WAITING : fail(UNUSABLE, UpstreamError.HEAD_TOO_LARGE);
            }
            if (verdict == HttpParser.INVALID) {
                return fail(UNUSABLE, UpstreamError.INVALID_HEAD);
            }
            if (head.status() >= 200) {
                return finalHead(target);
            }
            int outcome = interimHead();
            if (outcome != HEAD) {
                return outcome;
            }
        }
        if (done) {
            return WAITING;
        }
        inStart = body.pump(in, inStart, in.position(), client.out());
        if (body.failed()) {
            // Closed before its body was complete, or framing it does not keep to.
            return fail(CUT, eof ? UpstreamError.CLOSED : UpstreamError.INVALID_BODY);
        }
        if (body.done()) {
            done = true;
            reusable &= inStart == in.position() && !eof;
        } else if (!in.hasRemaining() && inStart > 0) {
            compact();
        }
        return WAITING;
    }

    private int finalHead(Upstream target) {
        int status = head.status();
        long length = head.contentLength();
        boolean bodiless = headRequest || status == 204 || status == 304;
        Framing from = bodiless ? Framing.NONE : head.chunked() ? Framing.CHUNKED
                : length != HttpHead.NO_LENGTH ? Framing.LENGTH : Framing.UNTIL_CLOSE;
        Framing to = from;
        if (from == Framing.CHUNKED || from == Framing.UNTIL_CLOSE) {
            // an HTTP/1.1 client gets a chunked body chunked even on a connection that closes
            // after it: its trailer section (gRPC's status) has nowhere else to go
            if (requestVersion == 11 && (!client.closeAfter() || from == Framing.CHUNKED)) {
                to = Framing.CHUNKED;
            } else {
                to = Framing.UNTIL_CLOSE;
                client.closeAfter(true);
            }
        }
        Framing header = bodiless && length != HttpHead.NO_LENGTH && status != 204 ? Framing.LENGTH : to;
        reusable = !head.closeAfter() && from != Framing.UNTIL_CLOSE;
        byte[] sticky = router.stickyLine(target);   // cookies: it checks the request's host only for a Set-Cookie
        if (!client.finalHead(head, header, length, cookies, sticky) && !writer.response(head, client.out(), header,
                length, requestVersion, !client.closeAfter(), cookies, sticky, false)) {
            return fail(UNUSABLE, UpstreamError.HEAD_TOO_LARGE);
        }
        body.start(from, length, to);
        inStart = head.headEnd();
        headDone = true;
        return HEAD;
    }

    /** A 1xx head: {@link #HEAD} when relayed (go on), else the outcome. */
    private int interimHead() {
        if (head.status() == 101) {
            String accept = router.expectedAccept();
            return accept != null && WebSocketHandshake.acceptsUpgrade(head, accept)
                    ? UPGRADE : fail(UNUSABLE, UpstreamError.BAD_UPGRADE);
        }
        if (interim == MAX_INTERIM) {
            return fail(UNUSABLE, UpstreamError.TOO_MANY_INTERIM);   // those relayed stay; the connection is closed
        }
        if (requestVersion == 11
                && !writer.response(head, client.out(), Framing.NONE, 0, 11, true, null, null, false)) {
            if (client.out().position() > 0) {
                parser.reset();   // parsed again once the client has taken what waits
                return WAITING;
            }
            return fail(UNUSABLE, UpstreamError.HEAD_TOO_LARGE);
        }
        interim++;
        inStart = head.headEnd();
        parser.reset();
        compact();
        return HEAD;
    }

    /**
     * After {@link #UPGRADE}: writes the 101 for the client into {@code out}, and what the
     * upstream sent after it; false (nothing usable) when it does not fit.
     */
    boolean upgrade(ByteBuffer out) {
        if (!writer.response(head, out, Framing.NONE, 0, 11, true, null, null, true)) {
            return false;
        }
        if (in.position() - head.headEnd() > out.remaining()) {
            return false;
        }
        HeadWriter.copy(in, head.headEnd(), in.position(), out);
        return true;
    }

    private int fail(int outcome, String why) {
        error = why;
        return outcome;
    }

    private void compact() {
        int keep = body.keepFrom() >= 0 ? Math.min(body.keepFrom(), inStart) : inStart;
        if (keep > 0) {
            in.flip().position(keep);
            in.compact();
            body.compacted(keep);
            inStart -= keep;
        }
    }

    /** Why the last {@link #UNUSABLE}, {@link #CLOSED} or {@link #CUT} happened. */
    String error() {
        return error;
    }

    HttpHead head() {
        return head;
    }

    boolean headDone() {
        return headDone;
    }

    boolean done() {
        return done;
    }

    boolean eof() {
        return eof;
    }

    /** Whether the connection may carry another exchange: the response ended by its framing, nothing after it. */
    boolean reusable() {
        return reusable;
    }

    /** Whether nothing of a response has arrived. */
    boolean nothingRead() {
        return !headDone && (in == null || in.position() == 0);
    }

    /** Bytes read from upstreams since {@link #bind}. */
    long bytesRead() {
        return bytesRead;
    }

    /** Lets go of the buffer (the connection is closed, kept, or handed to a tunnel). */
    void release() {
        if (in != null) {
            loop.buffers().release(in);
            in = null;
        }
        inStart = 0;
    }

    /** A retry: the next connection's response starts afresh. */
    void retry() {
        eof = false;
    }
}
