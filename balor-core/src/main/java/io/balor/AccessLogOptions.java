package io.balor;

import java.nio.file.Path;

/**
 * Where and how much the access log keeps: one JSON line per exchange, written by a thread of
 * its own off the loops.
 *
 * @param directory     where {@code access.log} and its rotated files go, or null to keep the
 *                      records in memory only
 * @param maxFileBytes  a file past this size is rotated ({@code access.log.1} ... ); 64 MiB
 * @param keepFiles     rotated files kept besides the current one (5)
 * @param permyriad     records kept per 10,000 exchanges, 1..10,000 (clamped); changeable while
 *                      running with {@link Balor#accessLogSampling(int)}
 * @param recent        records kept in memory for {@link Balor#recentAccessLog(int)} (1,000)
 */
public record AccessLogOptions(Path directory, long maxFileBytes, int keepFiles, int permyriad, int recent) {

    /** In memory only, every exchange, the last 1,000 records. */
    public static final AccessLogOptions MEMORY = new AccessLogOptions(null, 64L << 20, 5, 10_000, 1_000);

    public AccessLogOptions {
        if (maxFileBytes < 1024) {
            throw new IllegalArgumentException("maxFileBytes must be at least 1 KiB, was " + maxFileBytes);
        }
        if (keepFiles < 0 || keepFiles > 1000) {
            throw new IllegalArgumentException("keepFiles must be between 0 and 1000, was " + keepFiles);
        }
        if (recent < 0 || recent > 1_000_000) {
            throw new IllegalArgumentException("recent must be between 0 and 1000000, was " + recent);
        }
        permyriad = clamp(permyriad);
    }

    /** Files in {@code directory}, with the other settings as they are. */
    public AccessLogOptions inDirectory(Path value) {
        return new AccessLogOptions(value, maxFileBytes, keepFiles, permyriad, recent);
    }

    public AccessLogOptions withRotation(long bytes, int keep) {
        return new AccessLogOptions(directory, bytes, keep, permyriad, recent);
    }

    public AccessLogOptions withPermyriad(int value) {
        return new AccessLogOptions(directory, maxFileBytes, keepFiles, value, recent);
    }

    /** 1..10,000, as the original Balor clamps its trace sampling. */
    public static int clamp(int permyriad) {
        return Math.max(1, Math.min(10_000, permyriad));
    }
}
