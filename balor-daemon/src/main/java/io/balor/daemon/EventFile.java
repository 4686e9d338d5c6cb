package io.balor.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.Balor;
import io.balor.LogEvent;
import io.balor.LogFile;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The daemon's {@code events.log}: Balor's own {@link LogEvent}s as JSON lines
 * ({@code {"time","level","source","message"}}), in the log directory beside {@code access.log}
 * and rotated the same way ({@link LogFile}).
 *
 * <p>A thread of its own ({@code balor-event-file}) polls {@link Balor#recentEvents} a few times a
 * second and writes the events whose {@link LogEvent#sequence() sequence} it has not written yet,
 * so neither the threads that record events nor the loops ever wait for the disk. Events the
 * in-memory ring overwrote before they were written (a gap in the sequence) and lines the file
 * could not take (an unwritable directory, a full disk) are dropped and counted in
 * {@link #dropped()}; the first failure of a run is one WARNING event, which the JDK's default
 * logging prints to stderr. The daemon keeps running either way.
 *
 * <p>Threads: the writer thread owns the file and {@code written}; {@link #dropped()} and
 * {@link #close()} may be called from any thread.
 */
final class EventFile implements AutoCloseable {

    static final String NAME = "events.log";

    private static final long POLL_NANOS = 100_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Balor balor;
    private final LogFile file;
    private final Thread writer;
    private volatile boolean running = true;
    private volatile long overwritten;
    /** The sequence of the last event written (or dropped); writer thread only. */
    private long written;

    private EventFile(Balor balor, LogFile file) {
        this.balor = balor;
        this.file = file;
        this.writer = new Thread(this::run, "balor-event-file");
        writer.setDaemon(true);
    }

    /** Starts writing {@code balor}'s events, those recorded before this call included. */
    static EventFile start(Balor balor, LogFile file) {
        EventFile events = new EventFile(balor, file);
        events.writer.start();
        return events;
    }

    /** Events lost: overwritten in memory before they were written, or not taken by the file. */
    long dropped() {
        return overwritten + file.dropped();
    }

    /** Writes what has not been written yet, then stops the writer and closes the file. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(writer);
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (true) {
                boolean stopping = !running;
                writeNew();
                if (stopping) {
                    return;
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        } finally {
            file.close();
        }
    }

    private void writeNew() {
        List<String> lines = new ArrayList<>();
        for (LogEvent event : balor.recentEvents(Integer.MAX_VALUE, System.Logger.Level.ALL)) {
            if (event.sequence() <= written) {
                continue;
            }
            if (event.sequence() > written + 1) {
                overwritten += event.sequence() - written - 1;   // single writer: this thread
            }
            lines.add(line(event));
            written = event.sequence();
        }
        file.write(lines);
    }

    /** One event as one line of JSON. */
    static String line(LogEvent event) {
        ObjectNode node = JSON.createObjectNode();
        node.put("time", TIME.format(event.time()));
        node.put("level", event.level().getName());
        node.put("source", event.source());
        node.put("message", event.message());
        return node.toString();
    }
}
