package io.balor.control;

import io.balor.SessionInfo;
import io.balor.loop.EventLoop;
import io.balor.loop.Timer;
import io.balor.net.Acceptor;
import io.balor.proxy.SessionList;
import io.balor.proxy.TcpTunnel;
import io.balor.upstream.Pool;
import io.balor.upstream.SmoothWeightedRoundRobin;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one loop knows of the data plane: the snapshot it runs on, its own balancer per pool (so
 * picking needs no lock), and its live sessions. Loop thread only; the supervisor reaches it
 * through {@code loop.execute}.
 */
final class LoopState {

    private final EventLoop loop;
    private final SessionList sessions = new SessionList();
    private RuntimeSnapshot snapshot = RuntimeSnapshot.EMPTY;
    private Map<String, SmoothWeightedRoundRobin> balancers = Map.of();

    LoopState(EventLoop loop) {
        this.loop = loop;
    }

    /** Switches to a new generation; balancers keep their position for unchanged upstream ids. */
    void install(RuntimeSnapshot next) {
        Map<String, SmoothWeightedRoundRobin> rebuilt = new HashMap<>();
        for (Pool pool : next.pools().values()) {
            rebuilt.put(pool.name(), new SmoothWeightedRoundRobin(pool, balancers.get(pool.name())));
        }
        balancers = rebuilt;
        snapshot = next;
    }

    /** Opens a session for a socket accepted by {@code bound}; closes it if that listener is gone. */
    void open(BoundListener bound, SocketChannel channel) {
        RuntimeSnapshot.Listener listener = snapshot.listeners().get(bound);
        if (listener == null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the listener went away while the socket was handed over
            }
            bound.acceptor.sessionEnded();
            return;
        }
        new TcpTunnel(loop, bound.acceptor, bound.counters[loop.index()], sessions,
                balancers.get(listener.pool()), listener.policy(), channel).start();
    }

    /**
     * After {@code drainNanos} of ticker time, closes the sessions still open that
     * {@code acceptor} accepted, or all sessions when it is null.
     */
    void drainLater(Acceptor acceptor, long drainNanos) {
        Timer deadline = new Timer(() -> closeSessions(acceptor));
        loop.timers().schedule(deadline, loop.now() + drainNanos);
    }

    void closeSessions(Acceptor acceptor) {
        sessions.forEach(tunnel -> {
            if (acceptor == null || tunnel.acceptor() == acceptor) {
                tunnel.close();
            }
        });
    }

    List<SessionInfo> describe() {
        List<SessionInfo> list = new ArrayList<>(sessions.size());
        sessions.forEach(tunnel -> list.add(tunnel.describe()));
        return list;
    }

    /** Runs {@code task} when this loop has no sessions left. */
    void whenIdle(Runnable task) {
        sessions.whenEmpty(task);
    }
}
