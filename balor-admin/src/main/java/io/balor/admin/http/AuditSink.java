package io.balor.admin.http;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where the {@link ApiServer} sends one {@link AuditRecord} per change request (any method but
 * GET and HEAD), refused ones included. Called on the worker thread that served the request,
 * after the response is decided and before it is written, so several calls may run at once: an
 * implementation is thread-safe and quick (hand slow I/O to a writer thread). An exception it
 * throws is logged and does not change the response.
 */
@FunctionalInterface
public interface AuditSink {

    void record(AuditRecord record);

    /**
     * A sink that formats each record as one JSON line ({@link AuditRecord#toJsonLine()}, without
     * the newline) and hands it to {@code lines} (for example a writer that appends it and a
     * {@code '\n'} to {@code audit.log}). {@code lines} must be thread-safe.
     */
    static AuditSink jsonLines(Consumer<String> lines) {
        Objects.requireNonNull(lines, "lines");
        return record -> lines.accept(record.toJsonLine());
    }
}
