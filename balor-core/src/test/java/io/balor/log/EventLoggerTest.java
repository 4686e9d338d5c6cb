package io.balor.log;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ResourceBundle;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EventLogger} never throws into its caller (an event loop): a backend that fails, as the
 * JDK's did when its time-zone rules could not be read for want of a file descriptor, only loses
 * its line. The event log keeps the event.
 */
class EventLoggerTest {

    /** A backend that fails the way a class that could not initialise does. */
    private static final class BrokenLogger implements System.Logger {
        @Override
        public String getName() {
            return "broken";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            throw new NoClassDefFoundError("Could not initialize class java.time.zone.ZoneRulesProvider");
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            throw new ExceptionInInitializerError("tzdb.dat: Too many open files");
        }
    }

    @Test
    void aFailingBackendNeverReachesTheCaller() {
        EventLog events = new EventLog(16, Clock.systemUTC());
        EventLogger logger = new EventLogger("listener", new BrokenLogger(), events);
        long before = EventLogger.failures();

        logger.log(System.Logger.Level.WARNING, "accept on 127.0.0.1:80 failed: Too many open files");
        logger.log(System.Logger.Level.ERROR, "handler failed", new IllegalStateException("x"));
        logger.log(System.Logger.Level.INFO, "{0} failed accepts", 3);
        logger.log(System.Logger.Level.INFO, (Supplier<String>) () -> "supplied");

        assertEquals(4, events.recorded(), "the event log keeps every event");
        assertEquals("3 failed accepts", events.recent(16, System.Logger.Level.ALL).get(2).message());
        assertTrue(EventLogger.failures() - before >= 4, "each lost line is counted");
    }
}
