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
 * lines at hand and counts them; the next batch tries again, at most every few seconds. Writer
 * thread only, except {@link #dropped()}.
 */
final class LogFiles {

    private static final long RETRY_NANOS = 5_000_000_000L;

    private final Path directory;
    private final String name;
    private final long maxBytes;
    private final int keep;
    private OutputStream out;
    private long size;
    private long failedAt;
    private boolean failed;
    private volatile long dropped;

    LogFiles(Path directory, String name, long maxBytes, int keep) {
        this.directory = directory;
        this.name = name;
        this.maxBytes = maxBytes;
        this.keep = keep;
    }

    long dropped() {
        return dropped;
    }

    void write(List<String> lines) {
        if (failed && System.nanoTime() - failedAt < RETRY_NANOS) {
            dropped += lines.size();
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
            failed = false;
        } catch (IOException | RuntimeException e) {
            dropped += lines.size() - done;
            failed = true;
            failedAt = System.nanoTime();
            closeQuietly();
        }
    }

    void close() {
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
