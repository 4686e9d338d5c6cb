package io.balor.upstream;

import io.balor.LogEvent;
import io.balor.log.EventLog;
import org.junit.jupiter.api.Test;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FailureEvents} on explicit ticker times: one event per 10 s per upstream, the failures
 * held back named in the next. The event log is the process's: each test uses an id of its own.
 */
class FailureEventsTest {

    private static final long SECOND = 1_000_000_000L;

    private static List<String> messages(String id) {
        return EventLog.process().recent(Integer.MAX_VALUE, Level.ALL).stream()
                .filter(event -> event.message().startsWith("upstream " + id)).map(LogEvent::message).toList();
    }

    @Test
    void atMostOnePerIntervalAndTheNextCountsTheOthers() {
        String id = "p/" + UUID.randomUUID();
        FailureEvents events = new FailureEvents();
        long start = 123 * SECOND;
        assertTrue(events.report(id, UpstreamError.CONNECT_REFUSED, start));
        for (int i = 1; i <= 37; i++) {
            assertFalse(events.report(id, UpstreamError.CONNECT_REFUSED, start + i * 100_000_000L));
        }
        assertFalse(events.report(id, UpstreamError.RESET, start + 10 * SECOND - 1));
        assertTrue(events.report(id, UpstreamError.RESET, start + 12 * SECOND));
        assertFalse(events.report(id, UpstreamError.RESET, start + 13 * SECOND));
        assertTrue(events.report(id, UpstreamError.CLOSED, start + 40 * SECOND));
        assertEquals(List.of("upstream " + id + ": connect_refused",
                "upstream " + id + ": upstream_reset (and 38 more since the previous report, 12 s ago)",
                "upstream " + id + ": upstream_closed (and 1 more since the previous report, 28 s ago)"), messages(id));
        LogEvent first = EventLog.process().recent(Integer.MAX_VALUE, Level.ALL).stream()
                .filter(event -> event.message().startsWith("upstream " + id)).findFirst().orElseThrow();
        assertEquals("upstream", first.source());
        assertEquals(Level.WARNING, first.level());
    }

    @Test
    void eachUpstreamHasItsOwnInterval() {
        String a = "p/" + UUID.randomUUID();
        String b = "p/" + UUID.randomUUID();
        FailureEvents first = new FailureEvents();
        FailureEvents second = new FailureEvents();
        assertTrue(first.report(a, UpstreamError.CONNECT_TIMEOUT, 0));
        assertTrue(second.report(b, UpstreamError.CONNECT_TIMEOUT, 0), "another upstream is not held back");
        assertEquals(1, messages(a).size());
        assertEquals(1, messages(b).size());
    }
}
