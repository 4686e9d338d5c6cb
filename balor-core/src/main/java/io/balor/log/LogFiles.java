package io.balor.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import io.balor.FileModes;
import io.balor.LogRetention;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A log file that rotates by size: {@code name} is written until it passes {@code maxBytes},
 * then it becomes {@code name.1} (older ones move up, and those its {@link LogRetention} does not
 * keep are deleted, oldest first) and a new one starts. The directory and the files are created
 * owner-only ({@link FileModes}). Any failure (a full disk, a directory that cannot be written) drops the
 * lines at hand and counts them; the next batch tries again, at most every few seconds. The
 * first failure of a run of them is one {@code WARNING} event (source {@code log}), and writing
 * again after one is an {@code INFO} event, so a directory that stays unwritable is reported once.
 * Writer thread only, except {@link #dropped()}. Public for {@link io.balor.LogFile}.
 */
public final class LogFiles {

    private static final EventLogger LOG = EventLogger.of("log", LogFiles.class.getName());

    private static final long RETRY_NANOS = 5_000_000_000L;

    private final Path directory;
    private final String name;
    private final long maxBytes;
    private final LogRetention retention;
    private OutputStream out;
    private long size;
    private long failedAt;
    private boolean failed;
    /** Lines dropped since the first failure of the current run of them. */
    private long droppedWhileFailing;
    private volatile long dropped;

    /** The most rotated files looked at: a name past {@code name.10000} is never made. */
    private static final int MAX_INDEX = 10_000;

    public LogFiles(Path directory, String name, long maxBytes, LogRetention retention) {
        this.directory = directory;
        this.name = name;
        this.maxBytes = maxBytes;
        this.retention = retention;
    }

    /** Lines lost to failures so far. Any thread. */
    public long dropped() {
        return dropped;
    }

    /** Appends {@code lines}, rotating first when the file would pass its size; never throws. */
    public void write(List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        if (failed && System.nanoTime() - failedAt < RETRY_NANOS) {
            dropped += lines.size();
            droppedWhileFailing += lines.size();
            return;
        }
        int done = 0;
        try {
            for (String line : lines) {
                byte[] bytes = line.getBytes(StandardCharsets.UTF_8);   // the lines are ASCII (escaped)
                if (out == null || size + bytes.length + 1 > maxBytes && size > 0) {
                    rotate();
                }
                out.write(bytes);
                out.write('\n');
                size += bytes.length + 1;
                done++;
            }
            out.flush();
            if (failed) {
                failed = false;
                LOG.log(System.Logger.Level.INFO, "writing " + directory.resolve(name) + " again ("
                        + droppedWhileFailing + " lines were dropped)");
            }
        } catch (IOException | RuntimeException e) {
            dropped += lines.size() - done;
            if (!failed) {
                droppedWhileFailing = 0;
                LOG.log(System.Logger.Level.WARNING, "cannot write " + directory.resolve(name) + " (" + e
                        + "); its lines are dropped and counted, and writing is tried again every "
                        + RETRY_NANOS / 1_000_000_000L + " s");
            }
            droppedWhileFailing += lines.size() - done;
            failed = true;
            failedAt = System.nanoTime();
            closeQuietly();
        }
    }

    public void close() {
        closeQuietly();
    }

    private void rotate() throws IOException {
        Path current = directory.resolve(name);
        if (out != null) {
            closeQuietly();
            int last = 0;
            while (last < MAX_INDEX && Files.exists(rotated(last + 1))) {
                last++;
            }
            if (last == MAX_INDEX) {
                Files.deleteIfExists(rotated(last--));
            }
            for (int i = last; i >= 1; i--) {
                Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(current, rotated(1), StandardCopyOption.REPLACE_EXISTING);
            prune(last + 1);
        }
        out = new java.io.BufferedOutputStream(FileModes.openAppend(current), 64 * 1024);
        size = Files.size(current);
    }

    /** Deletes the rotated files (1..{@code last}) the retention does not keep: the first one it drops and all older. */
    private void prune(int last) throws IOException {
        long newer = 0;
        long now = System.currentTimeMillis();
        for (int i = 1; i <= last; i++) {
            Path file = rotated(i);
            long bytes = Files.size(file);
            java.time.Duration age = java.time.Duration.ofMillis(Math.max(0,
                    now - Files.getLastModifiedTime(file).toMillis()));
            if (!retention.keeps(i, newer, bytes, age)) {
                for (int j = last; j >= i; j--) {
                    Files.deleteIfExists(rotated(j));
                }
                return;
            }
            newer += bytes;
        }
    }

    private Path rotated(int index) {
        return directory.resolve(name + "." + index);
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the lines in it are counted by the caller
            }
            out = null;
        }
    }
}
