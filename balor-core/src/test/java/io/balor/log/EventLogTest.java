package io.balor.log;

import io.balor.LogEvent;
import org.junit.jupiter.api.Test;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ring of Balor's own events: bounded, counting what it overwrote, filtered by level, safe from many threads. */
class EventLogTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.678Z");
    private final EventLog log = new EventLog(4, Clock.fixed(T0, ZoneOffset.UTC));

    private static List<Long> sequences(List<LogEvent> events) {
        List<Long> numbers = new ArrayList<>();
        for (LogEvent event : events) {
            numbers.add(event.sequence());
        }
        return numbers;
    }

    @Test
    void theRingKeepsTheNewestAndCountsWhatItOverwrote() {
        assertEquals(List.of(), log.recent(10, Level.ALL));
        for (int i = 1; i <= 10; i++) {
            log.record(Level.WARNING, "listener", "event " + i);
        }
        List<LogEvent> kept = log.recent(100, Level.ALL);
        assertEquals(List.of(7L, 8L, 9L, 10L), sequences(kept), "the newest four, oldest first");
        assertEquals(new LogEvent(10, T0, Level.WARNING, "listener", "event 10"), kept.get(3));
        assertEquals(10, log.recorded());
        assertEquals(6, log.overwritten());
        assertEquals(List.of(9L, 10L), sequences(log.recent(2, Level.ALL)));
        assertEquals(List.of(), log.recent(0, Level.ALL));
    }

    @Test
    void theLevelFilterKeepsEventsAtOrAboveTheMinimum() {
        log.record(Level.ERROR, "loop", "e1");
        log.record(Level.INFO, "tls", "i1");
        log.record(Level.WARNING, "health", "w1");
        log.record(Level.DEBUG, "tls", "d1");
        assertEquals(List.of(1L, 3L), sequences(log.recent(10, Level.WARNING)));
        assertEquals(List.of(3L), sequences(log.recent(1, Level.WARNING)), "the newest one that qualifies");
        assertEquals(List.of(1L), sequences(log.recent(10, Level.ERROR)));
        assertEquals(List.of(1L, 2L, 3L), sequences(log.recent(10, Level.INFO)));
        assertEquals(List.of(1L, 2L, 3L, 4L), sequences(log.recent(10, Level.ALL)));
        assertEquals(List.of(), log.recent(10, Level.OFF));
        assertEquals(0, log.overwritten());
    }

    @Test
    void manyThreadsRecordingGetEverySequenceOnce() throws Exception {
        EventLog shared = new EventLog(1024, Clock.systemUTC());
        int threads = 4;
        int each = 20_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> recorders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String source = "t" + t;
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    shared.record(Level.WARNING, source, "accept failed");
                    if (i % 1000 == 0) {
                        shared.recent(50, Level.ALL);   // readers copy while others record
                    }
                }
            });
            thread.start();
            recorders.add(thread);
        }
        go.countDown();
        for (Thread thread : recorders) {
            thread.join();
        }
        assertEquals((long) threads * each, shared.recorded());
        assertEquals((long) threads * each - 1024, shared.overwritten(), "memory stays at the ring's size");
        List<Long> kept = sequences(shared.recent(Integer.MAX_VALUE, Level.ALL));
        assertEquals(1024, kept.size());
        for (int i = 0; i < kept.size(); i++) {
            assertEquals((long) threads * each - 1023 + i, kept.get(i));
        }
    }

    @Test
    void anEventLoggerRecordsAndStillLogsToItsSystemLogger() {
        List<String> logged = new ArrayList<>();
        System.Logger logger = new System.Logger() {
            @Override
            public String getName() {
                return "io.balor.test";
            }

            @Override
            public boolean isLoggable(Level level) {
                return true;
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
                logged.add(level + " " + message + (thrown == null ? "" : " with " + thrown.getMessage()));
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String format, Object... params) {
                logged.add(level + " " + format);
            }
        };
        EventLogger events = new EventLogger("tls", logger, log);
        events.log(Level.INFO, "loaded certificate /etc/a.pem");
        events.log(Level.ERROR, "certificate reload failed", new IllegalStateException("boom"));
        events.log(Level.WARNING, "upstream {0} is down", "app/10.0.0.1:80");
        assertEquals(List.of("INFO loaded certificate /etc/a.pem", "ERROR certificate reload failed with boom",
                "WARNING upstream {0} is down"), logged, "each event reaches the System.Logger once, as it was given");
        assertEquals("io.balor.test", events.getName());
        List<LogEvent> kept = log.recent(10, Level.ALL);
        assertEquals(3, kept.size());
        assertEquals("upstream app/10.0.0.1:80 is down", kept.get(2).message(), "formatted for the event log");
        assertEquals("tls", kept.get(0).source());
        assertEquals("loaded certificate /etc/a.pem", kept.get(0).message());
        assertEquals(Level.ERROR, kept.get(1).level());
        assertTrue(kept.get(1).message().equals("certificate reload failed: java.lang.IllegalStateException: boom"),
                kept.get(1).message());
    }
}
