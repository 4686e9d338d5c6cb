package io.balor.proxy;

import io.balor.buffer.FreeList;
import io.balor.http.HttpLimits;
import io.balor.loop.EventLoop;

/**
 * One loop's {@link HttpExchange}s: a session takes one when a request head begins and gives it
 * back when the exchange is over, so what an exchange needs (its parsers, heads, relays, router,
 * dialer, access-log state) exists once per request in flight rather than once per connection,
 * and an idle keep-alive connection costs only its {@link HttpSession}. Exchanges are made when
 * none is free and kept for reuse up to {@code keep}: under steady load taking and giving back
 * allocates nothing. After a burst, {@link #trim()} (about once a second) lets go of the free
 * exchanges no one took since the previous call, as {@link io.balor.buffer.BufferPool#trim()} does
 * with buffers. Owned by its loop's thread.
 */
public final class HttpExchanges {

    private final EventLoop loop;
    private final HttpLimits limits;
    private final KeepAliveCache cache;
    private final FreeList<HttpExchange> free;
    private StreamScratch streamScratch;
    private long made;

    /**
     * @param cache the loop's idle upstream connections, which every exchange dials through
     * @param keep  free exchanges kept for reuse; more are left to the garbage collector
     */
    /** The limits of the heads its exchanges parse. */
    HttpLimits limits() {
        return limits;
    }

    /** What this loop's HTTP/2 client sessions share (made on first use). */
    StreamScratch streamScratch() {
        if (streamScratch == null) {
            streamScratch = new StreamScratch(loop, limits);
        }
        return streamScratch;
    }

    public HttpExchanges(EventLoop loop, HttpLimits limits, KeepAliveCache cache, int keep) {
        this.loop = loop;
        this.limits = limits;
        this.cache = cache;
        this.free = new FreeList<>(keep);
    }

    /** A free exchange, not bound to any session yet. */
    HttpExchange acquire() {
        HttpExchange exchange = free.take();
        if (exchange != null) {
            return exchange;
        }
        made++;
        return new HttpExchange(loop, limits, this);
    }

    /** Takes back an exchange its session let go of ({@link HttpExchange#unbind}). */
    void release(HttpExchange exchange) {
        free.give(exchange);
    }

    /** Lets go of the free exchanges never taken since the previous call, keeping {@value FreeList#SPARE}; returns how many went. */
    public int trim() {
        if (streamScratch != null) {
            streamScratch.trim();
        }
        return free.trim();
    }

    KeepAliveCache cache() {
        return cache;
    }

    /** Exchanges waiting for reuse. */
    public int pooled() {
        return free.size();
    }

    /** Exchanges this pool has ever made (a steady number under steady load). */
    public long made() {
        return made;
    }
}
