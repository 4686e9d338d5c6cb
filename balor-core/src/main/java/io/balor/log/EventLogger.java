package io.balor.log;

import java.text.MessageFormat;
import java.util.Objects;
import java.util.ResourceBundle;

/**
 * The {@link System.Logger} of one part of Balor that also records each event into the process's
 * {@link EventLog} under a short source name ({@code tls}, {@code health}, {@code loop},
 * {@code listener}, {@code log}). Every event still goes to {@code System.getLogger(name)} as
 * before, so an embedder's logging configuration decides what is printed where (the daemon's
 * stderr shows each one once); the event log keeps every event whatever that configuration says.
 *
 * <p>Why it is a {@code System.Logger} itself rather than a helper beside one: the JDK's logging
 * names the caller of a record by skipping the frames of {@code System.Logger} implementations,
 * so the printed record still says {@code io.balor.tls.CertificateEntry refresh}, not this class.
 *
 * <p>It never throws: whatever the event log or the underlying logger throws (a backend that
 * needs a file descriptor the process has run out of, a class that failed to initialise) is
 * dropped and counted ({@link #failures()}), because its callers include the event loops, for
 * which a log line is never worth the thread. {@link LoggingWarmUp} makes that unlikely.
 *
 * <p>Immutable; any thread. What the underlying logger does on the calling thread is the
 * embedder's choice (the JDK's default prints to stderr), as it was before the event log.
 */
public final class EventLogger implements System.Logger {

    private static final java.util.concurrent.atomic.AtomicLong FAILURES = new java.util.concurrent.atomic.AtomicLong();

    private final String source;
    private final System.Logger logger;
    private final EventLog log;

    EventLogger(String source, System.Logger logger, EventLog log) {
        this.source = Objects.requireNonNull(source);
        this.logger = Objects.requireNonNull(logger);
        this.log = Objects.requireNonNull(log);
    }

    /** The logger of {@code source}: {@code System.getLogger(loggerName)} and the process's event log. */
    public static EventLogger of(String source, String loggerName) {
        return new EventLogger(source, System.getLogger(loggerName), EventLog.process());
    }

    @Override
    public String getName() {
        return logger.getName();
    }

    @Override
    public boolean isLoggable(Level level) {
        return logger.isLoggable(level);
    }

    /** The event log keeps the message and the exception's one-line description; the logger gets the stack trace. */
    /** Log calls whose event record or underlying logger threw, in this process. */
    public static long failures() {
        return FAILURES.get();
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
        try {
            log.record(level, source, thrown == null ? message : message + ": " + thrown);
        } catch (Throwable e) {
            FAILURES.incrementAndGet();
        }
        try {
            logger.log(level, bundle, message, thrown);
        } catch (Throwable e) {
            FAILURES.incrementAndGet();
        }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        try {
            log.record(level, source, params == null || params.length == 0 ? format : MessageFormat.format(format, params));
        } catch (Throwable e) {
            FAILURES.incrementAndGet();
        }
        try {
            logger.log(level, bundle, format, params);
        } catch (Throwable e) {
            FAILURES.incrementAndGet();
        }
    }
}
