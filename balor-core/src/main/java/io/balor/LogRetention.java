package io.balor;

import java.time.Duration;

/**
 * Which rotated files of a {@link LogFile} are kept. Either a count ({@link #files}: the newest
 * {@code keepFiles}, as logrotate's {@code rotate N}), or a floor ({@link #atLeast}: a rotated file
 * goes only once the newer ones already hold {@code minBytes} and it is older than {@code minAge},
 * so neither a burst of lines nor a quiet month loses history; {@code capBytes} bounds the whole).
 * A file's age is its last modification. Immutable.
 *
 * @param keepFiles rotated files kept by count, 0..1000; -1 for a floor
 * @param minBytes  a floor: bytes (the current file and newer rotated ones) always kept
 * @param minAge    a floor: rotated files younger than this are kept
 * @param capBytes  a floor: past this many bytes in all, older files go whatever their age
 */
public record LogRetention(int keepFiles, long minBytes, Duration minAge, long capBytes) {

    public LogRetention {
        if (keepFiles < -1 || keepFiles > 1000) {
            throw new IllegalArgumentException("keepFiles must be between 0 and 1000, was " + keepFiles);
        }
        if (keepFiles == -1 && (minBytes < 0 || minAge == null || minAge.isNegative() || capBytes < minBytes)) {
            throw new IllegalArgumentException("a floor needs 0 <= minBytes <= capBytes and a minAge");
        }
    }

    /** The newest {@code keepFiles} rotated files. */
    public static LogRetention files(int keepFiles) {
        if (keepFiles < 0) {
            throw new IllegalArgumentException("keepFiles must be between 0 and 1000, was " + keepFiles);
        }
        return new LogRetention(keepFiles, 0, Duration.ZERO, 0);
    }

    /** Everything within the newest {@code minBytes} or younger than {@code minAge}, up to {@code capBytes}. */
    public static LogRetention atLeast(long minBytes, Duration minAge, long capBytes) {
        return new LogRetention(-1, minBytes, minAge, capBytes);
    }

    /**
     * Whether the rotated file {@code index} (1 the newest) is kept, given the bytes of the files
     * newer than it ({@code newerBytes}, the current one included), its own size and its age.
     */
    public boolean keeps(int index, long newerBytes, long bytes, Duration age) {
        if (keepFiles >= 0) {
            return index <= keepFiles;
        }
        if (newerBytes + bytes > capBytes) {
            return false;
        }
        return newerBytes < minBytes || age.compareTo(minAge) < 0;
    }
}
