package io.balor.proxy;

/**
 * The counters of one listener on one loop: a shard that only that loop writes, summed by
 * readers on any thread, so recording never contends between loops. Single writer: the plain
 * increments of volatile fields are safe because no other thread writes them.
 */
public final class SessionCounters {

    private volatile long connectFailures;
    private volatile long unavailable;

    void connectFailed() {
        connectFailures++;
    }

    void noUpstream() {
        unavailable++;
    }

    public long connectFailures() {
        return connectFailures;
    }

    public long unavailable() {
        return unavailable;
    }
}
