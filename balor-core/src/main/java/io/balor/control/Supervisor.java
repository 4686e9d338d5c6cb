package io.balor.control;

import io.balor.BalorOptions;
import io.balor.ListenerStats;
import io.balor.SessionInfo;
import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.http.HttpLimits;
import io.balor.loop.LoopGroup;
import io.balor.net.Acceptor;
import io.balor.proxy.SessionCounters;
import io.balor.upstream.Pool;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serialises every change to a running Balor on one thread ({@code balor-supervisor}): config
 * apply, listener binding and retirement, shutdown. Public methods may be called from any
 * thread; they hand the work to that thread and wait for it.
 *
 * <h2>Apply</h2>
 * The config is valid by construction. Then: compile the pools (resolving names here, never on
 * a loop) → match the listener sockets to keep and bind the new ones ({@link ListenerSockets};
 * on a bind failure the config is refused with the field path and nothing changed) → publish the
 * snapshot to every loop and wait until each runs on it → start accepting on the new sockets →
 * close the sockets no listener kept (waiting until their ports are free) and let their
 * sessions run until the drain timeout, measured on the loops' ticker.
 *
 * <h2>Close</h2>
 * Stop accepting everywhere, then each loop closes its remaining sessions at the longest drain
 * timeout (ticker time) or earlier when they end by themselves; the loops stop once every one
 * is idle. As a safety net for a ticker that does not move, close gives up waiting after the
 * drain timeout plus {@link #CLOSE_MARGIN} of real time and closes what is left.
 */
public final class Supervisor {

    private static final long WAIT_SECONDS = 30;
    private static final Duration CLOSE_MARGIN = Duration.ofSeconds(10);
    /** A loop that began no iteration for this long is reported stalled ({@link #loopHealth}). */
    public static final Duration LOOP_STALL = Duration.ofSeconds(5);

    private final io.balor.time.Ticker ticker;
    private final LoopGroup loops;
    private final LoopState[] states;
    private final SnapshotCompiler compiler;
    private final RateLimits rateLimits;
    private final TrafficRegistry traffic;
    private final LatencyWindow latency;
    private final io.balor.log.AccessLog accessLog;
    private final io.balor.tls.CertificateStore certificates;
    private final io.balor.health.HealthChecker health;
    private final java.nio.file.Path healthScriptDir;
    private final ExecutorService thread;
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Set by {@link #stopAccepting()}: no more applies. */
    private volatile boolean stopping;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** Written on the supervisor thread only; volatile so readers on any thread see whole maps. */
    private volatile Map<String, BoundListener> bound = Map.of();
    /** The running snapshot's pools, for metrics; supervisor-written like {@link #bound}. */
    private volatile Map<String, Pool> pools = Map.of();
    /** The running snapshot's balancers by pool name (their positions go on in the next one); supervisor thread. */
    private Map<String, io.balor.upstream.Balancer> balancers = Map.of();
    private volatile BalorConfig config = BalorConfig.empty();
    private volatile long generation;
    private int nextAcceptLoop;

    public Supervisor(BalorOptions options) {
        io.balor.log.LoggingWarmUp.run();
        io.balor.net.DescriptorReserve.process().refill();
        this.ticker = options.ticker();
        this.loops = new LoopGroup(options.loops(), options.ticker(), options.bufferSize(), options.pooledBuffers());
        this.states = new LoopState[loops.size()];
        this.accessLog = options.accessLog() == null ? null : new io.balor.log.AccessLog(options.accessLog(), loops.size());
        for (int i = 0; i < states.length; i++) {
            states[i] = new LoopState(loops.get(i), limits(options), accessLog == null ? null : accessLog.shard(i));
        }
        this.health = io.balor.health.HealthChecker.scheduled(options.healthScriptDir());
        this.healthScriptDir = options.healthScriptDir();
        this.traffic = new TrafficRegistry(loops.size());
        this.compiler = new SnapshotCompiler(options, health, traffic, io.balor.upstream.BalancerFactory.ROUND_ROBIN);
        this.rateLimits = new RateLimits(options.ticker());
        this.latency = new LatencyWindow(options.ticker());
        this.certificates = new io.balor.tls.CertificateStore(options.clock(), options.certificateCheckInterval());
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "balor-supervisor");
            t.setDaemon(true);
            return t;
        });
    }

    /** Head limits that leave room in one buffer for what Balor adds to a forwarded head. */
    private static HttpLimits limits(BalorOptions options) {
        int maxHead = Math.min(HttpLimits.DEFAULT.maxHead(), options.bufferSize() - 2048);
        return new HttpLimits(Math.min(HttpLimits.DEFAULT.maxRequestLine(), maxHead), maxHead,
                HttpLimits.DEFAULT.maxFields());
    }

    /** Applies {@code next} live; see the class comment. Returns the new generation. */
    public long apply(BalorConfig next) {
        return await(submit(() -> doApply(next)), WAIT_SECONDS);
    }

    public BalorConfig config() {
        return config;
    }

    public long generation() {
        return generation;
    }

    public InetSocketAddress boundAddress(String listener) {
        BoundListener socket = bound.get(listener);
        // A listener whose accept loop died is not bound in any sense that matters to a client.
        return socket == null || socket.acceptor.dead() ? null : socket.acceptor.localAddress();
    }

    /** Counters of the listeners bound now (a draining listener's sessions are not counted). */
    public List<ListenerStats> listenerStats() {
        List<ListenerStats> stats = new ArrayList<>();
        for (Map.Entry<String, BoundListener> entry : bound.entrySet()) {
            BoundListener listener = entry.getValue();
            long failures = 0;
            long unavailable = 0;
            long retries = 0;
            long limited = 0;
            long requests = 0;
            for (SessionCounters shard : listener.counters) {
                failures += shard.connectFailures();
                unavailable += shard.unavailable();
                retries += shard.retries();
                limited += shard.rateLimited();
                for (int status = 0; status < 600; status++) {
                    requests += shard.responses(status);
                }
            }
            Acceptor acceptor = listener.acceptor;
            InetSocketAddress address = acceptor.localAddress();
            stats.add(new ListenerStats(entry.getKey(), address.getAddress().getHostAddress() + ":" + address.getPort(),
                    acceptor.accepted(), acceptor.active(), failures, unavailable, retries, acceptor.paused(),
                    limited, requests));
        }
        return stats;
    }

    /** The access log, or null when the options have none. */
    public io.balor.log.AccessLog accessLog() {
        return accessLog;
    }

    /** Request-duration quantiles of the HTTP listeners, routes, pools and upstreams over the last minute. */
    public List<io.balor.LatencySummary> latency() {
        return latency.summaries(bound, traffic.routes(), pools);
    }

    /** The listeners' counters as Prometheus text (format 0.0.4), summed over the loops now. */
    public String metrics() {
        java.util.Set<String> checked = new java.util.HashSet<>();
        for (io.balor.config.PoolConfig pool : config.pools()) {
            if (pool.healthCheck() != null) {
                checked.add(pool.name());
            }
        }
        return MetricsScrape.write(bound, traffic.routes(), pools, checked);
    }

    /** The certificates in use, as served now. */
    public List<io.balor.CertificateStatus> certificates() {
        return certificates.statuses();
    }

    /** Looks at every certificate file now and reloads the changed ones (instead of at the next check). */
    public void reloadCertificates() {
        certificates.checkAll();
    }

    /**
     * What health checks and passive health say about the upstreams of every pool that tracks
     * their health (probe counts are 0 where there are no checks), by pool, then position.
     */
    public List<io.balor.UpstreamHealthStatus> upstreamHealth() {
        List<io.balor.UpstreamHealthStatus> list = new ArrayList<>();
        Map<String, Pool> running = pools;
        List<io.balor.config.PoolConfig> byName = new ArrayList<>(config.pools());
        byName.sort(java.util.Comparator.comparing(io.balor.config.PoolConfig::name));
        for (io.balor.config.PoolConfig pool : byName) {
            Pool compiled = running.get(pool.name());
            if (compiled != null && pool.tracksHealth()) {
                for (io.balor.upstream.Upstream upstream : compiled.upstreams()) {
                    list.add(upstream.health().status(upstream.id(), pool.name()));
                }
            }
        }
        return list;
    }

    /** Every live session, described on its loop; empty once close has begun. */
    public List<SessionInfo> sessions() {
        if (closing.get()) {
            return List.of();
        }
        List<SessionInfo> all = new ArrayList<>();
        for (CompletableFuture<List<SessionInfo>> future : loops.onEach(loop -> states[loop.index()].describe())) {
            if (!future.isCompletedExceptionally()) {
                // A dead loop's future has failed at once: its sessions are gone with it.
                all.addAll(await(future, WAIT_SECONDS));
            }
        }
        return all;
    }

    /** What each event loop is doing, in loop order; see {@link io.balor.LoopHealth}. Any thread, never waits. */
    /** ACME's HTTP-01 answers, given by every HTTP listener. */
    public io.balor.proxy.Http01Answers http01() {
        return compiler.http01();
    }

    public List<io.balor.LoopHealth> loopHealth() {
        return loops.health(ticker.nanoTime(), LOOP_STALL.toNanos());
    }

    /**
     * Stops accepting on every listener now and returns once their ports are free; sessions go
     * on until {@link #close()} drains them, and no config is applied any more. What a process
     * does first on SIGTERM, before slower parts of its shutdown. Idempotent.
     */
    public void stopAccepting() {
        stopping = true;
        if (closing.get()) {
            closed.join();
            return;
        }
        await(submit(() -> {
            List<CompletableFuture<Void>> released = new ArrayList<>();
            for (BoundListener listener : bound.values()) {
                released.add(listener.acceptor.close());
            }
            for (CompletableFuture<Void> port : released) {
                await(port, WAIT_SECONDS);
            }
            return 0L;
        }), WAIT_SECONDS);
    }

    /** See the class comment. Idempotent; a second caller waits for the first to finish. */
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            closed.join();
            return;
        }
        try {
            Duration drain = longestDrain(config);
            await(submit(() -> {
                doClose(drain);
                return 0L;
            }), drain.plus(CLOSE_MARGIN).getSeconds() + WAIT_SECONDS);
        } finally {
            certificates.close();
            health.close();
            loops.shutdown(TimeUnit.SECONDS.toMillis(5));
            if (accessLog != null) {
                accessLog.close();
            }
            thread.shutdown();
            closed.complete(null);
        }
    }

    private long doApply(BalorConfig next) {
        if (closing.get() || stopping) {
            throw new IllegalStateException(closing.get() ? "Balor is closed" : "Balor is stopping");
        }
        for (io.balor.LoopHealth loop : loopHealth()) {
            if (io.balor.LoopHealth.DEAD.equals(loop.state())) {
                // Live loops would take the new config and the dead one not: refuse it whole.
                throw new IllegalStateException("event loop " + loop.thread() + " " + loop.problem()
                        + "; start Balor again");
            }
        }
        checkScripts(next);
        TlsCompiler tls = new TlsCompiler(certificates);
        try {
            Map<String, Pool> pools = compiler.pools(next, tls);
            Map<String, io.balor.tls.ServerTls> serverTls = new HashMap<>();
            for (int i = 0; i < next.listeners().size(); i++) {
                ListenerConfig listener = next.listeners().get(i);
                if (listener.enabled()) {
                    io.balor.tls.ServerTls own = tls.serverTls(listener, "listeners[" + i + "]");
                    if (own != null) {
                        serverTls.put(listener.name(), own);
                    }
                }
            }
            if (!tls.problems().isEmpty()) {
                throw new io.balor.config.InvalidConfigException(tls.problems());
            }
            long generation = publish(next, pools, serverTls);
            rateLimits.commit();
            traffic.commit();
            tls.commit();
            checkHealth(next, pools);
            return generation;
        } catch (RuntimeException e) {
            rateLimits.abandon();
            traffic.abandon();
            throw e;
        }
    }

    /** Refuses script checks whose program is not in the directory of check programs ({@link io.balor.HealthScripts}). */
    private void checkScripts(BalorConfig next) {
        List<io.balor.config.ConfigProblem> problems = io.balor.HealthScripts.problems(next, healthScriptDir,
                "BalorOptions.healthScriptDir");
        if (!problems.isEmpty()) {
            throw new io.balor.config.InvalidConfigException(problems);
        }
    }

    /** Points the health checker at the pools just published (state kept by upstream id). */
    private void checkHealth(BalorConfig next, Map<String, Pool> pools) {
        Map<String, io.balor.config.HealthCheckConfig> checks = new HashMap<>();
        Map<String, io.balor.config.UpstreamTlsConfig> poolTls = new HashMap<>();
        for (io.balor.config.PoolConfig pool : next.pools()) {
            if (pool.healthCheck() != null) {
                checks.put(pool.name(), pool.healthCheck());
                poolTls.put(pool.name(), pool.tls());
            }
            Pool compiled = pools.get(pool.name());
            if (compiled != null && pool.tracksHealth()) {
                io.balor.config.PassiveHealthConfig passive = pool.passiveHealth();
                for (io.balor.upstream.Upstream upstream : compiled.upstreams()) {
                    upstream.health().configure(passive == null ? 0 : passive.consecutiveFailures(),
                            passive == null ? 0 : passive.ejectFor().toNanos(), passive != null && passive.count5xx(),
                            pool.slowStart().toNanos());
                }
            }
        }
        health.update(pools, checks, poolTls);
    }

    private long publish(BalorConfig next, Map<String, Pool> pools, Map<String, io.balor.tls.ServerTls> serverTls) {
        Map<String, BoundListener> before = bound;
        ListenerSockets sockets = ListenerSockets.match(next, before, loops.size());

        Map<String, io.balor.upstream.Balancer> nextBalancers = compiler.balancers(pools, balancers);
        Map<BoundListener, RuntimeSnapshot.Listener> listeners = new HashMap<>();
        for (ListenerConfig listener : next.listeners()) {
            BoundListener socket = sockets.kept().get(listener.name());
            if (socket != null) {
                listeners.put(socket, compiler.listener(listener, nextBalancers, rateLimits,
                        serverTls.get(listener.name())));
            }
        }
        RuntimeSnapshot snapshot = new RuntimeSnapshot(generation + 1, listeners, pools, nextBalancers);
        try {
            for (CompletableFuture<Object> future : loops.onEach(loop -> {
                states[loop.index()].install(snapshot);
                return null;
            })) {
                await(future, WAIT_SECONDS);
            }
        } catch (RuntimeException e) {
            for (BoundListener fresh : sockets.opened()) {
                fresh.acceptor.close();
            }
            throw e;
        }

        for (ListenerConfig listener : next.listeners()) {
            BoundListener socket = sockets.kept().get(listener.name());
            if (socket != null) {
                socket.acceptor.maxConnections(listener.maxConnections());
            }
        }
        for (BoundListener fresh : sockets.opened()) {
            fresh.acceptor.start(loops.get(nextAcceptLoop++ % loops.size()), new Handoff(fresh, loops, states));
        }
        List<CompletableFuture<Void>> released = new ArrayList<>();
        for (Map.Entry<String, BoundListener> old : before.entrySet()) {
            if (sockets.retired().contains(old.getValue())) {
                ListenerConfig was = config.listener(old.getKey());
                released.add(retire(old.getValue(), was == null ? Duration.ZERO : was.timeouts().drain()));
            }
        }
        for (CompletableFuture<Void> port : released) {
            await(port, WAIT_SECONDS);
        }
        bound = Map.copyOf(sockets.kept());
        this.pools = pools;
        balancers = snapshot.balancers();
        config = next;
        generation = snapshot.generation();
        return generation;
    }

    /** Stops accepting on {@code old}; its sessions end at the drain deadline. */
    private CompletableFuture<Void> retire(BoundListener old, Duration drain) {
        CompletableFuture<Void> released = old.acceptor.close();
        long deadline = ticker.nanoTime() + drain.toNanos();
        for (int i = 0; i < loops.size(); i++) {
            LoopState state = states[i];
            loops.get(i).execute(() -> state.drainLater(old.acceptor, deadline));
        }
        return released;
    }

    private void doClose(Duration drain) throws InterruptedException {
        List<CompletableFuture<Void>> released = new ArrayList<>();
        for (BoundListener listener : bound.values()) {
            released.add(listener.acceptor.close());
        }
        for (CompletableFuture<Void> port : released) {
            await(port, WAIT_SECONDS);
        }
        // Sockets accepted before the close are already in the loops' inboxes: they open and
        // are drained like the rest, because these tasks are queued after them.
        CountDownLatch idle = new CountDownLatch(loops.size());
        long deadline = ticker.nanoTime() + drain.toNanos();
        for (int i = 0; i < loops.size(); i++) {
            LoopState state = states[i];
            if (loops.get(i).dead()) {
                idle.countDown();
                continue;
            }
            loops.get(i).execute(() -> {
                state.drainLater(null, deadline);
                state.whenIdle(idle::countDown);
            });
        }
        if (!idle.await(drain.plus(CLOSE_MARGIN).toMillis(), TimeUnit.MILLISECONDS)) {
            for (CompletableFuture<Object> future : loops.onEach(loop -> {
                states[loop.index()].closeSessions(null);
                return null;
            })) {
                if (!future.isCompletedExceptionally()) {
                    await(future, WAIT_SECONDS);
                }
            }
        }
        bound = Map.of();
    }

    private static Duration longestDrain(BalorConfig config) {
        Duration longest = Duration.ZERO;
        for (ListenerConfig listener : config.listeners()) {
            if (listener.timeouts().drain().compareTo(longest) > 0) {
                longest = listener.timeouts().drain();
            }
        }
        return longest;
    }

    private <T> Future<T> submit(Callable<T> work) {
        try {
            return thread.submit(work);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("Balor is closed", e);
        }
    }

    private static <T> T await(Future<T> future, long seconds) {
        try {
            return future.get(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the event loops did not answer within " + seconds + " s", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
