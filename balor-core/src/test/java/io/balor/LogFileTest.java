package io.balor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public size-rotated file the daemon writes its events.log with: the access log's rotation, and its limits. */
class LogFileTest {

    @TempDir
    Path dir;

    @Test
    void linesRotateBySizeKeepingTheirNumber() throws Exception {
        Path logs = dir.resolve("not/yet/there");
        try (LogFile file = new LogFile(logs, "events.log", 1024, 1)) {
            for (int batch = 0; batch < 30; batch++) {
                List<String> lines = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    lines.add("{\"n\":" + (batch * 3 + i) + ",\"pad\":\"" + "x".repeat(20) + "\"}");
                }
                file.write(lines);
            }
            file.write(List.of());
            assertEquals(0, file.dropped());
        }
        assertTrue(Files.exists(logs.resolve("events.log")) && Files.exists(logs.resolve("events.log.1")));
        assertFalse(Files.exists(logs.resolve("events.log.2")), "one rotated file is kept");
        String current = Files.readString(logs.resolve("events.log"));
        assertTrue(current.length() <= 1024 && current.endsWith("{\"n\":89,\"pad\":\"xxxxxxxxxxxxxxxxxxxx\"}\n"), current);
    }

    @Test
    void anUnwritableDirectoryCountsWhatItDrops() throws Exception {
        Path notADirectory = dir.resolve("file");
        Files.writeString(notADirectory, "in the way");
        try (LogFile file = new LogFile(notADirectory.resolve("logs"), "events.log", 1024, 5)) {
            file.write(List.of("a", "b"));
            file.write(List.of("c"));
            assertEquals(3, file.dropped());
        }
        assertEquals("in the way", Files.readString(notADirectory));
    }

    @Test
    void itsLimitsAreTheAccessLogs() {
        assertThrows(IllegalArgumentException.class, () -> new LogFile(dir, "events.log", 1023, 5));
        assertThrows(IllegalArgumentException.class, () -> new LogFile(dir, "events.log", 1024, -1));
        assertThrows(IllegalArgumentException.class, () -> new LogFile(dir, "events.log", 1024, 1001));
        assertThrows(IllegalArgumentException.class, () -> new LogFile(dir, "sub/events.log", 1024, 5));
        assertThrows(IllegalArgumentException.class, () -> new LogFile(null, "events.log", 1024, 5));
    }
}
