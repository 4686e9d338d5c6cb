package io.balor.proxy;

import io.balor.buffer.FreeList;
import io.balor.http.HttpLimits;
import io.balor.http2.Http2Scratch;
import io.balor.http2.RequestHead;
import io.balor.http2.RequestTrailers;
import io.balor.http2.ResponseBlock;
import io.balor.loop.EventLoop;

import java.nio.ByteBuffer;

/**
 * What the HTTP/2 client sessions of one loop share, because each uses it within one call only,
 * so that an idle HTTP/2 connection holds none of it: the codec's arrays ({@link Http2Scratch}),
 * the request head and trailers a header block is decoded into (each read whole before the call
 * returns: {@link StreamClient#headEnd}, {@link StreamClient#trailersEnd}), and the response block
 * a head is encoded into ({@link ResponseFrames}: sent at once, or copied for the stream while it
 * waits for room). And the stream clients themselves: a session takes one for each stream and
 * gives it back when the stream is over, so an idle connection holds none and a busy one reuses
 * what another left ({@link #trim()}, about once a second, lets go of those no one took since).
 * Owned by its loop's thread, made on first use ({@link HttpExchanges#streamScratch()}).
 */
final class StreamScratch {

    /** Free stream clients kept for reuse; more are left to the garbage collector. */
    private static final int STREAMS_KEPT = 4096;

    final Http2Scratch codec = new Http2Scratch();
    final RequestHead requestHead;
    final RequestTrailers requestTrailers;
    final ResponseBlock responseBlock;
    /** Where a response's header block is encoded. */
    final ByteBuffer block;
    /** Where a response's field lines Balor rewrites are written ({@link ResponseFrames#newLines}). */
    final ByteBuffer lines;

    private final EventLoop loop;
    private final HttpLimits limits;
    private final FreeList<StreamClient> streams = new FreeList<>(STREAMS_KEPT);

    StreamScratch(EventLoop loop, HttpLimits limits) {
        this.loop = loop;
        this.limits = limits;
        requestHead = new RequestHead(limits.maxHead());
        requestTrailers = new RequestTrailers(limits.maxHead());
        responseBlock = new ResponseBlock(limits.maxHead());
        block = ResponseFrames.newBlock(limits);
        lines = ResponseFrames.newLines(limits);
    }

    /** A stream client for a new stream: a free one, or a new one. */
    StreamClient takeStream() {
        StreamClient client = streams.take();
        return client != null ? client : new StreamClient(loop, limits, this);
    }

    /** A stream client whose stream is over, and that no session's round holds any more. */
    void giveStream(StreamClient client) {
        streams.give(client);
    }

    /** Lets go of the free stream clients no one took since the previous call ({@link FreeList#trim()}). */
    int trim() {
        return streams.trim();
    }
}
