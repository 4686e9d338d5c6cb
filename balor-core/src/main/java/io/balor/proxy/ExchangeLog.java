package io.balor.proxy;

import io.balor.http.HttpHead;
import io.balor.log.AccessLog;
import io.balor.upstream.Upstream;

import java.nio.ByteBuffer;

/**
 * What an {@link HttpSession} keeps of its current exchange for the access log: the request
 * path (copied when the exchange starts, since its head may be gone by the end), the byte
 * counts when the previous exchange ended (so an exchange's bytes are those since), and when
 * the upstream leg began. Made once per session; the path array
 * only when a log exists. Loop thread only.
 */
final class ExchangeLog {

    private static final int MAX_PATH = 512;
    private static final byte[] NONE = new byte[0];

    private byte[] path;
    private int pathLength;
    private boolean pathCut;
    /** The session's byte counts when the previous exchange ended. */
    private long bytesInAtStart;
    private long bytesOutAtStart;
    private long upstreamSince = -1;

    /** The exchange of {@code request} (parsed in {@code buffer}) starts. */
    void start(AccessLog.Shard log, HttpHead request, ByteBuffer buffer) {
        upstreamSince = -1;
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

    void upstreamStarted(long now) {
        if (upstreamSince < 0) {
            upstreamSince = now;
        }
    }

    /** The exchange ended with {@code status}: a record, if the log samples it. */
    void end(AccessLog.Shard log, HttpPolicy policy, HttpRoute route, Upstream target, byte[] client,
             HttpHead request, int status, long nanos, long requestId, long bytesIn, long bytesOut, long now) {
        long in = bytesIn - bytesInAtStart;
        long out = bytesOut - bytesOutAtStart;
        bytesInAtStart = bytesIn;   // the next exchange's bytes count from here
        bytesOutAtStart = bytesOut;
        if (log == null || !log.sampled()) {
            return;
        }
        boolean started = request.method() != null && path != null;
        log.record(System.currentTimeMillis(), policy == null ? null : policy.listener(),
                route == null ? null : route.name(), route == null ? null : route.pool(),
                target == null ? null : target.id(), client, client.length, started ? request.method() : null,
                path == null ? NONE : path, started ? pathLength : 0, started && pathCut, status,
                in, out, nanos,
                upstreamSince < 0 ? -1 : now - upstreamSince, requestId, now);
        pathLength = 0;
    }
}
