package io.balor.log;

import io.balor.AccessLogOptions;
import io.balor.http.Method;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 12: {@code /api/logs?limit=3} gave access lines out of time order, because the writer
 * took one loop's ring after the other and kept that order. Lines come back in the time order
 * of their exchanges' ends, newest last, whichever loop recorded them.
 */
class AccessLogOrderTest {

    private static final long SECOND = 1_795_000_000_000L;

    /** Three loops record in turn (this thread plays each loop in turn: one producer per ring). */
    @Test
    void linesFromSeveralLoopsComeBackInTimeOrder() {
        AccessLog log = new AccessLog(AccessLogOptions.MEMORY, 3);
        for (int k = 0; k < 30; k++) {
            // Every exchange in its own millisecond but the last six, which share one: there the
            // loops' clock decides.
            long millis = SECOND + Math.min(k, 24);
            record(log.shard(k % 3), millis, 1_000L * k, "/" + k);
        }
        log.close();   // drains what waits, then stops the writer
        List<String> expected = new ArrayList<>();
        for (int k = 0; k < 30; k++) {
            expected.add("/" + k);
        }
        assertEquals(expected, paths(log.recent(100)));
        assertEquals(List.of("/27", "/28", "/29"), paths(log.recent(3)), "the newest three, newest last");
    }

    /** A line that arrives after newer ones (its ring was drained first) goes in its place. */
    @Test
    void aLateLineTakesItsPlaceAndTheOldestGoWhenFull() {
        RecentLines recent = new RecentLines(4);
        recent.addAll(List.of(line(10, "a"), line(30, "c")));
        recent.addAll(List.of(line(20, "b"), line(40, "d"), line(30, "c2")));
        assertEquals(List.of("b", "c", "c2", "d"), recent.last(10), "a is the oldest, gone when full");
        recent.addAll(List.of(line(5, "too old"), line(25, "b2")));
        assertEquals(List.of("b2", "c", "c2", "d"), recent.last(10));
        assertEquals(List.of("c2", "d"), recent.last(2));
        assertEquals(List.of(), recent.last(0));
        assertEquals(List.of(), new RecentLines(0).last(5));
    }

    /** A wall clock stepped back shows earlier times on new lines; they still come last, none dropped. */
    @Test
    void aWallClockSteppedBackChangesTheTimesNotTheOrder() {
        RecentLines recent = new RecentLines(3);
        recent.addAll(List.of(new RecentLines.Line(SECOND + 5_000, 1_000, "a"),
                new RecentLines.Line(SECOND + 5_001, 2_000, "b"), new RecentLines.Line(SECOND + 5_002, 3_000, "c")));
        recent.addAll(List.of(new RecentLines.Line(SECOND + 4_000, 4_000, "d"),
                new RecentLines.Line(SECOND + 4_001, 5_000, "e")));
        assertEquals(List.of("c", "d", "e"), recent.last(10));
    }

    private static RecentLines.Line line(long millis, String text) {
        return new RecentLines.Line(SECOND + millis, millis * 1_000_000, text);
    }

    private static void record(AccessLog.Shard shard, long millis, long endNanos, String path) {
        byte[] client = "127.0.0.1".getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = path.getBytes(StandardCharsets.US_ASCII);
        shard.record(millis, "web", null, "app", "app/127.0.0.1:1", client, client.length, Method.GET, bytes,
                bytes.length, false, 200, 10, 20, 1_000, 500, 1, endNanos, null);
    }

    private static List<String> paths(List<String> lines) {
        List<String> paths = new ArrayList<>();
        for (String line : lines) {
            int at = line.indexOf("\"path\":\"") + 8;
            paths.add(line.substring(at, line.indexOf('"', at)));
        }
        return paths;
    }
}
