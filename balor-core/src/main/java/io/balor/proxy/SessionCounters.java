package io.balor.proxy;

import io.balor.metrics.TrafficCounters;

/**
 * The counters of one listener on one loop: a shard that only that loop writes, summed by
 * readers on any thread, so recording never contends between loops. Single writer: the plain
 * increments of volatile fields are safe because no other thread writes them. Request durations
 * and bytes go to the listener's {@link TrafficCounters} (this loop's shard of them), as a
 * route's, pool's or upstream's do; this shard keeps what only a listener has.
 */
public final class SessionCounters {

    private final TrafficCounters traffic;
    private final int loop;

    private volatile long connectFailures;
    private volatile long unavailable;
    private volatile long retries;
    private volatile long rateLimited;
    private volatile long clientAborts;
    private volatile long proxyHeadersRefused;
    /** HTTP responses by status code (0..599). */
    private final java.util.concurrent.atomic.AtomicLongArray statuses = new java.util.concurrent.atomic.AtomicLongArray(600);

    /** The shard of loop {@code loop} of a listener whose durations and bytes go to {@code traffic}. */
    public SessionCounters(TrafficCounters traffic, int loop) {
        this.traffic = traffic;
        this.loop = loop;
    }

    /** A shard of its own, one loop (benchmarks, tests). */
    public SessionCounters() {
        this(new TrafficCounters(1), 0);
    }

    /** Counts {@code n} bytes read from a client (nothing for {@code n <= 0}). */
    void received(int n) {
        traffic.bytesIn(loop, n);
    }

    /** Counts {@code n} bytes written to a client. */
    void sent(int n) {
        traffic.bytesOut(loop, n);
    }

    void connectFailed() {
        connectFailures++;
    }

    void noUpstream() {
        unavailable++;
    }

    void retried() {
        retries++;
    }

    /**
     * Counts one HTTP response of {@code status} whose exchange took {@code nanos}. Single
     * writer (this loop): plain read-then-release-write, no compare-and-set, no allocation.
     */
    public void response(int status, long nanos) {
        int code = status >= 0 && status < 600 ? status : 0;
        statuses.lazySet(code, statuses.get(code) + 1);
        traffic.exchange(loop, status, nanos);
    }

    /** Responses with status {@code code} so far. */
    public long responses(int code) {
        return statuses.get(code);
    }

    /** Counts a request answered 429, or a connection closed, for its rate limit. */
    public void limited() {
        rateLimited++;
    }

    public long rateLimited() {
        return rateLimited;
    }

    /** Counts an HTTP exchange ended because its client went away before its response was complete. */
    void clientAborted() {
        clientAborts++;
    }

    /** Counts a connection closed before its session: an untrusted peer, or a PROXY header malformed, too long or late. */
    public void proxyHeaderRefused() {
        proxyHeadersRefused++;
    }

    public long proxyHeaderRefusedCount() {
        return proxyHeadersRefused;
    }

    /** HTTP exchanges whose client went away (reset, or closed mid-request) before the response was complete. */
    public long clientAborts() {
        return clientAborts;
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
