package io.balor.health;

import io.balor.UpstreamHealthStatus;
import io.balor.config.HealthCheckConfig;
import io.balor.config.UpstreamTlsConfig;
import io.balor.log.EventLogger;
import io.balor.upstream.Pool;
import io.balor.upstream.Upstream;
import io.balor.upstream.UpstreamHealth;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the active health checks of every checked pool and keeps each upstream's
 * {@link UpstreamHealth} by id, so an upstream that a config edit leaves in place keeps its
 * state (and its counters) across applies.
 *
 * <p>Threads: {@link #health} and {@link #update} are called by the supervisor thread (compile,
 * then publish); probes run on this checker's own daemon threads ({@code balor-health-N},
 * {@value #THREADS} of them), never on an event loop. A probe blocks its thread for at most its
 * timeout, so with many upstreams and long timeouts probes may start late, never overlap for one
 * upstream: each upstream's next probe is scheduled when its last one ends, an interval later
 * give or take a tenth (jitter), the first one at a random point of the first interval. A state
 * change is one volatile write that the loops see on their next pick.
 *
 * <p>A checker made with {@link #manual()} schedules nothing: tests run probes with
 * {@link #probeNow} on their own thread, deterministically.
 */
public final class HealthChecker implements AutoCloseable {

    private static final EventLogger LOG = EventLogger.of("health", HealthChecker.class.getName());
    static final int THREADS = 4;

    /** One checked upstream under one config; replaced (and its schedule cancelled) by each update. */
    private static final class Target {
        final Upstream upstream;
        final String pool;
        final HealthCheckConfig check;
        final Probe probe;
        volatile boolean cancelled;
        volatile ScheduledFuture<?> next;

        Target(Upstream upstream, String pool, HealthCheckConfig check, Probe probe) {
            this.upstream = upstream;
            this.pool = pool;
            this.check = check;
            this.probe = probe;
        }
    }

    private final ScheduledThreadPoolExecutor executor;
    /** Where script checks may run programs from, or null (they fail without running anything). */
    private final java.nio.file.Path scriptDir;
    /** By upstream id; entries are added by {@link #health} and dropped by {@link #update}. */
    private final Map<String, UpstreamHealth> states = new ConcurrentHashMap<>();
    /** By upstream id; replaced whole by {@link #update}. */
    private volatile Map<String, Target> targets = Map.of();

    private HealthChecker(boolean scheduled, java.nio.file.Path scriptDir) {
        this.scriptDir = scriptDir;
        if (scheduled) {
            AtomicInteger count = new AtomicInteger();
            executor = new ScheduledThreadPoolExecutor(THREADS, task -> {
                Thread thread = new Thread(task, "balor-health-" + count.getAndIncrement());
                thread.setDaemon(true);
                return thread;
            });
            executor.setRemoveOnCancelPolicy(true);
        } else {
            executor = null;
        }
    }

    /** A checker that probes on its own threads; script checks run programs from {@code scriptDir} only (null: none). */
    public static HealthChecker scheduled(java.nio.file.Path scriptDir) {
        return new HealthChecker(true, scriptDir);
    }

    /** A checker that never probes by itself (see {@link #probeNow}), without script checks. */
    public static HealthChecker manual() {
        return manual(null);
    }

    /** A checker that never probes by itself, with script checks run from {@code scriptDir} (null: none). */
    public static HealthChecker manual(java.nio.file.Path scriptDir) {
        return new HealthChecker(false, scriptDir);
    }

    /**
     * The health of a checked upstream id: the one it had if it was checked before (state kept
     * across applies), else a new one, up. Called while compiling a snapshot.
     */
    public UpstreamHealth health(String upstreamId) {
        return health(upstreamId, io.balor.time.Ticker.system());
    }

    /**
     * The health of an upstream id whose pool keeps health state (active checks, passive health
     * or slow start), as {@link #health(String)}; a new one measures ejections and ramps on
     * {@code ticker} (the loops' own).
     */
    public UpstreamHealth health(String upstreamId, io.balor.time.Ticker ticker) {
        return states.computeIfAbsent(upstreamId, id -> new UpstreamHealth(ticker));
    }

    /**
     * Checks the upstreams of {@code pools} that have a config in {@code checks} (by pool name)
     * from now on, and forgets the state of every upstream that {@code pools} does not carry it
     * for (an upstream no longer checked but kept for passive health is reset to up). Call it with the snapshot just
     * published; upstreams must carry the {@link #health} of their id.
     *
     * @param tls the pools' TLS settings by name, for HTTPS checks (absent: the defaults)
     */
    public void update(Map<String, Pool> pools, Map<String, HealthCheckConfig> checks,
                       Map<String, UpstreamTlsConfig> tls) {
        Map<String, Target> next = new HashMap<>();
        for (Map.Entry<String, HealthCheckConfig> entry : checks.entrySet()) {
            Pool pool = pools.get(entry.getKey());
            if (pool == null) {
                continue;
            }
            HealthCheckConfig check = entry.getValue();
            Probe probe = probe(check, tls.get(pool.name()), pool.sendProxyVersion());
            for (Upstream upstream : pool.upstreams()) {
                next.put(upstream.id(), new Target(upstream, pool.name(), check, probe));
            }
        }
        Map<String, Target> before = targets;
        targets = Map.copyOf(next);
        // Kept: the state of every upstream the snapshot carries it for (checked, or passive
        // health / slow start only); an upstream no longer checked is up as far as checks go.
        java.util.Set<String> carried = new java.util.HashSet<>();
        for (Pool pool : pools.values()) {
            for (Upstream upstream : pool.upstreams()) {
                if (states.get(upstream.id()) == upstream.health()) {
                    carried.add(upstream.id());
                    if (!next.containsKey(upstream.id()) && before.containsKey(upstream.id())) {
                        upstream.health().reset();
                    }
                }
            }
        }
        states.keySet().retainAll(carried);
        for (Target old : before.values()) {
            cancel(old);
        }
        if (executor != null) {
            for (Target target : next.values()) {
                long interval = target.check.interval().toNanos();
                schedule(target, (long) (ThreadLocalRandom.current().nextDouble() * interval));
            }
        }
    }

    private Probe probe(HealthCheckConfig check, UpstreamTlsConfig tls, int sendProxyVersion) {
        return switch (check.type()) {
            case TCP -> new TcpProbe();   // a connect only: nothing is sent, so no PROXY header either
            case HTTP, HTTPS -> new HttpProbe(check, tls, sendProxyVersion);
            case SCRIPT -> new ScriptProbe(check.command(), scriptDir);
        };
    }

    private void schedule(Target target, long delayNanos) {
        if (target.cancelled) {
            return;
        }
        try {
            target.next = executor.schedule(() -> runScheduled(target), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
        if (target.cancelled) {   // update() ran between the check above and the schedule
            cancel(target);
        }
    }

    private void runScheduled(Target target) {
        if (target.cancelled) {
            return;
        }
        probe(target);
        long interval = target.check.interval().toNanos();
        long jitter = (long) ((ThreadLocalRandom.current().nextDouble() * 0.2 - 0.1) * interval);
        schedule(target, interval + jitter);
    }

    private static void cancel(Target target) {
        target.cancelled = true;
        ScheduledFuture<?> next = target.next;
        if (next != null) {
            next.cancel(false);   // a probe under way finishes; it records into the kept state
        }
    }

    private String probe(Target target) {
        String error;
        try {
            error = target.probe.run(target.upstream, target.check.timeout().toNanos());
        } catch (RuntimeException e) {
            error = Probe.reason("probe", e);
        }
        UpstreamHealth health = target.upstream.health();
        if (health.record(error, target.check.rise(), target.check.fall())) {
            LOG.log(System.Logger.Level.WARNING, "upstream " + target.upstream.id() + " is "
                    + (health.checkedUp() ? "up" : "down: " + error));
        }
        return error;
    }

    /**
     * Probes one checked upstream now, on the calling thread, and records the outcome.
     *
     * @return null if it was healthy, else the reason
     * @throws IllegalArgumentException if the upstream is not checked
     */
    public String probeNow(String upstreamId) {
        Target target = targets.get(upstreamId);
        if (target == null) {
            throw new IllegalArgumentException(upstreamId + " is not health-checked");
        }
        return probe(target);
    }

    /** Every checked upstream's state, by pool, then id. */
    public List<UpstreamHealthStatus> statuses() {
        List<UpstreamHealthStatus> list = new ArrayList<>();
        for (Target target : targets.values()) {
            list.add(target.upstream.health().status(target.upstream.id(), target.pool));
        }
        list.sort(Comparator.comparing(UpstreamHealthStatus::pool).thenComparing(UpstreamHealthStatus::upstream));
        return list;
    }

    /** Stops probing; a script under way is killed (its thread is interrupted). */
    @Override
    public void close() {
        for (Target target : targets.values()) {
            cancel(target);
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
