package io.balor.control;

import io.balor.BalorOptions;
import io.balor.ListenerStats;
import io.balor.SessionInfo;
import io.balor.config.BalorConfig;
import io.balor.config.ConfigProblem;
import io.balor.config.HostPort;
import io.balor.config.InvalidConfigException;
import io.balor.config.ListenerConfig;
import io.balor.loop.EventLoop;
import io.balor.loop.LoopGroup;
import io.balor.net.Acceptor;
import io.balor.proxy.SessionCounters;
import io.balor.upstream.Pool;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Serialises every change to a running Balor on one thread ({@code balor-supervisor}): config
 * apply, listener binding and retirement, shutdown. Public methods may be called from any
 * thread; they hand the work to that thread and wait for it.
 *
 * <h2>Apply</h2>
 * The config is valid by construction. Then: compile the pools (resolving names here, never on
 * a loop) → bind the new listeners (on any bind failure close them all and refuse the config
 * with the field path: nothing changed) → publish the snapshot to every loop and wait until each
 * runs on it → start accepting on the new sockets → stop accepting on the removed ones and let
 * their sessions run until the drain timeout, after which each loop closes what is left.
 */
public final class Supervisor {

    private static final long WAIT_SECONDS = 30;
    private static final int BACKLOG = 1024;

    private final BalorOptions options;
    private final LoopGroup loops;
    private final LoopState[] states;
    private final SnapshotCompiler compiler;
    private final ExecutorService thread;
    /** Written on the supervisor thread only; volatile so readers on any thread see whole maps. */
    private volatile Map<String, BoundListener> bound = Map.of();
    private volatile BalorConfig config = BalorConfig.empty();
    private volatile long generation;
    private volatile boolean closed;
    private int nextAcceptLoop;

    public Supervisor(BalorOptions options) {
        this.options = options;
        this.loops = new LoopGroup(options.loops(), options.ticker(), options.bufferSize(), options.pooledBuffers());
        this.states = new LoopState[loops.size()];
        for (int i = 0; i < states.length; i++) {
            states[i] = new LoopState(loops.get(i));
        }
        this.compiler = new SnapshotCompiler(options);
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "balor-supervisor");
            t.setDaemon(true);
            return t;
        });
    }

    /** Applies {@code next} live; see the class comment. Returns the new generation. */
    public long apply(BalorConfig next) {
        return call(() -> doApply(next));
    }

    public BalorConfig config() {
        return config;
    }

    public long generation() {
        return generation;
    }

    public InetSocketAddress boundAddress(String listener) {
        BoundListener listenerSocket = bound.get(listener);
        return listenerSocket == null ? null : listenerSocket.acceptor.localAddress();
    }

    public List<ListenerStats> listenerStats() {
        List<ListenerStats> stats = new ArrayList<>();
        for (BoundListener listener : bound.values()) {
            long failures = 0;
            long unavailable = 0;
            for (SessionCounters shard : listener.counters) {
                failures += shard.connectFailures();
                unavailable += shard.unavailable();
            }
            Acceptor acceptor = listener.acceptor;
            InetSocketAddress address = acceptor.localAddress();
            stats.add(new ListenerStats(listener.name, address.getAddress().getHostAddress() + ":" + address.getPort(),
                    acceptor.accepted(), acceptor.active(), failures, unavailable, acceptor.paused()));
        }
        return stats;
    }

    public List<SessionInfo> sessions() {
        if (closed) {
            return List.of();
        }
        List<SessionInfo> all = new ArrayList<>();
        for (CompletableFuture<List<SessionInfo>> future : loops.onEach(loop -> states[loop.index()].describe())) {
            all.addAll(await(future));
        }
        return all;
    }

    /** Stops accepting, drains every session up to the longest drain timeout, stops the loops. */
    public void close() {
        if (closed) {
            return;
        }
        try {
            call(() -> {
                doClose();
                return 0L;
            });
        } finally {
            loops.shutdown(TimeUnit.SECONDS.toMillis(5));
            thread.shutdown();
        }
    }

    private long doApply(BalorConfig next) {
        if (closed) {
            throw new IllegalStateException("Balor is closed");
        }
        Map<String, Pool> pools = compiler.pools(next);
        Map<String, BoundListener> kept = new LinkedHashMap<>();
        List<BoundListener> opened = new ArrayList<>();
        List<ConfigProblem> problems = new ArrayList<>();
        for (int i = 0; i < next.listeners().size(); i++) {
            ListenerConfig listener = next.listeners().get(i);
            if (!listener.enabled()) {
                continue;
            }
            BoundListener current = bound.get(listener.name());
            if (current != null && current.fits(listener)) {
                kept.put(listener.name(), current);
                continue;
            }
            try {
                HostPort address = HostPort.parseListen(listener.listen()).value();
                Acceptor acceptor = Acceptor.bind(address.toSocketAddress(), BACKLOG);
                BoundListener fresh = new BoundListener(listener, acceptor, loops.size());
                opened.add(fresh);
                kept.put(listener.name(), fresh);
            } catch (IOException | RuntimeException e) {
                problems.add(new ConfigProblem("listeners[" + i + "].listen",
                        "cannot listen on " + listener.listen() + ": " + e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            for (BoundListener fresh : opened) {
                fresh.acceptor.close();
            }
            throw new InvalidConfigException(problems);
        }

        Map<String, RuntimeSnapshot.Listener> listeners = new HashMap<>();
        for (ListenerConfig listener : next.listeners()) {
            BoundListener socket = kept.get(listener.name());
            if (socket != null) {
                listeners.put(listener.name(),
                        new RuntimeSnapshot.Listener(socket, listener.poolName(), compiler.policy(listener)));
                socket.acceptor.maxConnections(listener.maxConnections());
            }
        }
        RuntimeSnapshot snapshot = new RuntimeSnapshot(generation + 1, Map.copyOf(listeners), pools);
        for (CompletableFuture<Object> future : loops.onEach(loop -> {
            states[loop.index()].install(snapshot);
            return null;
        })) {
            await(future);
        }

        for (BoundListener fresh : opened) {
            fresh.acceptor.start(loops.get(nextAcceptLoop++ % loops.size()), new Handoff(fresh));
        }
        for (BoundListener old : bound.values()) {
            if (kept.get(old.name) != old) {
                ListenerConfig before = config.listener(old.name);
                retire(old, before == null ? Duration.ZERO : before.timeouts().drain());
            }
        }
        bound = Map.copyOf(kept);
        config = next;
        generation = snapshot.generation();
        return generation;
    }

    /**
     * Hands the sockets one listener accepts to the loops in turn. Runs on that listener's
     * accept loop only, so its counter needs no synchronisation.
     */
    private final class Handoff implements Acceptor.Dispatcher {

        private final BoundListener owner;
        private int next;

        Handoff(BoundListener owner) {
            this.owner = owner;
        }

        @Override
        public void dispatch(Acceptor acceptor, SocketChannel channel) {
            EventLoop target = loops.get(next);
            next = next + 1 == loops.size() ? 0 : next + 1;
            LoopState state = states[target.index()];
            target.execute(() -> state.open(owner, channel));
        }
    }

    private void retire(BoundListener old, Duration drain) {
        old.acceptor.close();
        long drainNanos = drain.toNanos();
        for (int i = 0; i < loops.size(); i++) {
            LoopState state = states[i];
            loops.get(i).execute(() -> state.drainLater(old.acceptor, drainNanos));
        }
    }

    private void doClose() throws InterruptedException {
        closed = true;
        Duration longest = Duration.ZERO;
        for (BoundListener listener : bound.values()) {
            listener.acceptor.close();
            ListenerConfig listenerConfig = config.listener(listener.name);
            if (listenerConfig != null && listenerConfig.timeouts().drain().compareTo(longest) > 0) {
                longest = listenerConfig.timeouts().drain();
            }
        }
        CountDownLatch idle = new CountDownLatch(loops.size());
        for (int i = 0; i < loops.size(); i++) {
            LoopState state = states[i];
            loops.get(i).execute(() -> state.whenIdle(idle::countDown));
        }
        idle.await(longest.toMillis(), TimeUnit.MILLISECONDS);
        for (CompletableFuture<Object> future : loops.onEach(loop -> {
            states[loop.index()].closeSessions(null);
            return null;
        })) {
            await(future);
        }
        bound = Map.of();
    }

    private <T> T call(java.util.concurrent.Callable<T> work) {
        Future<T> result;
        try {
            result = thread.submit(work);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IllegalStateException("Balor is closed", e);
        }
        return await(result);
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the event loops did not answer within " + WAIT_SECONDS + " s", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
