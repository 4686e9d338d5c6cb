package io.balor.proxy;

import io.balor.upstream.UpstreamError;

/**
 * How an {@link HttpExchange} ends before its time, and who is to blame: the upstream's failures
 * (a reset or early close, sent again once when safe, RFC 9110 §9.2.2; else 502, or the client
 * closed when a response was under way), a response that cannot be relayed whole, what the
 * upstream said before it stopped taking the request, and the exchange's timeouts (504, 408, a
 * body gone idle). Part of its exchange; loop thread only.
 */
final class ExchangeFailures {

    private final HttpExchange x;

    ExchangeFailures(HttpExchange exchange) {
        this.x = exchange;
    }

    /**
     * TLS ended without close_notify under a body that runs until close: it may have been cut
     * (RFC 9112 §9.8), so the client must not see it end as if complete.
     */
    void cutIfTruncated() {
        if (x.response.truncated(x.upstream.connection())) {
            responseCut(UpstreamError.TRUNCATED_BODY, false);
        }
    }

    /** The response cannot be used ({@code error}): 502; not a failure for passive health (the upstream answered). */
    void failUpstream(String error) {
        reportUpstream(error, false);
        x.client.fail(502);
    }

    /** The upstream failed this exchange because of {@code error} (when it {@code counts}, for passive health too). */
    void reportUpstream(String error, boolean counts) {
        x.log.failed(error);
        if (x.target != null) {
            x.target.failed(error, counts, x.loop.now());   // an event; passive health may eject it
        }
    }

    /**
     * A response already under way cannot be relayed whole ({@code error}: the upstream reset or
     * closed in its body, broke its framing, ended TLS without close_notify, or stopped sending):
     * the exchange is logged with the status being relayed and why, and the connection closes,
     * so the client sees the body end short rather than complete.
     */
    void responseCut(String error, boolean countsAgainstUpstream) {
        reportUpstream(error, countsAgainstUpstream);
        x.ended(x.response.head().status(), x.loop.now() - x.started);
        x.client.close();
    }

    /**
     * Writing to the upstream failed: it stopped taking the request, often because it answered
     * already (an early 413 or 401, then a reset). What it sent is read before deciding, so that
     * answer reaches the client instead of a 502.
     */
    void salvageResponse(String error) {
        UpstreamConnection failed = x.upstream;
        x.response.drain(failed, x.shard);
        cutIfTruncated();
        if (!x.client.closed()) {
            x.pumpResponse();   // may already settle it (the answer, or a 502)
        }
        if (!x.client.closed() && x.upstream == failed) {
            upstreamFailed(error);
        }
    }

    /**
     * The upstream connection failed (reset, or closed before its response was complete). The
     * request is sent again, once, on a new connection when safe: the connection was reused,
     * nothing of the response came, its head is still in the buffer, and nothing of it was written
     * or it is idempotent without a body (RFC 9110 §9.2.2); or an HTTP/2 upstream refused its
     * stream, which it never processed (RFC 9113 §8.7). Otherwise 502 if no response started,
     * else the client is closed; either way the failure counts against the upstream.
     */
    void upstreamFailed(String error) {
        if (x.phase == HttpExchange.IDLE || x.client.closed()) {
            return;
        }
        boolean forwarding = x.phase == HttpExchange.FORWARDING;
        boolean noResponse = x.response.nothingRead();
        // An HTTP/2 stream the upstream refused never reached it (RFC 9113 §8.7): it goes again on a
        // new connection, whatever its method, even when its connection was new (once: not after a redial).
        boolean refused = x.upstream != null && x.upstream.connection() instanceof UpstreamStream stream && stream.refused();
        boolean safe = refused || x.requestSide.nothingWritten() || (x.request.method().idempotent()
                && x.request.contentLength() <= 0 && !x.request.chunked());
        if (forwarding && (x.dialer.reused() || refused && !x.dialer.redialed()) && noResponse
                && x.requestSide.headIntact() && safe) {
            x.counters.retried();
            x.dropUpstream();
            x.response.retry();
            // The body (if any was taken from the buffer) goes again from its first byte.
            x.state.clientInStart = x.request.headEnd();
            x.requestSide.restart(x.request);
            x.phase = HttpExchange.CONNECTING;
            x.dialer.redial();
            return;
        }
        if (forwarding && x.response.done()) {
            // The x.upstream answered (early, say a 413) and went away before taking the whole
            // x.request: the answer still goes to the x.client, then the connection closes.
            x.client.closeAfter(true);
            x.ended(x.response.head().status(), x.loop.now() - x.started);
            x.client.closeWhenFlushed();
        } else if (forwarding && !x.response.headDone()) {
            reportUpstream(error, true);   // a reset or early close that is not retried
            x.client.fail(502);
        } else if (forwarding) {
            responseCut(error, true);
        } else {
            reportUpstream(error, true);
            x.client.close();
        }
    }

    /** The wait {@link HttpExchange#due()} names is over: who failed decides the answer. */
    void timedOut(boolean clientHasUnsent) {
        if (x.phase == HttpExchange.CONNECTING) {
            x.dialer.timedOut();
        } else if (!x.response.headDone() && x.requestSide.done()) {
            reportUpstream(UpstreamError.RESPONSE_TIMEOUT, false);
            x.client.fail(504);
        } else if (!x.response.headDone() && x.requestSide.pending() > 0) {
            // The x.upstream stopped taking the body (the x.client was held back for it).
            reportUpstream(UpstreamError.BODY_IDLE, false);
            x.client.fail(504);
        } else if (!x.response.headDone()) {
            x.client.fail(408);
        } else if (clientHasUnsent) {
            // The x.client stopped reading: not the x.upstream's doing.
            x.ended(x.response.head().status(), x.loop.now() - x.started);
            x.client.close();
        } else {
            responseCut(UpstreamError.BODY_IDLE, false);
        }
    }
}
