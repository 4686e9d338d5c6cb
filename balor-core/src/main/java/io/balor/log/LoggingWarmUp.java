package io.balor.log;

import java.text.MessageFormat;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * Loads, at start, what writing a log line needs later, so that an event loop logging a failure
 * never has to open a file or initialise a class then. Why: the first line a loop logs may be
 * "Too many open files", and the JDK's default log format prints the local time, whose time-zone
 * rules ({@code tzdb.dat}) are read from a file on first use; with no descriptor left their
 * provider failed to initialise ({@code ExceptionInInitializerError}, then
 * {@code NoClassDefFoundError} for every later line).
 *
 * <p>It initialises the logging backend ({@code System.getLogger}, which reads its configuration
 * file), the default zone's rules, the formatting of a date the way {@code SimpleFormatter} does,
 * message formats, and the classes of Balor's own event records. The daemon also formats one
 * record through {@code java.util.logging} itself, which core does not depend on.
 *
 * <p>Any thread; runs its work once per process.
 */
public final class LoggingWarmUp {

    private static volatile boolean done;

    private LoggingWarmUp() {
    }

    /** Does the warm-up if no one has yet. Never throws: a failure here only means less was preloaded. */
    public static void run() {
        if (done) {
            return;
        }
        try {
            System.getLogger(LoggingWarmUp.class.getName()).isLoggable(System.Logger.Level.INFO);
            ZoneId zone = ZoneId.systemDefault();
            zone.getRules();
            ZonedDateTime now = ZonedDateTime.now(zone);
            String.format(Locale.getDefault(), "%1$tb %1$td, %1$tY %1$tl:%1$tM:%1$tS %1$Tp %2$s%n%4$s: %5$s%6$s%n",
                    now, "source", "logger", "INFO", "message", new IllegalStateException("warm-up").toString());
            MessageFormat.format("{0} {1}", "warm-up", 1);
            new EventLog(1, java.time.Clock.systemUTC()).record(System.Logger.Level.INFO, "warm-up", "warm-up");
            done = true;
        } catch (RuntimeException | Error e) {
            // Nothing to lose: a later log line would meet the same problem and is guarded there.
        }
    }
}
