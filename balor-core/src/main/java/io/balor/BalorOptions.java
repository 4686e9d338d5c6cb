package io.balor;

import io.balor.time.Ticker;

/**
 * How the embedding process runs Balor: things that are not part of the data-plane config and
 * do not change while it runs.
 *
 * @param loops          event-loop threads (default: available processors)
 * @param ticker         the monotonic clock the loops read (a manual one in tests)
 * @param bufferSize     bytes of one pooled direct buffer; one direction of a session holds at
 *                       most one (default 32 KiB)
 * @param highWatermark  a session stops reading from one side while this many bytes wait to be
 *                       written to the other (default: {@code bufferSize})
 * @param lowWatermark   ... and reads again once the backlog is down to this (default: a quarter)
 * @param pooledBuffers  free buffers each loop keeps for reuse at most (default 1024: an HTTP/2 stream in
 *                       flight holds four; the pool lets go each second of those no one took, so
 *                       only a burst fills it)
 * @param certificateCheckInterval how often certificate files are checked for changes (2 s)
 * @param clock          wall time, for certificate validity (the system's, UTC)
 * @param accessLog      the access log, or null for none (the default)
 * @param healthScriptDir the only directory script health checks may run programs from, or null
 *                       (the default): script checks are refused ({@link HealthScripts})
 */
public record BalorOptions(int loops, Ticker ticker, int bufferSize, int highWatermark,
                           int lowWatermark, int pooledBuffers, java.time.Duration certificateCheckInterval,
                           java.time.Clock clock, AccessLogOptions accessLog, java.nio.file.Path healthScriptDir) {

    private static final java.time.Duration DEFAULT_CERTIFICATE_CHECK = java.time.Duration.ofSeconds(2);

    /** Options with the default certificate checks and the system clock. */
    public BalorOptions(int loops, Ticker ticker, int bufferSize, int highWatermark, int lowWatermark,
                        int pooledBuffers) {
        this(loops, ticker, bufferSize, highWatermark, lowWatermark, pooledBuffers, DEFAULT_CERTIFICATE_CHECK,
                java.time.Clock.systemUTC(), null, null);
    }

    /** Options without an access log. */
    public BalorOptions(int loops, Ticker ticker, int bufferSize, int highWatermark, int lowWatermark,
                        int pooledBuffers, java.time.Duration certificateCheckInterval, java.time.Clock clock) {
        this(loops, ticker, bufferSize, highWatermark, lowWatermark, pooledBuffers, certificateCheckInterval, clock,
                null, null);
    }

    public BalorOptions {
        if (loops < 1 || loops > 1024) {
            throw new IllegalArgumentException("loops must be between 1 and 1024, was " + loops);
        }
        if (ticker == null) {
            throw new IllegalArgumentException("ticker is required");
        }
        if (bufferSize < 1024 || bufferSize > (1 << 24)) {
            throw new IllegalArgumentException("bufferSize must be between 1 KiB and 16 MiB, was " + bufferSize);
        }
        if (highWatermark < 1 || highWatermark > bufferSize) {
            throw new IllegalArgumentException("highWatermark must be between 1 and bufferSize, was " + highWatermark);
        }
        if (lowWatermark < 0 || lowWatermark >= highWatermark) {
            throw new IllegalArgumentException("lowWatermark must be below highWatermark, was " + lowWatermark);
        }
        if (pooledBuffers < 0) {
            throw new IllegalArgumentException("pooledBuffers must not be negative, was " + pooledBuffers);
        }
        if (certificateCheckInterval == null || certificateCheckInterval.isNegative()
                || certificateCheckInterval.isZero()) {
            throw new IllegalArgumentException("certificateCheckInterval must be positive");
        }
        if (clock == null) {
            throw new IllegalArgumentException("clock is required");
        }
    }

    private static final int DEFAULT_BUFFER = 32 * 1024;

    /** One loop per processor, the system clock, 32 KiB buffers. */
    public static BalorOptions defaults() {
        return new BalorOptions(Runtime.getRuntime().availableProcessors(), Ticker.system(),
                DEFAULT_BUFFER, DEFAULT_BUFFER, DEFAULT_BUFFER / 4, 1024);
    }

    public BalorOptions withLoops(int value) {
        return new BalorOptions(value, ticker, bufferSize, highWatermark, lowWatermark, pooledBuffers,
                certificateCheckInterval, clock, accessLog, healthScriptDir);
    }

    public BalorOptions withTicker(Ticker value) {
        return new BalorOptions(loops, value, bufferSize, highWatermark, lowWatermark, pooledBuffers,
                certificateCheckInterval, clock, accessLog, healthScriptDir);
    }

    /** Buffer size and high watermark together, low watermark a quarter of it. */
    public BalorOptions withBufferSize(int value) {
        return new BalorOptions(loops, ticker, value, value, value / 4, pooledBuffers, certificateCheckInterval, clock,
                accessLog, healthScriptDir);
    }

    public BalorOptions withCertificateCheckInterval(java.time.Duration value) {
        return new BalorOptions(loops, ticker, bufferSize, highWatermark, lowWatermark, pooledBuffers, value, clock,
                accessLog, healthScriptDir);
    }

    public BalorOptions withClock(java.time.Clock value) {
        return new BalorOptions(loops, ticker, bufferSize, highWatermark, lowWatermark, pooledBuffers,
                certificateCheckInterval, value, accessLog, healthScriptDir);
    }

    public BalorOptions withAccessLog(AccessLogOptions value) {
        return new BalorOptions(loops, ticker, bufferSize, highWatermark, lowWatermark, pooledBuffers,
                certificateCheckInterval, clock, value, healthScriptDir);
    }

    /** Script health checks may run programs from {@code value} only (null: none, the default). */
    public BalorOptions withHealthScriptDir(java.nio.file.Path value) {
        return new BalorOptions(loops, ticker, bufferSize, highWatermark, lowWatermark, pooledBuffers,
                certificateCheckInterval, clock, accessLog, value);
    }
}
