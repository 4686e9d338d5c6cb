package io.balor.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A log file that rotates by size: {@code name} is written until it passes {@code maxBytes},
 * then it becomes {@code name.1} (older ones move up, the oldest past {@code keep} is deleted)
 * and a new one starts. Any failure (a full disk, a directory that cannot be written) drops the
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
    private final int keep;
    private OutputStream out;
    private long size;
    private long failedAt;
    private boolean failed;
    /** Lines dropped since the first failure of the current run of them. */
    private long droppedWhileFailing;
    private volatile long dropped;

    public LogFiles(Path directory, String name, long maxBytes, int keep) {
        this.directory = directory;
        this.name = name;
        this.maxBytes = maxBytes;
        this.keep = keep;
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
            if (keep == 0) {
                Files.deleteIfExists(current);
            } else {
                Files.deleteIfExists(directory.resolve(name + "." + keep));
                for (int i = keep - 1; i >= 1; i--) {
                    Path older = directory.resolve(name + "." + i);
                    if (Files.exists(older)) {
                        Files.move(older, directory.resolve(name + "." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                Files.move(current, directory.resolve(name + ".1"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.createDirectories(directory);
        out = new java.io.BufferedOutputStream(
                Files.newOutputStream(current, StandardOpenOption.CREATE, StandardOpenOption.APPEND), 64 * 1024);
        size = Files.size(current);
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
