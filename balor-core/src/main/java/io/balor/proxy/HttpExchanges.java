package io.balor.proxy;

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
    /** Free exchanges {@link #trim()} always keeps. */
    static final int SPARE = 8;

    private final HttpExchange[] free;
    private int count;
    /** The fewest free exchanges since the last {@link #trim()}. */
    private int lowWater;
    private long made;

    /**
     * @param cache the loop's idle upstream connections, which every exchange dials through
     * @param keep  free exchanges kept for reuse; more are left to the garbage collector
     */
    public HttpExchanges(EventLoop loop, HttpLimits limits, KeepAliveCache cache, int keep) {
        this.loop = loop;
        this.limits = limits;
        this.cache = cache;
        this.free = new HttpExchange[keep];
    }

    /** A free exchange, not bound to any session yet. */
    HttpExchange acquire() {
        if (count > 0) {
            HttpExchange exchange = free[--count];
            free[count] = null;
            if (count < lowWater) {
                lowWater = count;
            }
            return exchange;
        }
        lowWater = 0;
        made++;
        return new HttpExchange(loop, limits, this);
    }

    /** Takes back an exchange its session let go of ({@link HttpExchange#unbind}). */
    void release(HttpExchange exchange) {
        if (count < free.length) {
            free[count++] = exchange;
        }
    }

    /** Lets go of the free exchanges never taken since the previous call, keeping {@value #SPARE}; returns how many went. */
    public int trim() {
        int drop = Math.min(lowWater, count) - SPARE;
        int dropped = 0;
        for (; dropped < drop; dropped++) {
            free[--count] = null;
        }
        lowWater = count;
        return dropped;
    }

    KeepAliveCache cache() {
        return cache;
    }

    /** Exchanges waiting for reuse. */
    public int pooled() {
        return count;
    }

    /** Exchanges this pool has ever made (a steady number under steady load). */
    public long made() {
        return made;
    }
}
