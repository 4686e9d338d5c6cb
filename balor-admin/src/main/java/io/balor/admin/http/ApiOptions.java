package io.balor.admin.http;

import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * How an {@link ApiServer} runs: who authenticates callers, where audit records go, the clock for
 * their times, the names it answers to, and its limits. Validated on construction, changed with
 * {@code withX(..)}; immutable, any thread.
 *
 * <p>The per-connection timeouts and header limits are not here: jdk.httpserver reads them only
 * from JVM-wide system properties, see {@link ApiServer#applyTimeoutDefaults()}.
 *
 * @param authentication   turns credentials into a principal (null when none or invalid)
 * @param audit            receives the records {@link ApiDispatcher} decides to keep
 * @param clock            wall time for audit records
 * @param maxBodyBytes     the longest request body read, 1 MiB by default; a longer one gets 413
 * @param threads          the most worker threads serving requests at once (512); idle ones end
 *                         after a while, and a request that finds all busy gets a quick 503
 * @param stopDelaySeconds how long {@link ApiServer#close()} lets requests in progress finish (1)
 * @param hostNames        names besides the bind address, {@code localhost}, {@code 127.0.0.1}
 *                         and {@code [::1]} that a request's {@code Host} may carry
 *                         ({@code BALOR_ADMIN_HOSTS}; see {@link AllowedHosts})
 * @param perClient        the most connections one client address keeps open (64; 0 for no cap;
 *                         see {@link ConnectionReaper})
 */
public record ApiOptions(Authentication authentication, AuditSink audit, Clock clock, int maxBodyBytes,
                         int threads, int stopDelaySeconds, List<String> hostNames, int perClient) {

    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
    public static final int DEFAULT_THREADS = 512;
    public static final int DEFAULT_STOP_DELAY_SECONDS = 1;
    public static final int DEFAULT_PER_CLIENT = 64;

    public ApiOptions {
        Objects.requireNonNull(authentication, "authentication");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(clock, "clock");
        hostNames = List.copyOf(hostNames);
        if (maxBodyBytes < 0 || maxBodyBytes > 64 << 20) {
            throw new IllegalArgumentException("maxBodyBytes must be 0..64 MiB, was " + maxBodyBytes);
        }
        if (threads < 1 || threads > 4096) {
            throw new IllegalArgumentException("threads must be 1..4096, was " + threads);
        }
        if (stopDelaySeconds < 0 || stopDelaySeconds > 60) {
            throw new IllegalArgumentException("stopDelaySeconds must be 0..60, was " + stopDelaySeconds);
        }
        if (perClient < 0) {
            throw new IllegalArgumentException("perClient must not be negative, was " + perClient);
        }
        for (String name : hostNames) {
            String problem = AllowedHosts.nameProblem(name);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }
    }

    /** The defaults above, with the system UTC clock and no extra host names. */
    public static ApiOptions defaults(Authentication authentication, AuditSink audit) {
        return new ApiOptions(authentication, audit, Clock.systemUTC(), DEFAULT_MAX_BODY_BYTES, DEFAULT_THREADS,
                DEFAULT_STOP_DELAY_SECONDS, List.of(), DEFAULT_PER_CLIENT);
    }

    public ApiOptions withAuthentication(Authentication value) {
        return new ApiOptions(value, audit, clock, maxBodyBytes, threads, stopDelaySeconds, hostNames, perClient);
    }

    public ApiOptions withAudit(AuditSink value) {
        return new ApiOptions(authentication, value, clock, maxBodyBytes, threads, stopDelaySeconds, hostNames, perClient);
    }

    public ApiOptions withClock(Clock value) {
        return new ApiOptions(authentication, audit, value, maxBodyBytes, threads, stopDelaySeconds, hostNames, perClient);
    }

    public ApiOptions withMaxBodyBytes(int value) {
        return new ApiOptions(authentication, audit, clock, value, threads, stopDelaySeconds, hostNames, perClient);
    }

    public ApiOptions withThreads(int value) {
        return new ApiOptions(authentication, audit, clock, maxBodyBytes, value, stopDelaySeconds, hostNames, perClient);
    }

    public ApiOptions withStopDelaySeconds(int value) {
        return new ApiOptions(authentication, audit, clock, maxBodyBytes, threads, value, hostNames, perClient);
    }

    public ApiOptions withHostNames(List<String> value) {
        return new ApiOptions(authentication, audit, clock, maxBodyBytes, threads, stopDelaySeconds, value, perClient);
    }

    public ApiOptions withPerClient(int value) {
        return new ApiOptions(authentication, audit, clock, maxBodyBytes, threads, stopDelaySeconds, hostNames, value);
    }
}
