package io.balor.admin.api;

import io.balor.LogFile;
import io.balor.LogRetention;
import io.balor.admin.http.AuditRecord;
import io.balor.admin.http.AuditRing;
import io.balor.admin.http.AuditSink;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Where the admin API's audit records go, in the log directory:
 * <ul>
 *   <li>{@code audit.log}: every record of a logged-in caller (and of a login), its refusals
 *       ({@code 4xx}, {@code 5xx}: nothing changed) aggregated per user, address and minute ({@link Refusals}): rotated by size (at least
 *       {@value #MIN_FILE_MIB} MiB a file), its rotated files kept while they are among the newest
 *       {@value #KEEP_MIB} MiB or younger than {@value #KEEP_DAYS} days, {@value #CAP_MIB} MiB in all
 *       at most. Nobody who is not logged in can add to it, and the refusals a logged-in user can
 *       make at will are aggregated, so a flood of them cannot rotate real history away;</li>
 *   <li>{@code audit-anonymous.log}: refusals of clients that are not logged in, aggregated per
 *       client and minute ({@link Refusals}), rotated like the other logs.</li>
 * </ul>
 * The newest 1,000 lines' records are also kept in memory. Changes are rare (an operator's
 * clicks), so a record is written on the worker thread that served the request, under this
 * object's lock; a file that cannot be written drops the line and counts it ({@link LogFile}). A
 * timer thread ("balor-audit-flush") writes the summaries of a minute that is over. Thread-safe.
 */
final class AuditFile implements AuditSink, AutoCloseable {

    static final int KEEP_MIB = 100;
    static final int KEEP_DAYS = 30;
    static final int CAP_MIB = 1024;
    static final int MIN_FILE_MIB = 1;
    static final String NAME = "audit.log";
    static final String ANONYMOUS_NAME = "audit-anonymous.log";

    private final AuditRing recent = new AuditRing(1_000);
    private final LogFile file;
    private final LogFile anonymousFile;
    private final Refusals anonymous = new Refusals();
    private final Refusals forbidden = new Refusals();
    private final Clock clock;
    private final ScheduledExecutorService flusher;

    /**
     * @param directory    the log directory, or null to keep records in memory only
     * @param maxFileBytes size at which each file rotates
     * @param keepFiles    rotated files of {@code audit-anonymous.log} kept
     * @param clock        the audit clock (the summaries' minutes)
     */
    AuditFile(Path directory, long maxFileBytes, int keepFiles, Clock clock) {
        this.clock = clock;
        this.file = directory == null ? null : new LogFile(directory, NAME, Math.max(maxFileBytes, MIN_FILE_MIB << 20),
                LogRetention.atLeast((long) KEEP_MIB << 20, Duration.ofDays(KEEP_DAYS), (long) CAP_MIB << 20));
        this.anonymousFile = directory == null ? null : new LogFile(directory, ANONYMOUS_NAME, maxFileBytes, keepFiles);
        this.flusher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "balor-audit-flush");
            thread.setDaemon(true);
            return thread;
        });
        flusher.scheduleWithFixedDelay(this::flush, 5, 5, TimeUnit.SECONDS);
    }

    @Override
    public synchronized void record(AuditRecord record) {
        if (record.status() >= 400) {
            // Refusals a client makes at will: aggregated, so they cannot flood out real history.
            String line = record.toJsonLine();
            List<String> lines = (record.anonymous() ? anonymous : forbidden).add(record, line);
            if (!lines.isEmpty() && lines.get(lines.size() - 1) == line) {
                recent.record(record);
            }
            write(record.anonymous() ? anonymousFile : file, lines);
            return;
        }
        recent.record(record);
        write(file, List.of(record.toJsonLine()));
    }

    /** Writes the summaries of a minute that is over. */
    synchronized void flush() {
        write(anonymousFile, anonymous.flush(clock.instant()));
        write(file, forbidden.flush(clock.instant()));
    }

    private static void write(LogFile to, List<String> lines) {
        if (to != null && !lines.isEmpty()) {
            to.write(lines);
        }
    }

    /** The newest records, oldest first. */
    List<AuditRecord> recent() {
        return recent.recent();
    }

    @Override
    public synchronized void close() {
        flusher.shutdownNow();
        write(anonymousFile, anonymous.flush(java.time.Instant.MAX));
        write(file, forbidden.flush(java.time.Instant.MAX));
        if (file != null) {
            file.close();
        }
        if (anonymousFile != null) {
            anonymousFile.close();
        }
    }
}
