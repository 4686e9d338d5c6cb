package io.balor.proxy;

import io.balor.http.HttpHead;
import io.balor.log.AccessLog;
import io.balor.upstream.Upstream;

import java.nio.ByteBuffer;

/**
 * What an {@link HttpExchange} leaves behind when it ends: its count in the listener's, route's,
 * pool's and upstream's traffic counters, and its access-log record. For the record it keeps the
 * request
 * path (copied when the exchange starts, since its head may be gone by the end), when the
 * upstream leg began, the last upstream attempted (kept when the attempt failed, so a 502 names
 * the upstream that caused it) and why the exchange failed ({@link io.balor.upstream.UpstreamError},
 * a shared string). Part of a pooled exchange, bound to one session at a time; the path array
 * made when a log first exists; nothing per exchange. Loop thread only.
 */
final class ExchangeLog {

    private static final int MAX_PATH = 512;
    private static final byte[] NONE = new byte[0];

    private byte[] path;
    private int pathLength;
    private boolean pathCut;
    private long upstreamSince = -1;
    private Upstream upstream;
    private String error;
    /** The listener's counters of the session the exchange is bound to. */
    private SessionCounters counters;
    /** The loop's index: which shard of the traffic counters this writes. */
    private final int shard;
    /** The client's address as the access log shows it (the exchange's, rewritten at each bind). */
    private final ClientAddressText client;

    /** @param client the exchange's client address, written before each {@link #bind} */
    ExchangeLog(int shard, ClientAddressText client) {
        this.shard = shard;
        this.client = client;
    }

    /** The exchange is bound to a session of the listener counted in {@code counters}. */
    void bind(SessionCounters counters) {
        this.counters = counters;
        upstream = null;
        error = null;
        upstreamSince = -1;
        pathLength = 0;
        pathCut = false;
    }

    /** The exchange of {@code request} (parsed in {@code buffer}) starts. */
    void start(AccessLog.Shard log, HttpHead request, ByteBuffer buffer) {
        upstreamSince = -1;
        upstream = null;
        error = null;
        if (log == null) {
            return;
        }
        if (path == null) {
            path = new byte[MAX_PATH];
        }
        int length = request.targetEnd() - request.targetStart();
        pathLength = Math.min(length, MAX_PATH);
        pathCut = length > MAX_PATH;
        buffer.get(request.targetStart(), path, 0, pathLength);
    }

    /** A connection to {@code target} is being made or taken from the cache for this exchange. */
    void attempt(Upstream target) {
        upstream = target;
    }

    /** The exchange failed because of {@code why} (an {@link io.balor.upstream.UpstreamError}). */
    void failed(String why) {
        error = why;
    }

    void upstreamStarted(long now) {
        if (upstreamSince < 0) {
            upstreamSince = now;
        }
    }

    /**
     * The exchange ended with {@code status} after {@code nanos}: counted in the listener's shard
     * and in those of the route, pool and upstream it reached (each may be null: a refused head
     * reached none), and a record if the log samples it.
     *
     * @param in  bytes read from the client for this exchange (since the previous one ended)
     * @param out bytes given to the client for this exchange: written, or waiting in its output
     *            buffer (the end of an exchange comes before its last bytes are written)
     */
    void end(AccessLog.Shard log, HttpPolicy policy, HttpRoute route, io.balor.upstream.Pool pool, Upstream reached,
             HttpHead request, int status, long nanos, long requestId, long in, long out, long now) {
        counters.response(status, nanos);
        if (route != null) {
            route.traffic().exchange(shard, status, nanos);
            if (pool != null) {
                pool.traffic().exchange(shard, status, nanos);
            }
        }
        if (reached != null) {
            reached.traffic().exchange(shard, status, nanos);
        }
        Upstream target = upstream;
        String why = error;
        upstream = null;   // a head refused before the next start must not name this one's
        error = null;
        int length = pathLength;
        boolean cut = pathCut;
        pathLength = 0;   // nor show this one's path
        pathCut = false;
        if (log == null || !log.sampled()) {
            return;
        }
        boolean started = request.method() != null && path != null;
        log.record(System.currentTimeMillis(), policy == null ? null : policy.listener(),
                route == null ? null : route.name(), route == null ? null : route.pool(),
                target == null ? null : target.id(), client.bytes(), client.length(), started ? request.method() : null,
                path == null ? NONE : path, started ? length : 0, started && cut, status,
                in, out, nanos,
                upstreamSince < 0 ? -1 : now - upstreamSince, requestId, now, why);
    }
}
