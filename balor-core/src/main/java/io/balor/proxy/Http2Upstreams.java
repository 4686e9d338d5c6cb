package io.balor.proxy;

import io.balor.http.HttpLimits;
import io.balor.loop.EventLoop;
import io.balor.loop.IoHandler;
import io.balor.net.Connection;
import io.balor.tls.UpstreamTls;
import io.balor.upstream.Upstream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One loop's HTTP/2 connections to upstreams ({@link Http2Upstream}), shared by its exchanges,
 * and its free {@link UpstreamStream}s. A dial to a pool that speaks HTTP/2 first asks here for a
 * stream on a connection to its upstream, made for the same TLS server name and settings, that
 * can open one more; none: the dialer connects a new socket and {@link #adopt}s it. Loop thread only.
 */
final class Http2Upstreams {

    /** Free stream objects kept for reuse (each holds its buffers). */
    private static final int STREAMS_KEPT = 64;

    private final EventLoop loop;
    private final HttpLimits limits;
    private final long idleNanos;
    private final List<Http2Upstream> live = new ArrayList<>();
    private final ArrayDeque<UpstreamStream> free = new ArrayDeque<>();

    Http2Upstreams(EventLoop loop, HttpLimits limits, long idleNanos) {
        this.loop = loop;
        this.limits = limits;
        this.idleNanos = idleNanos;
    }

    /** A new stream to {@code target} on a connection that has room, its events to {@code handler}; or null. */
    UpstreamStream open(Upstream target, String serverName, UpstreamTls tls, IoHandler handler) {
        for (int i = live.size() - 1; i >= 0; i--) {
            Http2Upstream candidate = live.get(i);
            if (candidate.fits(target, serverName, tls)) {
                return candidate.open(handler);
            }
        }
        return null;
    }

    /** Makes {@code connection} (just connected, handshaken) a shared HTTP/2 connection and opens its first stream. */
    UpstreamStream adopt(Connection connection, Upstream target, String serverName, UpstreamTls tls, IoHandler handler) {
        Http2Upstream shared = new Http2Upstream(loop, this, connection, target, serverName, tls, limits.maxHead());
        live.add(shared);
        shared.start();
        return shared.open(handler);
    }

    /** How many shared connections are open (for tests and the sessions view). */
    int connections() {
        return live.size();
    }

    long idleNanos() {
        return idleNanos;
    }

    UpstreamStream freeStream() {
        UpstreamStream s = free.poll();
        return s != null ? s : new UpstreamStream(limits);
    }

    void freed(UpstreamStream s) {
        if (free.size() < STREAMS_KEPT) {
            free.push(s);
        }
    }

    void closed(Http2Upstream connection) {
        live.remove(connection);
    }
}
