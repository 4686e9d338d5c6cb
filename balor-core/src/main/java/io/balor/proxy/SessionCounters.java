package io.balor.proxy;

/**
 * The counters of one listener on one loop: a shard that only that loop writes, summed by
 * readers on any thread, so recording never contends between loops. Single writer: the plain
 * increments of volatile fields are safe because no other thread writes them.
 */
public final class SessionCounters {

    private volatile long connectFailures;
    private volatile long unavailable;
    private volatile long retries;
    private volatile long rateLimited;

    void connectFailed() {
        connectFailures++;
    }

    void noUpstream() {
        unavailable++;
    }

    void retried() {
        retries++;
    }

    /** Counts a request answered 429, or a connection closed, for its rate limit. */
    public void limited() {
        rateLimited++;
    }

    public long rateLimited() {
        return rateLimited;
    }

    /** Requests sent again on a new connection after a reused one failed. */
    public long retries() {
        return retries;
    }

    public long connectFailures() {
        return connectFailures;
    }

    public long unavailable() {
        return unavailable;
    }
}
