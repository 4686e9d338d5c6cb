package io.balor;

import io.balor.log.LogFiles;

import java.nio.file.Path;
import java.util.List;

/**
 * A file of text lines that rotates by size exactly as the access log's does, for an embedder's
 * own logs (the daemon writes Balor's events to {@code events.log} with it): {@code name} grows
 * to {@code maxFileBytes}, then becomes {@code name.1} (older ones move up, those past its
 * {@link LogRetention} are deleted) and a new one starts; the directory is created when missing
 * (mode 0700) and so are the files (mode 0600: see {@link FileModes}).
 *
 * <p>A failure (a full disk, a directory that cannot be written) never throws: the lines at hand
 * are dropped and counted ({@link #dropped()}), the first failure of a run is one {@code WARNING}
 * {@link LogEvent} (and so one line in the process's {@link System.Logger}), and writing is tried
 * again every few seconds.
 *
 * <p>Threads: {@link #write} does file I/O on the calling thread, so call it (and {@link #close})
 * from one thread of your own, never from a thread that serves traffic; {@link #dropped()} from
 * any thread.
 */
public final class LogFile implements AutoCloseable {

    private final LogFiles files;

    /**
     * @param directory    where the files go (created at the first write)
     * @param name         the current file's name, e.g. {@code events.log}
     * @param maxFileBytes at least 1 KiB
     * @param keepFiles    rotated files kept, 0..1000
     */
    public LogFile(Path directory, String name, long maxFileBytes, int keepFiles) {
        this(directory, name, maxFileBytes, LogRetention.files(keepFiles));
    }

    /** A log file whose rotated files are kept by {@code retention}. */
    public LogFile(Path directory, String name, long maxFileBytes, LogRetention retention) {
        if (directory == null || name == null || name.isEmpty() || name.contains("/") || retention == null) {
            throw new IllegalArgumentException("a directory, a plain file name and a retention are required");
        }
        if (maxFileBytes < 1024) {
            throw new IllegalArgumentException("maxFileBytes must be at least 1 KiB, was " + maxFileBytes);
        }
        this.files = new LogFiles(directory, name, maxFileBytes, retention);
    }

    /** Appends the lines (each without its newline), rotating when the file would pass its size. */
    public void write(List<String> lines) {
        files.write(lines);
    }

    /** Lines lost to failures so far. Any thread. */
    public long dropped() {
        return files.dropped();
    }

    @Override
    public void close() {
        files.close();
    }
}
