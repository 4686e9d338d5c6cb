package io.balor.proxy;

import io.balor.http.CookieDomainRewriter;
import io.balor.http.HeadWriter;
import io.balor.http.HeadWriter.Framing;
import io.balor.http.HttpHead;

import io.balor.net.Connection;
import io.balor.upstream.Upstream;

import java.nio.ByteBuffer;

/**
 * The client side of one {@link HttpExchange}, as the exchange and its relays see it: its
 * {@link ClientState} (the request's bytes and where they start, the counts the access log
 * takes), the buffer the response's bytes go to, the timer, and how the client side ends. An {@link HttpSession} is one for each request of its HTTP/1.1 connection; an HTTP/2
 * stream will be one for its request. Loop thread only.
 */
interface ExchangeClient {

    /** The buffers, ids and counts the exchange reads and moves on. */
    ClientState state();

    /** Whether the client connection closes after the current response. */
    boolean closeAfter();

    void closeAfter(boolean close);

    /** Whether the client side is gone: nothing more is to be done for it. */
    boolean closed();

    /** What waits for the client, acquired when needed: where the response's bytes go. */
    ByteBuffer out();

    /**
     * Takes the final response head the exchange parsed from its upstream as it is, to send it in
     * its own form (an HTTP/2 stream encodes it as HEADERS), instead of the HTTP/1.1 head
     * {@link HeadWriter#response} would write into {@link #out()} with the same arguments; the
     * body then goes into {@link #out()} as ever. False, with nothing done, when it does not: the
     * exchange writes the HTTP/1.1 head then. An HTTP/1.1 client never does.
     */
    default boolean finalHead(HttpHead head, Framing framing, long length, CookieDomainRewriter rewrite, byte[] extra) {
        return false;
    }

    /** Bytes written to the client so far, and those that wait to be. */
    long bytesToClient();

    void touch();

    /** Arms the client side's timer for {@code due} (ticker time): the exchange's wait ends then. */
    void armAt(long due);

    /** Answers {@code status} if no response has started, then ends the client side once it is written. */
    void fail(int status);

    /** Ends the client side now. */
    void close();

    /** Ends the client side once what waits for it is written. */
    void closeWhenFlushed();

    /** The exchange is over: the next request, or the end. */
    void exchangeDone();

    /** An upstream socket of the exchange is ready. */
    void upstreamReady(int readyOps);

    /** After a valid 101: the client and the upstream become a tunnel. */
    void becomeTunnel(HttpPolicy exchangePolicy, Connection upstream, Upstream target, boolean extensions);

    /** Moves the unconsumed client bytes to the front of {@link #clientIn()}. */
    void compactIn();
}
