package io.balor.admin.state;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} of a process in the middle of a stream of saves leaves a state file that loads,
 * every time: the old complete file or the new one, never a torn one. The kill lands at a random
 * moment after the writer has started saving.
 */
class StateFileCrashTest {

    private static final int KILLS = 12;

    @TempDir
    Path dir;

    @Test
    void killMinusNineDuringWritesAlwaysLeavesALoadableFile() throws Exception {
        Path file = dir.resolve("balor_state.json");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int round = 0; round < KILLS; round++) {
            Process child = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xshare:auto", "-cp",
                    System.getProperty("java.class.path"), StateWriterChild.class.getName(), file.toString())
                    .redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
                assertEquals("saving", out.readLine(), "the child started saving");
                // Let it save for a random number of further saves' worth of time: wait for the
                // file to be replaced a random number of times (its inode changes with each rename).
                int renames = ThreadLocalRandom.current().nextInt(1, 40);
                Object last = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (renames > 0 && System.nanoTime() < deadline) {
                    Object now = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
                    if (!now.equals(last)) {
                        renames--;
                        last = now;
                    }
                    Thread.onSpinWait();
                }
                assertEquals(0, renames, "the child kept saving");
            } finally {
                child.destroyForcibly();   // SIGKILL on POSIX: no shutdown hooks, no flushing
                assertTrue(child.waitFor(20, TimeUnit.SECONDS), "the child died");
            }
            assertEquals(137, child.exitValue(), "killed by SIGKILL");
            BalorState loaded = StateFile.load(file);
            assertEquals(1, loaded.config().listeners().size(), "round " + round + ": a whole state");
            assertEquals(loaded.config(), StateWriterChild.config(
                    Integer.parseInt(loaded.config().listeners().get(0).name().substring(1))), "exactly a state written");
        }
        List<Path> temps;
        try (Stream<Path> left = Files.list(dir)) {
            temps = left.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
            assertTrue(temps.size() <= KILLS, "at most one stray temp file per kill: " + temps);
        }
        // Issue 13: what the kills left is removed at the next start, and only that.
        assertEquals(temps.stream().sorted().toList(), StateFile.removeInterruptedSaves(file).stream().sorted().toList());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(file), left.toList());
        }
    }
}
