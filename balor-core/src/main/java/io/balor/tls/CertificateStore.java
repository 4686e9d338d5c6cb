package io.balor.tls;

import io.balor.CertificateStatus;
import io.balor.config.CertificateConfig;
import io.balor.log.EventLogger;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every certificate file pair the running config uses, each loaded once however many listeners
 * and routes name it, and watched for changes: a thread of its own ({@code balor-tls-reload})
 * looks at the files' modification times and sizes every {@code checkInterval} and reloads the
 * ones that changed. Entries are kept across applies by path, so an apply that keeps a
 * certificate keeps its last good load and its session cache.
 *
 * <p>{@link #entry} and {@link #retain} run on the supervisor thread; {@link #statuses} on any.
 */
public final class CertificateStore implements AutoCloseable {

    private static final EventLogger LOG = EventLogger.of("tls", "io.balor.tls");

    private final Clock clock;
    private final Duration checkInterval;
    private volatile Map<String, CertificateEntry> entries = Map.of();
    /**
     * Pools' client TLS by settings and CA file stamp, kept across applies: a pool whose TLS did
     * not change keeps its context, so its kept-alive upstream connections stay reusable.
     */
    private volatile Map<String, UpstreamTls> clients = Map.of();
    private ScheduledExecutorService watcher;

    public CertificateStore(Clock clock, Duration checkInterval) {
        this.clock = clock;
        this.checkInterval = checkInterval;
    }

    /**
     * The entry for {@code config}, loaded (or refreshed if its files changed); a new one is not
     * watched until {@link #retain}. Throws when it has never loaded and cannot load now.
     */
    public CertificateEntry entry(CertificateConfig config, Map<String, CertificateEntry> pending)
            throws CertificateProblem {
        Path cert = Path.of(config.certFile()).toAbsolutePath().normalize();
        Path key = Path.of(config.keyFile()).toAbsolutePath().normalize();
        String id = cert + "\n" + key;
        CertificateEntry entry = pending.get(id);
        if (entry == null) {
            entry = entries.get(id);
        }
        if (entry == null) {
            entry = new CertificateEntry(cert, key);
        }
        entry.refresh(clock);
        if (!entry.usable()) {
            throw new CertificateProblem(entry.problem());
        }
        pending.put(id, entry);
        return entry;
    }

    /**
     * The client TLS for {@code config}: the one of the last apply if its settings and CA file
     * are unchanged, else a new one. Supervisor thread.
     */
    public UpstreamTls client(io.balor.config.UpstreamTlsConfig config, Map<String, UpstreamTls> pending)
            throws CertificateProblem {
        String id = config + "\n" + (config.caFile() == null ? "" : CertificateEntry.stampOf(Path.of(config.caFile())));
        UpstreamTls client = pending.get(id);
        if (client == null) {
            client = clients.get(id);
        }
        if (client == null) {
            client = UpstreamTls.of(config);
        }
        pending.put(id, client);
        return client;
    }

    /** Keeps exactly the client contexts of the applied config. */
    public void retainClients(Map<String, UpstreamTls> used) {
        clients = Map.copyOf(used);
    }

    /** Keeps watching exactly {@code used} (what {@link #entry} returned for the applied config). */
    public synchronized void retain(Map<String, CertificateEntry> used) {
        entries = Map.copyOf(used);
        if (!used.isEmpty() && watcher == null) {
            watcher = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "balor-tls-reload");
                thread.setDaemon(true);
                return thread;
            });
            long millis = Math.max(1, checkInterval.toMillis());
            watcher.scheduleWithFixedDelay(this::checkAll, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Reloads every changed file pair now. Any thread (tests, an admin "reload" action). */
    public void checkAll() {
        for (CertificateEntry entry : entries.values()) {
            try {
                entry.refresh(clock);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "certificate reload failed", e);
            }
        }
    }

    /** What is served now for each file pair, with the last problem. */
    public List<CertificateStatus> statuses() {
        List<CertificateStatus> list = new ArrayList<>();
        for (CertificateEntry entry : entries.values()) {
            list.add(entry.status());
        }
        list.sort(java.util.Comparator.comparing(CertificateStatus::certFile));
        return list;
    }

    /** A fresh map for one apply's {@link #entry} calls. */
    public static Map<String, CertificateEntry> pending() {
        return new HashMap<>();
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }
}
