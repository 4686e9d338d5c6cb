package io.balor.proxy;

import io.balor.loop.EventLoop;
import io.balor.tls.UpstreamTls;
import io.balor.upstream.Upstream;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * The idle upstream connections of one loop, by upstream id, ready for the next request to that
 * upstream (HTTP/1.1 keep-alive to upstreams). Bounded per upstream; an idle connection is
 * closed after {@code idleNanos}, and at once if the upstream closes it or sends anything while
 * it waits (a response nobody asked for). The most recently used connection is taken first, so
 * surplus connections age out. Loop thread only.
 */
public final class KeepAliveCache {

    private final EventLoop loop;
    private final int perUpstream;
    private final long idleNanos;
    private final Http2Upstreams http2;
    private final Map<String, ArrayDeque<UpstreamConnection>> idle = new HashMap<>();
    private final ByteBuffer probe = ByteBuffer.allocateDirect(1);
    /** The private idle connections one session may keep ({@link #offerPrivate}). */
    static final int PRIVATE_PER_SESSION = 5;
    private long opened;
    private long reused;

    public KeepAliveCache(EventLoop loop, int perUpstream, long idleNanos) {
        this(loop, perUpstream, idleNanos, io.balor.http.HttpLimits.DEFAULT);
    }

    /** @param limits the loop's HTTP limits, which the streams of its HTTP/2 upstream connections keep to */
    public KeepAliveCache(EventLoop loop, int perUpstream, long idleNanos, io.balor.http.HttpLimits limits) {
        this.loop = loop;
        this.perUpstream = perUpstream;
        this.idleNanos = idleNanos;
        this.http2 = new Http2Upstreams(loop, limits, idleNanos);
    }

    /** The loop's shared HTTP/2 upstream connections, which also close after the idle time. */
    Http2Upstreams http2() {
        return http2;
    }

    /**
     * An idle connection to {@code upstream}, now owned by the caller, or null. A TLS connection
     * is only reused for the server name it was made for ({@code serverName}; null when plain)
     * and under the TLS settings it was made with ({@code tls}, the pool's current ones; null
     * when plain): an apply that changes a pool's verification, CA bundle or name builds new
     * settings, and connections made under the old ones are closed here as they are met, so
     * none carries a request the new settings would not have let through.
     */
    public UpstreamConnection take(Upstream upstream, String serverName, UpstreamTls tls) {
        ArrayDeque<UpstreamConnection> queue = idle.get(upstream.id());
        UpstreamConnection entry = queue == null ? null : queue.peekLast();
        if (entry == null) {
            return null;
        }
        if (entry.tls() == tls && Objects.equals(entry.serverName(), serverName)) {
            queue.pollLast();   // the common case: the most recent one fits, no iterator
        } else {
            entry = null;
            for (Iterator<UpstreamConnection> it = queue.descendingIterator(); it.hasNext() && entry == null; ) {
                UpstreamConnection candidate = it.next();
                if (candidate.tls() != tls) {
                    it.remove();
                    loop.timers().cancel(candidate.idleTimer);
                    candidate.idleIn = null;
                    candidate.close();
                } else if (Objects.equals(candidate.serverName(), serverName)) {
                    it.remove();
                    entry = candidate;
                }
            }
            if (entry == null) {
                return null;
            }
        }
        loop.timers().cancel(entry.idleTimer);
        entry.idleIn = null;
        reused++;
        return entry;
    }

    /** Keeps {@code connection} (idle, nothing pending either way) for the next request, or closes it. */
    public void offer(UpstreamConnection connection) {
        ArrayDeque<UpstreamConnection> queue =
                idle.computeIfAbsent(connection.upstream().id(), id -> new ArrayDeque<>());
        if (queue.size() >= perUpstream) {
            connection.close();
            return;
        }
        keep(connection, queue);
    }

    private void keep(UpstreamConnection connection, ArrayDeque<UpstreamConnection> queue) {
        connection.idleIn = queue;
        connection.cache = this;
        queue.addLast(connection);
        connection.connection().attach(connection);
        connection.connection().interest(SelectionKey.OP_WRITE, false);
        connection.connection().interest(SelectionKey.OP_READ, true);
        loop.timers().schedule(connection.idleTimer, loop.now() + idleNanos);
    }

    /**
     * Keeps {@code connection} (idle, nothing pending either way) for the later requests of one
     * session only, in that session's own queue {@code own} (HAProxy's private connections: it
     * carried a PROXY header naming the session's client). The queue holds
     * {@value #PRIVATE_PER_SESSION} at most (HAProxy's {@code max-session-srv-conns}), the oldest
     * closed to make room. They are watched and timed out as shared ones are.
     */
    void offerPrivate(UpstreamConnection connection, ArrayDeque<UpstreamConnection> own) {
        if (own.size() >= PRIVATE_PER_SESSION) {
            expired(own.peekFirst());
        }
        keep(connection, own);
    }

    /**
     * One of the session's private idle connections ({@link #offerPrivate}) to {@code upstream}
     * (by id, so one kept across an apply still counts) for the same server name and TLS
     * settings, now the caller's; else null. Allocates nothing.
     */
    UpstreamConnection takePrivate(ArrayDeque<UpstreamConnection> own, Upstream upstream, String serverName,
                                   UpstreamTls tls) {
        for (int i = own.size(); i > 0; i--) {   // each one once, rotating the queue back as it was
            UpstreamConnection entry = own.pollFirst();
            if (entry.tls() == tls && entry.upstream().id().equals(upstream.id())
                    && Objects.equals(entry.serverName(), serverName)) {
                for (int rest = i - 1; rest > 0; rest--) {
                    own.addLast(own.pollFirst());
                }
                loop.timers().cancel(entry.idleTimer);
                entry.idleIn = null;
                reused++;
                return entry;
            }
            own.addLast(entry);
        }
        return null;
    }

    /** Closes the session's private idle connections (its session ended). */
    void closePrivate(ArrayDeque<UpstreamConnection> own) {
        while (!own.isEmpty()) {
            expired(own.peekFirst());
        }
    }

    /** Called by an idle connection that the upstream closed or that timed out. */
    void expired(UpstreamConnection connection) {
        if (connection.idleIn != null) {
            connection.idleIn.remove(connection);
            connection.idleIn = null;
        }
        loop.timers().cancel(connection.idleTimer);
        connection.close();
    }

    /** A one-byte scratch buffer for reading an idle connection's EOF. */
    ByteBuffer probe() {
        probe.clear();
        return probe;
    }

    /** Counts a connection opened because none was idle (for the reuse ratio). */
    public void countOpened() {
        opened++;
    }

    public long opened() {
        return opened;
    }

    public long reused() {
        return reused;
    }

    /** Closes every idle connection (loop shutdown). */
    public void closeAll() {
        for (ArrayDeque<UpstreamConnection> queue : idle.values()) {
            for (UpstreamConnection entry : queue) {
                loop.timers().cancel(entry.idleTimer);
                entry.idleIn = null;
                entry.close();
            }
            queue.clear();
        }
    }
}
