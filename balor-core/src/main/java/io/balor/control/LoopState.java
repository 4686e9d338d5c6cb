package io.balor.control;

import io.balor.SessionInfo;
import io.balor.loop.EventLoop;
import io.balor.loop.Timer;
import io.balor.net.Acceptor;
import io.balor.http.HttpLimits;
import io.balor.proxy.HttpContext;
import io.balor.proxy.HttpExchanges;
import io.balor.proxy.HttpPolicy;
import io.balor.proxy.HttpSession;
import io.balor.proxy.KeepAliveCache;
import io.balor.proxy.ProxyHeaderSession;
import io.balor.proxy.SessionList;
import io.balor.proxy.TcpTunnel;
import io.balor.proxy.TunnelRouter;
import io.balor.net.Connection;
import io.balor.upstream.Balancer;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * What one loop knows of the data plane: the snapshot it runs on (with the pools' balancers,
 * which every loop shares lock-free), and its live sessions. Loop thread only; the supervisor
 * reaches it through {@code loop.execute}.
 */
final class LoopState {

    private final EventLoop loop;
    /** Idle upstream connections kept per upstream, and for how long (below common server timeouts). */
    private static final int UPSTREAM_IDLE_PER_UPSTREAM = 64;
    private static final long UPSTREAM_IDLE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    private final SessionList sessions = new SessionList();
    private final HttpLimits limits;
    private final KeepAliveCache cache;
    /** Free HTTP exchanges kept for reuse: about the requests in flight at a busy moment. */
    private static final int EXCHANGES_KEPT = 256;
    private final HttpExchanges exchanges;
    private final io.balor.log.AccessLog.Shard accessLog;
    private long nextRequestId;
    private RuntimeSnapshot snapshot = RuntimeSnapshot.EMPTY;
    /** One view per HTTP listener, shared by its sessions on this loop (none made per connection). */
    private final java.util.HashMap<BoundListener, Context> contexts = new java.util.HashMap<>();

    LoopState(EventLoop loop, HttpLimits limits, io.balor.log.AccessLog.Shard accessLog) {
        this.loop = loop;
        this.accessLog = accessLog;
        this.limits = limits;
        this.cache = new KeepAliveCache(loop, UPSTREAM_IDLE_PER_UPSTREAM, UPSTREAM_IDLE_NANOS, limits);
        this.exchanges = new HttpExchanges(loop, limits, cache, EXCHANGES_KEPT);
        loop.execute(() -> loop.onTrim(exchanges::trim));
        this.nextRequestId = (long) loop.index() << 56 ^ (System.nanoTime() & 0xffffff000000L);
    }

    /** Switches to a new generation (its balancers go on from the previous one's positions). */
    void install(RuntimeSnapshot next) {
        snapshot = next;
        contexts.keySet().retainAll(next.listeners().keySet());   // a session of a gone listener keeps its own
    }

    /**
     * Opens a session for a socket accepted by {@code bound}; closes it if that listener is gone.
     * A listener that takes the PROXY protocol first reads the header, and only from a trusted
     * peer ({@link ProxyHeaderSession}); its new-connection rate limit then counts the client the
     * header names.
     */
    void open(BoundListener bound, SocketChannel channel) {
        RuntimeSnapshot.Listener listener = snapshot.listeners().get(bound);
        if (listener == null) {
            refuse(bound, channel);
            return;
        }
        if (listener.proxyTrusted() == null) {
            start(bound, listener, channel, null, null);
            return;
        }
        if (!trusted(listener.proxyTrusted(), channel)) {
            bound.counters[loop.index()].proxyHeaderRefused();
            refuse(bound, channel);
            return;
        }
        new ProxyHeaderSession(loop, bound.acceptor, sessions, bound.counters[loop.index()], listener.name(), channel,
                (socket, client, destination) -> start(bound, listener, socket, client, destination)).start();
    }

    private static boolean trusted(io.balor.net.AddressRanges ranges, SocketChannel channel) {
        try {
            return channel.getRemoteAddress() instanceof java.net.InetSocketAddress peer
                    && ranges.contains(peer.getAddress().getAddress());
        } catch (IOException e) {
            return false;
        }
    }

    private void refuse(BoundListener bound, SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // refused either way
        }
        bound.acceptor.sessionEnded();
    }

    /**
     * The listener's session on {@code channel}, for {@code client} who connected to
     * {@code destination} (as a PROXY header said; null: the socket's peer and local address).
     */
    private void start(BoundListener bound, RuntimeSnapshot.Listener listener, SocketChannel channel,
                       java.net.InetSocketAddress client, java.net.InetSocketAddress destination) {
        io.balor.limit.TokenBucket rate = listener.connectionRate();
        int hash = client != null ? client.getAddress().hashCode() : rate == null ? 0 : Connection.addressHash(channel);
        if (rate != null && rate.tryTake(loop.refreshNow(), hash) > 0) {
            bound.counters[loop.index()].limited();   // over the listener's new-connection rate
            refuse(bound, channel);
            return;
        }
        Connection connection = listener.tls() == null ? new Connection(channel)
                : Connection.tlsServer(channel, loop, listener.tls());
        if (client != null) {
            connection.speaksFor(client, destination);
        }
        if (listener.http() != null) {
            nextRequestId += 1L << 24;
            new HttpSession(loop, bound.acceptor, bound.counters[loop.index()], sessions, context(bound),
                    exchanges, connection, nextRequestId).start();
            return;
        }
        TunnelRouting routing = listener.tunnelRouting();
        new TcpTunnel(loop, bound.acceptor, bound.counters[loop.index()], sessions,
                routing == null ? listener.balancer() : null, routing, listener.policy(), connection).start();
    }

    private Context context(BoundListener bound) {
        Context context = contexts.get(bound);
        if (context == null) {
            context = new Context(bound);
            contexts.put(bound, context);
        }
        return context;
    }

    /** An HTTP listener's view of this loop, read afresh at each exchange. */
    private final class Context implements HttpContext {
        private final BoundListener bound;

        Context(BoundListener bound) {
            this.bound = bound;
        }

        /** The snapshot {@link #policy} was last read from, and what it read (a map look-up per snapshot, not per request). */
        private RuntimeSnapshot readFrom;
        private HttpPolicy policy;

        @Override
        public HttpPolicy policy() {
            if (readFrom != snapshot) {
                RuntimeSnapshot.Listener listener = snapshot.listeners().get(bound);
                policy = listener == null ? null : listener.http();
                readFrom = snapshot;
            }
            return policy;
        }

        @Override
        public KeepAliveCache cache() {
            return cache;
        }

        @Override
        public io.balor.log.AccessLog.Shard accessLog() {
            return accessLog;
        }
    }

    /**
     * Tells the sessions {@code acceptor} accepted (all when it is null) to drain, and at
     * {@code deadlineNanos} (ticker time, fixed by the supervisor when the drain began, so every
     * loop closes at the same moment) closes those still open.
     */
    void drainLater(Acceptor acceptor, long deadlineNanos) {
        sessions.forEach(session -> {
            if (acceptor == null || session.acceptor() == acceptor) {
                session.drain();
            }
        });
        Timer deadline = new Timer(() -> closeSessions(acceptor));
        loop.timers().schedule(deadline, deadlineNanos);
    }

    void closeSessions(Acceptor acceptor) {
        if (acceptor == null) {
            cache.closeAll();
        }
        sessions.forEach(session -> {
            if (acceptor == null || session.acceptor() == acceptor) {
                session.close();
            }
        });
    }

    List<SessionInfo> describe() {
        List<SessionInfo> list = new ArrayList<>(sessions.size());
        sessions.forEach(session -> list.add(session.describe()));
        return list;
    }

    /** Runs {@code task} when this loop has no sessions left. */
    void whenIdle(Runnable task) {
        sessions.whenEmpty(task);
    }
}
