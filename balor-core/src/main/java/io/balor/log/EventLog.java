package io.balor.log;

import io.balor.LogEvent;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The newest of Balor's own {@link LogEvent}s, kept in memory for the console's live log view and
 * for the daemon's {@code events.log}: a ring of fixed size, so a storm of events (an accept that
 * keeps failing) overwrites the oldest ones, which are counted ({@link #overwritten()}), and never
 * grows memory.
 *
 * <p>Threads: any thread records (the loops, the supervisor, the health-check and TLS-reload
 * threads, the access-log writer) and any thread reads. One small lock guards the ring; under it a
 * recorder only numbers the event and stores it (no I/O, no formatting, no waiting), so a loop
 * that logs waits at most for another thread's store or for a reader's copy of at most
 * {@link #CAPACITY} references. Events are rare (errors, health transitions, certificate loads),
 * so the lock is not on any per-request path. Nothing here writes files: sinks poll
 * ({@link #recent}) on threads of their own.
 *
 * <p>Why one ring per process ({@link #process()}) rather than one per {@code Balor}: the places
 * that log (an {@code EventLoop}, an {@code Acceptor}, a {@code CertificateEntry}, the health
 * checker) have no handle on the {@code Balor} that owns them, and already log to the
 * process-wide {@link System.Logger}; a per-instance ring would mean threading it through each of
 * their constructors and the supervisor's wiring for the sake of the rare process that runs two
 * Balors. So this is the process's log, as a logging framework's would be: with two Balors in one
 * JVM each sees both's events, which name their listener, upstream or file. Instances of its own
 * ({@link #EventLog(int, Clock)}) are for tests.
 */
public final class EventLog {

    /** Events the process keeps. */
    public static final int CAPACITY = 1024;

    private static final EventLog PROCESS = new EventLog(CAPACITY, Clock.systemUTC());

    private final LogEvent[] ring;
    private final Clock clock;
    /** Events recorded so far, the sequence of the newest; guarded by {@code this}. */
    private long recorded;

    public EventLog(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.ring = new LogEvent[capacity];
        this.clock = clock;
    }

    /** The process's event log, which Balor's own code records into. */
    public static EventLog process() {
        return PROCESS;
    }

    /** Records one event, overwriting the oldest when full. Any thread; never blocks for long. */
    public void record(System.Logger.Level level, String source, String message) {
        java.time.Instant time = clock.instant();
        synchronized (this) {
            long sequence = ++recorded;
            ring[(int) ((sequence - 1) % ring.length)] = new LogEvent(sequence, time, level, source, message);
        }
    }

    /**
     * The newest {@code max} events at or above {@code minimum} ({@code Level.ALL} for every one),
     * oldest first. Any thread.
     */
    public List<LogEvent> recent(int max, System.Logger.Level minimum) {
        int wanted = minimum.getSeverity();
        List<LogEvent> newestFirst = new ArrayList<>();
        synchronized (this) {
            long oldest = Math.max(1, recorded - ring.length + 1);
            for (long sequence = recorded; sequence >= oldest && newestFirst.size() < max; sequence--) {
                LogEvent event = ring[(int) ((sequence - 1) % ring.length)];
                if (event.level().getSeverity() >= wanted) {
                    newestFirst.add(event);
                }
            }
        }
        Collections.reverse(newestFirst);
        return Collections.unmodifiableList(newestFirst);
    }

    /** Events recorded since the start. */
    public synchronized long recorded() {
        return recorded;
    }

    /** Events overwritten by newer ones before anyone could have wanted them (recorded beyond the capacity). */
    public synchronized long overwritten() {
        return Math.max(0, recorded - ring.length);
    }
}
