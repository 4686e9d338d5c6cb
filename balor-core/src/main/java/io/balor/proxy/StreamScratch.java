package io.balor.proxy;

import io.balor.http.HttpLimits;
import io.balor.http2.Http2Scratch;
import io.balor.http2.RequestHead;
import io.balor.http2.RequestTrailers;
import io.balor.http2.ResponseBlock;

import java.nio.ByteBuffer;

/**
 * What the HTTP/2 client sessions of one loop share, because each uses it within one call only,
 * so that an idle HTTP/2 connection holds none of it: the codec's arrays ({@link Http2Scratch}),
 * the request head and trailers a header block is decoded into (each read whole before the call
 * returns: {@link StreamClient#headEnd}, {@link StreamClient#trailersEnd}), and the response block
 * a head is encoded into ({@link ResponseFrames}: sent at once, or copied for the stream while it
 * waits for room). Owned by its loop's thread, made on first use ({@link HttpExchanges#streamScratch()}).
 */
final class StreamScratch {

    final Http2Scratch codec = new Http2Scratch();
    final RequestHead requestHead;
    final RequestTrailers requestTrailers;
    final ResponseBlock responseBlock;
    /** Where a response's header block is encoded. */
    final ByteBuffer block;
    /** Where a response's field lines Balor rewrites are written ({@link ResponseFrames#newLines}). */
    final ByteBuffer lines;

    StreamScratch(HttpLimits limits) {
        requestHead = new RequestHead(limits.maxHead());
        requestTrailers = new RequestTrailers(limits.maxHead());
        responseBlock = new ResponseBlock(limits.maxHead());
        block = ResponseFrames.newBlock(limits);
        lines = ResponseFrames.newLines(limits);
    }
}
