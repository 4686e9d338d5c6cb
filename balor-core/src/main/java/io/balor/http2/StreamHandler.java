package io.balor.http2;

import java.nio.ByteBuffer;

/**
 * What the application (the proxy) does with the streams of an {@link Http2Connection}: it hears
 * of each request's head, body and trailers, of windows opening and of streams ending. Called on
 * the connection's loop thread, mostly from within {@link Http2Connection#receive}.
 */
public interface StreamHandler extends HpackDecoder.FieldSink {

    /** A header block of {@code stream} begins: its fields follow through {@code field}; trailers or the head. */
    void onHeadersStart(Http2Stream stream, boolean trailers);

    /**
     * The block's fields were all handed over. {@code tooLarge}: some were past the list size and were not
     * (answer 431). {@code endStream}: the request has no more.
     */
    void onHeadersEnd(Http2Stream stream, boolean endStream, boolean tooLarge);

    /** Request body octets, at absolute indexes of {@code in}; give them back with {@link Http2Connection#consumed}. */
    void onData(Http2Stream stream, ByteBuffer in, int from, int length, boolean endStream);

    /** The stream's window (or the connection's) opened: {@link Http2Connection#writeData} may send more now. */
    void onWritable(Http2Stream stream);

    /**
     * The stream is over: both sides ended it ({@code errorCode} NO_ERROR), or a reset or the connection's end.
     * Also called from within {@link Http2Connection#writeHeaders}, {@link Http2Connection#writeData} and
     * {@link Http2Connection#resetStream}.
     */
    void onClosed(Http2Stream stream, int errorCode);
}
