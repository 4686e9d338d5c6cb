package io.balor.admin.http;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The last {@code capacity} audit records in memory, oldest dropped first: what the console's
 * audit page and the tests read. Thread-safe (any thread records and reads; a monitor guards the
 * ring: this is the control plane, a few requests a second, not the data path).
 */
public final class AuditRing implements AuditSink {

    private final int capacity;
    private final ArrayDeque<AuditRecord> records;

    public AuditRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.records = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    @Override
    public synchronized void record(AuditRecord record) {
        if (records.size() == capacity) {
            records.removeFirst();
        }
        records.addLast(record);
    }

    /** The records held, oldest first. */
    public synchronized List<AuditRecord> recent() {
        return List.copyOf(records);
    }

    public int capacity() {
        return capacity;
    }
}
