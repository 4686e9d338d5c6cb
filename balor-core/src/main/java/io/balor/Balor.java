package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.InvalidConfigException;
import io.balor.control.Supervisor;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The embedding API: a running Balor with its event loops, listeners and pools.
 *
 * <pre>{@code
 * Balor balor = Balor.start(config, BalorOptions.defaults());
 * balor.apply(config.withListeners(...));   // live: unchanged listeners keep their sessions
 * balor.close();                            // stop accepting, drain, stop the loops
 * }</pre>
 *
 * <p>Every method is safe to call from any thread. Changes are serialised by one supervisor
 * thread; reads ({@link #listenerStats()}, {@link #sessions()}) never block the data path.
 */
public final class Balor implements AutoCloseable {

    private final Supervisor supervisor;

    private Balor(Supervisor supervisor) {
        this.supervisor = supervisor;
    }

    /**
     * Starts the event loops and applies the first config.
     *
     * @throws InvalidConfigException if a listener cannot be bound (named by its field path);
     *                                nothing is left running then
     */
    public static Balor start(BalorConfig config, BalorOptions options) {
        Supervisor supervisor = new Supervisor(options);
        try {
            supervisor.apply(config);
        } catch (RuntimeException e) {
            supervisor.close();
            throw e;
        }
        return new Balor(supervisor);
    }

    /** {@link #start(BalorConfig, BalorOptions)} with {@link BalorOptions#defaults()}. */
    public static Balor start(BalorConfig config) {
        return start(config, BalorOptions.defaults());
    }

    /**
     * Makes {@code config} the running config, live. Listeners whose address and protocol did
     * not change keep their socket and sessions; new ones are bound; removed (or re-addressed)
     * ones stop accepting and their sessions are drained until their drain timeout. Pools change
     * for new sessions only; upstreams keep their state by id.
     *
     * @return the generation of the new config (1 for the first)
     * @throws InvalidConfigException if a new listener cannot be bound; nothing changed then
     */
    public long apply(BalorConfig config) {
        return supervisor.apply(config);
    }

    /** The config in force. */
    public BalorConfig config() {
        return supervisor.config();
    }

    /** The generation of the config in force. */
    public long generation() {
        return supervisor.generation();
    }

    /** Where the named listener is bound (the real port when it asked for port 0), or null (also when the event loop that accepts for it has died). */
    public InetSocketAddress boundAddress(String listener) {
        return supervisor.boundAddress(listener);
    }

    /** Counters of every bound or draining listener. */
    public List<ListenerStats> listenerStats() {
        return supervisor.listenerStats();
    }

    /** The live sessions of every loop, each described on its own loop. */
    public List<SessionInfo> sessions() {
        return supervisor.sessions();
    }

    /**
     * The metrics in the Prometheus text format 0.0.4 (what {@code /metrics} serves): per
     * listener, responses by status, request durations as a histogram, connections accepted and
     * open, bytes each way, upstream failures, retries and rate-limit refusals; per route, pool
     * and upstream, requests by status class and their durations; per upstream, bytes,
     * connection attempts and errors, whether its health lets it take traffic, ejections and
     * health-check results. Counters are kept per loop and summed here; recording them never
     * contends between loops. Routes, pools and upstreams that an apply keeps keep their counters.
     */
    public String metrics() {
        return supervisor.metrics();
    }

    /**
     * The newest access-log lines (JSON), at most {@code max}, in the time order of their exchanges'
     * ends, newest last (as {@link #recentEvents}), whichever loops served them; empty without an
     * access log ({@link BalorOptions#withAccessLog}).
     */
    public List<String> recentAccessLog(int max) {
        io.balor.log.AccessLog log = supervisor.accessLog();
        return log == null ? List.of() : log.recent(max);
    }

    /**
     * Balor's own newest log events at or above {@code minimum} ({@code Level.ALL} for all), at most
     * {@code max}, oldest first: listener and accept failures, upstreams going down and up or
     * ejected, upstreams failing live traffic (at most one event per upstream per 10 s),
     * certificates loaded or refused, failures on a loop, log files that cannot be written. The
     * same events go to {@link System.Logger} as well. They are the process's: the newest 1,024
     * are kept (older ones are overwritten, which shows as a gap in {@link LogEvent#sequence()}),
     * and with two Balors in one JVM each sees both's (see {@code io.balor.log.EventLog} for why).
     */
    public List<LogEvent> recentEvents(int max, System.Logger.Level minimum) {
        return io.balor.log.EventLog.process().recent(max, java.util.Objects.requireNonNull(minimum, "minimum"));
    }

    /**
     * Sets how many exchanges per 10,000 the access log keeps, now (clamped to 1..10,000);
     * returns the value set. Throws when there is no access log.
     */
    public int accessLogSampling(int permyriad) {
        io.balor.log.AccessLog log = supervisor.accessLog();
        if (log == null) {
            throw new IllegalStateException("no access log: start with BalorOptions.withAccessLog(...)");
        }
        log.permyriad(permyriad);
        return log.permyriad();
    }

    /** Access-log records lost (a full ring while the writer was behind, a file that could not be written). */
    public long accessLogDropped() {
        io.balor.log.AccessLog log = supervisor.accessLog();
        return log == null ? 0 : log.dropped();
    }

    /**
     * p50, p95 and p99 request durations over about the last minute of each HTTP listener, then
     * each route, pool and upstream ({@link LatencySummary#scope()}), from the duration
     * histograms (within one bucket of the truth). The window is measured between calls: a caller
     * that polls (the console) gets a sliding minute.
     */
    public List<LatencySummary> latency() {
        return supervisor.latency();
    }

    /**
     * The certificates the listeners serve, with what went wrong at the last look at their files
     * (a problem with a certificate still loaded means the previous one is still served).
     */
    public List<CertificateStatus> certificates() {
        return supervisor.certificates();
    }

    /**
     * Looks at every certificate file now and reloads those that changed, instead of waiting for
     * the next periodic check ({@link BalorOptions#certificateCheckInterval()}).
     */
    public void reloadCertificates() {
        supervisor.reloadCertificates();
    }

    /**
     * What the active health checks say about the upstreams of every pool that has them
     * ({@code PoolConfig.withHealthCheck}), and passive health about those of pools that have
     * only that ({@code withPassiveHealth}, {@code withSlowStart}; no probes), sorted by pool and
     * id. Upstreams start up; a down or ejected one receives no new sessions or requests from any
     * balancer, sticky ones included.
     */
    public List<UpstreamHealthStatus> upstreamHealth() {
        return supervisor.upstreamHealth();
    }

    /**
     * Answers ACME's HTTP-01 challenge for {@code token} with {@code keyAuthorization} on every
     * HTTP listener from now on ({@code GET /.well-known/acme-challenge/TOKEN}, before rate limits
     * and routes), until {@link #withdrawAcmeChallenge}. Other tokens and paths are routed as usual.
     *
     * @throws IllegalArgumentException for a token that is not 1 to 128 base64url characters, or a
     *                                  key authorization that is not {@code TOKEN.THUMBPRINT}
     */
    public void publishAcmeChallenge(String token, String keyAuthorization) {
        supervisor.http01().publish(token, keyAuthorization);
    }

    /** Stops answering {@code token} (its authorization ended); one not published changes nothing. */
    public void withdrawAcmeChallenge(String token) {
        supervisor.http01().withdraw(token);
    }

    /**
     * What each event loop is doing, in loop order: {@code running}, {@code stalled} (no
     * iteration for 5 s), {@code dead} (its thread ended on a failure; a restart is needed) or
     * {@code stopped} (closing). Cheap: reads a few fields, never waits for a loop; a health
     * endpoint may call it on every probe.
     */
    public List<LoopHealth> loopHealth() {
        return supervisor.loopHealth();
    }

    /**
     * Stops accepting on every listener at once and returns when their ports are free, leaving
     * the open sessions to {@link #close()}, which drains them. For a process shutting down that
     * has slower things to stop first (an admin API); later {@link #apply} calls are refused.
     */
    public void stopAccepting() {
        supervisor.stopAccepting();
    }

    /**
     * Stops accepting on every listener, lets sessions finish up to the longest drain timeout,
     * closes what is left and stops the loops. Idempotent.
     */
    @Override
    public void close() {
        supervisor.close();
    }

}
