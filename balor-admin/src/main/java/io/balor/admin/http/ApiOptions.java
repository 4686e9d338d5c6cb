package io.balor.admin.http;

import java.time.Clock;
import java.util.Objects;

/**
 * How an {@link ApiServer} runs: who authenticates callers, where audit records go, the clock for
 * their times, and its limits. Validated on construction, changed with {@code withX(..)};
 * immutable, any thread.
 *
 * <p>The per-connection timeouts and header limits are not here: jdk.httpserver reads them only
 * from JVM-wide system properties, see {@link ApiServer#applyTimeoutDefaults()}.
 *
 * @param authentication   turns credentials into a principal (null when none or invalid)
 * @param audit            receives one record per request that is not GET or HEAD
 * @param clock            wall time for audit records
 * @param maxBodyBytes     the longest request body read, 1 MiB by default; a longer one gets 413
 * @param threads          worker threads that serve requests (4)
 * @param queueCapacity    requests that may wait for a worker (32); more get a quick 503
 * @param stopDelaySeconds how long {@link ApiServer#close()} lets requests in progress finish (1)
 */
public record ApiOptions(Authentication authentication, AuditSink audit, Clock clock, int maxBodyBytes,
                         int threads, int queueCapacity, int stopDelaySeconds) {

    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
    public static final int DEFAULT_THREADS = 4;
    public static final int DEFAULT_QUEUE_CAPACITY = 32;
    public static final int DEFAULT_STOP_DELAY_SECONDS = 1;

    public ApiOptions {
        Objects.requireNonNull(authentication, "authentication");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(clock, "clock");
        if (maxBodyBytes < 0 || maxBodyBytes > 64 << 20) {
            throw new IllegalArgumentException("maxBodyBytes must be 0..64 MiB, was " + maxBodyBytes);
        }
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("threads must be 1..64, was " + threads);
        }
        if (queueCapacity < 1 || queueCapacity > 10_000) {
            throw new IllegalArgumentException("queueCapacity must be 1..10000, was " + queueCapacity);
        }
        if (stopDelaySeconds < 0 || stopDelaySeconds > 60) {
            throw new IllegalArgumentException("stopDelaySeconds must be 0..60, was " + stopDelaySeconds);
        }
    }

    /** The defaults above, with the system UTC clock. */
    public static ApiOptions defaults(Authentication authentication, AuditSink audit) {
        return new ApiOptions(authentication, audit, Clock.systemUTC(), DEFAULT_MAX_BODY_BYTES, DEFAULT_THREADS,
                DEFAULT_QUEUE_CAPACITY, DEFAULT_STOP_DELAY_SECONDS);
    }

    public ApiOptions withClock(Clock value) {
        return new ApiOptions(authentication, audit, value, maxBodyBytes, threads, queueCapacity, stopDelaySeconds);
    }

    public ApiOptions withMaxBodyBytes(int value) {
        return new ApiOptions(authentication, audit, clock, value, threads, queueCapacity, stopDelaySeconds);
    }

    public ApiOptions withThreads(int value) {
        return new ApiOptions(authentication, audit, clock, maxBodyBytes, value, queueCapacity, stopDelaySeconds);
    }

    public ApiOptions withQueueCapacity(int value) {
        return new ApiOptions(authentication, audit, clock, maxBodyBytes, threads, value, stopDelaySeconds);
    }

    public ApiOptions withStopDelaySeconds(int value) {
        return new ApiOptions(authentication, audit, clock, maxBodyBytes, threads, queueCapacity, value);
    }
}
