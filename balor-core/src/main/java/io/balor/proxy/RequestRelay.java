package io.balor.proxy;

import io.balor.http.BodyPump;
import io.balor.http.HeadWriter;
import io.balor.http.HeadWriter.Framing;
import io.balor.http.HttpHead;
import io.balor.http.HttpLimits;
import io.balor.loop.EventLoop;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The request side of an {@link HttpExchange}: writes the regenerated head ({@link HeadWriter}:
 * hop-by-hop fields, {@code X-Forwarded-*}, the pool's Host policy) into the upstream's buffer,
 * streams the body into it from the client's buffer ({@link BodyPump}, re-framed when needed),
 * and writes that buffer to the upstream connection. It keeps what a retry and the response
 * timeout need to know: whether any byte reached the upstream, whether the head is still where
 * it was parsed, and when the whole request had been written. One per exchange, reused for
 * each request; loop thread only.
 */
final class RequestRelay {

    private final EventLoop loop;
    private final BodyPump body;
    private final HeadWriter writer;

    private ByteBuffer out;
    /** When the whole request had been written to the upstream (ticker time), or -1. */
    private long sentAt = -1;
    /** Some bytes of the request reached the upstream connection. */
    private boolean written;
    /** The request head is still where it was parsed, so it can be written again. */
    private boolean headIntact;

    RequestRelay(EventLoop loop, HttpLimits limits, HeadWriter writer) {
        this.loop = loop;
        this.body = new BodyPump(limits);
        this.writer = writer;
    }

    /** A new request to forward, its body framed as its head says. */
    void start(HttpHead request) {
        restart(request);
        headIntact = true;
        written = false;
    }

    /** A retry on a new connection: the body goes again from its first byte. */
    void restart(HttpHead request) {
        Framing framing = framing(request);
        body.start(framing, request.contentLength(), framing);
    }

    /** A request Balor answered itself: its body (if any) is not read. */
    void skip() {
        body.start(Framing.NONE, 0, Framing.NONE);
    }

    /**
     * Writes the head for the upstream (a connection was just made or taken): false when it does
     * not fit (431).
     *
     * @param host the upstream's authority as {@code Host}, or null to keep the client's
     */
    boolean writeHead(HttpHead request, byte[] host, byte[] clientIp, int clientIpLength, HttpPolicy policy,
                      boolean websocket) {
        sentAt = -1;
        if (out == null) {
            out = loop.buffers().acquire();
        }
        return writer.request(request, out, framing(request), request.contentLength(), host, clientIp, clientIpLength,
                policy.proto(), policy.trustForwarded(), websocket);
    }

    /**
     * Moves body bytes from the client side's buffer (on from where its unconsumed bytes
     * start, which it moves on) and returns the status the body is refused with, or 0: 400 when
     * malformed (one cut short by the client's end is a client abort, not this), 413 past
     * {@code maxBodyBytes}.
     */
    int pumpFrom(ExchangeClient client, long maxBodyBytes) {
        ClientState state = client.state();
        ByteBuffer in = state.clientIn;
        if (body.done() || in == null) {
            return 0;
        }
        int start = body.pump(in, state.clientInStart, in.position(), out);
        state.clientInStart = start;
        if (body.failed()) {
            return body.endedEarly() ? 0 : 400;
        }
        if (body.announced() > maxBodyBytes) {
            return 413;
        }
        if (!in.hasRemaining() && start > 0) {
            client.compactIn();
        }
        return 0;
    }

    /** Writes what waits to {@code upstream}, counted in its traffic ({@code shard}): the bytes written. */
    int flush(UpstreamConnection upstream, int shard) throws IOException {
        out.flip();
        try {
            int n = upstream.connection().write(out);
            if (n > 0) {
                written = true;
                upstream.upstream().traffic().bytesIn(shard, n);
            }
            return n;
        } finally {
            out.compact();
        }
    }

    /** A failed write: what waits will never go. */
    void discard() {
        out.clear();
    }

    /**
     * Whether all of the request has just been written (the first time this is asked after it
     * was): the response timeout runs from now.
     */
    boolean justSent() {
        if (sentAt < 0 && body.done() && out != null && out.position() == 0) {
            sentAt = loop.now();
            return true;
        }
        return false;
    }

    /** When the whole request had been written (ticker time), or -1. */
    long sentAt() {
        return sentAt;
    }

    /** Bytes waiting for the upstream. */
    int pending() {
        return out == null ? 0 : out.position();
    }

    boolean done() {
        return body.done();
    }

    /** Whether the client may be read for the body now: not while the upstream's buffer is full. */
    boolean takesBytes() {
        return body.done() || out == null || out.hasRemaining();
    }

    /** Whether nothing of the request has reached the upstream. */
    boolean nothingWritten() {
        return !written;
    }

    boolean headIntact() {
        return headIntact;
    }

    /**
     * Moves the unconsumed bytes of the client side's buffer to its front, keeping what a
     * re-framed body still needs (the head is gone then); an empty buffer goes back to the pool
     * when the client side is {@code idle}.
     */
    void compact(ClientState state, boolean idle) {
        ByteBuffer in = state.clientIn;
        if (in == null) {
            return;
        }
        int keepFrom = body.keepFrom();
        int keep = keepFrom >= 0 ? Math.min(keepFrom, state.clientInStart) : state.clientInStart;
        if (keep > 0) {
            in.flip().position(keep);
            in.compact();
            body.compacted(keep);
            state.clientInStart -= keep;
            headIntact = false;
        }
        if (in.position() == 0 && idle) {
            loop.buffers().release(in);
            state.clientIn = null;
            state.clientInStart = 0;
        }
    }

    /**
     * After the client's end of stream (a half-close is allowed, RFC 9112 §9.6: a whole request
     * is still answered): whether the request can no longer be completed from the
     * {@code buffered} bytes.
     */
    boolean cutShort(int buffered) {
        if (body.done()) {
            return false;
        }
        body.endOfInput();
        return !body.mayFinishWith(buffered);
    }

    /** Lets go of the buffer. */
    void release() {
        if (out != null) {
            loop.buffers().release(out);
            out = null;
        }
    }

    private static Framing framing(HttpHead request) {
        return request.chunked() ? Framing.CHUNKED
                : request.contentLength() != HttpHead.NO_LENGTH ? Framing.LENGTH : Framing.NONE;
    }
}
