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
    void directoriesAndFilesAreOwnerOnly() throws Exception {
        Path logs = dir.resolve("a/b");
        try (LogFile file = new LogFile(logs, "audit.log", 1024, 1)) {
            file.write(List.of("x".repeat(600)));
            file.write(List.of("y".repeat(600)));
        }
        assertEquals("rwx------", mode(dir.resolve("a")));
        assertEquals("rwx------", mode(logs));
        assertEquals("rw-------", mode(logs.resolve("audit.log")));
        assertEquals("rw-------", mode(logs.resolve("audit.log.1")));
    }

    private static String mode(Path path) throws Exception {
        return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void aFloorKeepsTheNewestBytesAndEveryYoungFileUpToItsCap() throws Exception {
        // Files of ~1 KiB: the floor keeps 3 KiB whatever their age, younger than a day whatever the bytes, 8 KiB at most.
        LogRetention floor = LogRetention.atLeast(3 * 1024, java.time.Duration.ofDays(1), 8 * 1024);
        try (LogFile file = new LogFile(dir, "audit.log", 1024, floor)) {
            for (int i = 0; i < 6; i++) {
                file.write(List.of("x".repeat(1000)));
            }
            assertTrue(Files.exists(dir.resolve("audit.log.5")), "young files are all kept below the cap");
            for (int i = 1; i <= 5; i++) {
                Files.setLastModifiedTime(dir.resolve("audit.log." + i), java.nio.file.attribute.FileTime.fromMillis(
                        System.currentTimeMillis() - java.time.Duration.ofDays(40).toMillis()));
            }
            file.write(List.of("y".repeat(1000)));
        }
        // After this rotation: .1 is young (it was the current file); .2 .. .4 hold the newest 3 KiB; older ones go.
        assertTrue(Files.exists(dir.resolve("audit.log.4")), "the newest 3 KiB stay, however old");
        assertFalse(Files.exists(dir.resolve("audit.log.5")), "past the floor, old files go");
        assertFalse(Files.exists(dir.resolve("audit.log.6")));
        try (LogFile file = new LogFile(dir, "capped.log", 1024, LogRetention.atLeast(0, java.time.Duration.ofDays(30), 1500))) {
            for (int i = 0; i < 6; i++) {
                file.write(List.of("x".repeat(1000)));
            }
        }
        assertTrue(Files.exists(dir.resolve("capped.log.1")));
        assertFalse(Files.exists(dir.resolve("capped.log.2")), "the cap wins over age");
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
