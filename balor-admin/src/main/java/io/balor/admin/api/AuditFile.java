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
 *   <li>{@code audit.log}: every record of a logged-in caller (and of a login): rotated by size,
 *       its rotated files kept while they are among the newest {@value #KEEP_MIB} MiB or younger
 *       than {@value #KEEP_DAYS} days, {@value #CAP_MIB} MiB in all at most. Nobody who is not
 *       logged in can add to it, so a flood of anonymous requests cannot rotate real history away;</li>
 *   <li>{@code audit-anonymous.log}: refusals of clients that are not logged in, aggregated per
 *       client and minute ({@link AnonymousRefusals}), rotated like the other logs.</li>
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
    static final String NAME = "audit.log";
    static final String ANONYMOUS_NAME = "audit-anonymous.log";

    private final AuditRing recent = new AuditRing(1_000);
    private final LogFile file;
    private final LogFile anonymousFile;
    private final AnonymousRefusals anonymous = new AnonymousRefusals();
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
        this.file = directory == null ? null : new LogFile(directory, NAME, maxFileBytes,
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
        if (record.anonymous() && record.status() >= 400) {
            String line = record.toJsonLine();
            List<String> lines = anonymous.add(record, line);
            if (!lines.isEmpty() && lines.get(lines.size() - 1) == line) {
                recent.record(record);
            }
            writeAnonymous(lines);
            return;
        }
        recent.record(record);
        if (file != null) {
            file.write(List.of(record.toJsonLine()));
        }
    }

    /** Writes the summaries of a minute that is over. */
    synchronized void flush() {
        writeAnonymous(anonymous.flush(clock.instant()));
    }

    private void writeAnonymous(List<String> lines) {
        if (anonymousFile != null && !lines.isEmpty()) {
            anonymousFile.write(lines);
        }
    }

    /** The newest records, oldest first. */
    List<AuditRecord> recent() {
        return recent.recent();
    }

    @Override
    public synchronized void close() {
        flusher.shutdownNow();
        writeAnonymous(anonymous.flush(java.time.Instant.MAX));
        if (file != null) {
            file.close();
        }
        if (anonymousFile != null) {
            anonymousFile.close();
        }
    }
}
