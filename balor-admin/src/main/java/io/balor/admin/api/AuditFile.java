package io.balor.admin.api;

import io.balor.LogFile;
import io.balor.admin.http.AuditRecord;
import io.balor.admin.http.AuditRing;
import io.balor.admin.http.AuditSink;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the admin API's audit records go: {@code audit.log} in the log directory (JSON lines,
 * rotated by size like the other logs) and the newest 1,000 in memory. Changes are rare (an
 * operator's clicks), so a record is written on the worker thread that served the change, under
 * this object's lock; a file that cannot be written drops the line and counts it
 * ({@link LogFile}). Thread-safe.
 */
final class AuditFile implements AuditSink, AutoCloseable {

    private final AuditRing recent = new AuditRing(1_000);
    private final LogFile file;

    /** @param directory the log directory, or null to keep records in memory only */
    AuditFile(Path directory, long maxFileBytes, int keepFiles) {
        this.file = directory == null ? null : new LogFile(directory, "audit.log", maxFileBytes, keepFiles);
    }

    @Override
    public synchronized void record(AuditRecord record) {
        recent.record(record);
        if (file != null) {
            file.write(List.of(record.toJsonLine()));
        }
    }

    /** The newest records, oldest first. */
    List<AuditRecord> recent() {
        return recent.recent();
    }

    @Override
    public synchronized void close() {
        if (file != null) {
            file.close();
        }
    }
}
