package io.balor.admin.http;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The admin API's HTTP server: jdk.httpserver with one context {@code /} whose
 * {@link ApiDispatcher} routes every request to a {@link Endpoint}. Started and closed by its owner
 * (the daemon's main thread); {@link #address()} may be read from any thread.
 *
 * <p>Threads: jdk.httpserver's own dispatcher thread accepts connections and reads nothing but
 * readiness; once a connection's first byte arrives, its request (the TLS handshake, the head and
 * the body included) is read and served on a worker thread ("balor-admin-http-N"), which blocks
 * until the whole request is in. So a client that sends its head slowly holds a worker, and the
 * workers are many and cheap: up to {@link ApiOptions#threads()} (512), made as requests need
 * them, each ended after {@value #IDLE_WORKER_SECONDS} s idle, with no queue (a request is never
 * stuck behind slow ones). Every worker busy: the request goes to one of
 * {@value #BUSY_THREADS} busy threads ("balor-admin-http-busy") that answer 503 with
 * {@code Retry-After: 1} without running anything (once they have read its head); all of them
 * busy too, the connection is closed at once. A connection that never sends a byte holds no
 * thread, only a file descriptor, until the request deadline closes it. jdk.httpserver accepts on
 * its own thread with no hook: {@link ConnectionReaper} caps each client address at
 * {@link ApiOptions#perClient()} connections just after, and keeps connections that clients reset
 * from counting against the JVM-wide cap, {@code jdk.httpserver.maxConnections}.
 *
 * <p>Timeouts and header limits: jdk.httpserver reads them once per JVM, from system properties,
 * when its first server is created, and has none by default (a client that never finishes its
 * head would hold a worker for ever). {@link #start} calls {@link #applyTimeoutDefaults()} first,
 * so they are in force unless another HttpServer of the JVM was made before. This is the one
 * place Balor takes knobs from system properties, because the JDK offers no other way; an
 * operator may still set them with {@code -D}.
 */
public final class ApiServer implements AutoCloseable {

    /**
     * What {@link #applyTimeoutDefaults()} gives jdk.httpserver's JVM-wide settings when they are
     * not set: a request's head and body must arrive within 10 s of its first byte (HAProxy's
     * usual {@code timeout http-request}; a connection that sends nothing at all is closed after
     * 10 s too) and its response leave within 60 s (checked every second), an idle keep-alive
     * connection is closed after 30 s (checked every 10 s), at most 100 request headers of 64 KiB
     * in all, at most 4,096 connections open (more are closed at once), and up to 16 MiB of a
     * refused request's unread body read and dropped after its answer (within the request deadline).
     */
    public static final Map<String, String> TIMEOUT_DEFAULTS = defaults();

    /** Threads answering 503 when every worker is busy (each may itself wait for a slow head). */
    private static final int BUSY_THREADS = 8;
    /**
     * Connections the kernel holds for the accepting thread (the system's {@code somaxconn} may
     * lower it): under a flood of connections a client's handshake waits in this queue rather
     * than having its SYN dropped and retried a second later.
     */
    static final int BACKLOG = 1024;
    private static final int CORE_WORKERS = 4;
    static final int IDLE_WORKER_SECONDS = 30;

    private final HttpServer server;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor busy;
    private final ConnectionReaper reaper;
    private final int stopDelaySeconds;

    private ApiServer(HttpServer server, ThreadPoolExecutor workers, ThreadPoolExecutor busy, ConnectionReaper reaper,
                      int stopDelaySeconds) {
        this.server = server;
        this.workers = workers;
        this.busy = busy;
        this.reaper = reaper;
        this.stopDelaySeconds = stopDelaySeconds;
    }

    /**
     * Sets each of {@link #TIMEOUT_DEFAULTS} that is not already set as a system property. Call it
     * before the first {@code HttpServer} of the JVM is created: later calls change nothing.
     */
    public static void applyTimeoutDefaults() {
        TIMEOUT_DEFAULTS.forEach((name, value) -> {
            if (System.getProperty(name) == null) {
                System.setProperty(name, value);
            }
        });
    }

    /**
     * Binds {@code bind} (port 0 picks a free port) and serves {@code routes}.
     *
     * @throws IOException              if the address cannot be bound
     * @throws IllegalArgumentException if two routes answer the same method on the same paths
     */
    public static ApiServer start(InetSocketAddress bind, List<Endpoint> routes, ApiOptions options) throws IOException {
        return start(bind, routes, options, null);
    }

    /**
     * {@link #start(InetSocketAddress, List, ApiOptions)} over HTTPS with {@code tls} (TLS 1.3 and
     * 1.2 only), or plain HTTP when it is null.
     */
    public static ApiServer start(InetSocketAddress bind, List<Endpoint> routes, ApiOptions options,
                                  javax.net.ssl.SSLContext tls) throws IOException {
        return start(bind, routes, options, tls, null);
    }

    /**
     * {@link #start(InetSocketAddress, List, ApiOptions, javax.net.ssl.SSLContext)} that also
     * serves the web console's files ({@link ConsoleFiles}) when {@code console} is not null.
     */
    public static ApiServer start(InetSocketAddress bind, List<Endpoint> routes, ApiOptions options,
                                  javax.net.ssl.SSLContext tls, io.balor.admin.console.ConsoleAssets console)
            throws IOException {
        applyTimeoutDefaults();
        EndpointTable table = new EndpointTable(routes);
        ThreadPoolExecutor busy = new ThreadPoolExecutor(1, BUSY_THREADS, IDLE_WORKER_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> daemon(new BusyThread(r)), new ThreadPoolExecutor.AbortPolicy());
        ThreadPoolExecutor workers = new ThreadPoolExecutor(Math.min(CORE_WORKERS, options.threads()),
                options.threads(), IDLE_WORKER_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(), workerThreads(),
                // All busy: hand the exchange to the busy thread, which answers 503. If that is full
                // too, the RejectedExecutionException makes jdk.httpserver close the connection.
                (exchange, pool) -> busy.execute(exchange));
        HttpServer server;
        try {
            if (tls == null) {
                server = HttpServer.create(bind, BACKLOG);
            } else {
                com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(bind, BACKLOG);
                https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls) {
                    @Override
                    public void configure(com.sun.net.httpserver.HttpsParameters parameters) {
                        javax.net.ssl.SSLParameters ssl = tls.getDefaultSSLParameters();
                        ssl.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                        parameters.setSSLParameters(ssl);
                    }
                });
                server = https;
            }
        } catch (IOException | RuntimeException e) {
            workers.shutdownNow();
            busy.shutdownNow();
            throw e;
        }
        server.createContext("/", new ApiDispatcher(table, options,
                AllowedHosts.of(server.getAddress(), options.hostNames()),
                console == null ? null : new ConsoleFiles(console)));
        server.setExecutor(workers);
        server.start();
        return new ApiServer(server, workers, busy, ConnectionReaper.of(server, options.perClient()),
                options.stopDelaySeconds());
    }

    /** The bound address (with the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /**
     * Stops accepting, lets requests in progress finish for up to
     * {@link ApiOptions#stopDelaySeconds()} (jdk.httpserver waits that long even when idle), closes
     * every connection and stops the threads.
     */
    /** Whether connections that clients reset are reclaimed at once ({@link ConnectionReaper}). */
    public boolean reclaimsResetConnections() {
        return reaper.active();
    }

    @Override
    public void close() {
        reaper.close();
        server.stop(stopDelaySeconds);
        workers.shutdownNow();
        busy.shutdownNow();
    }

    /** Workers serving a request now (for tests of the overload path). */
    int busyWorkers() {
        return workers.getActiveCount();
    }

    /** The thread that answers 503 to what the workers' queue could not take. */
    static final class BusyThread extends Thread {
        BusyThread(Runnable task) {
            super(task, "balor-admin-http-busy");
        }
    }

    private static ThreadFactory workerThreads() {
        AtomicInteger count = new AtomicInteger();
        return r -> daemon(new Thread(r, "balor-admin-http-" + count.incrementAndGet()));
    }

    private static Thread daemon(Thread thread) {
        thread.setDaemon(true);
        return thread;
    }

    private static Map<String, String> defaults() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("sun.net.httpserver.maxReqTime", "10");
        map.put("sun.net.httpserver.maxRspTime", "60");
        map.put("sun.net.httpserver.idleInterval", "30");
        map.put("sun.net.httpserver.maxReqHeaders", "100");
        map.put("sun.net.httpserver.maxReqHeaderSize", "65536");
        map.put("jdk.httpserver.maxConnections", "4096");
        map.put("sun.net.httpserver.drainAmount", Long.toString(16L << 20));
        return Collections.unmodifiableMap(map);
    }
}
