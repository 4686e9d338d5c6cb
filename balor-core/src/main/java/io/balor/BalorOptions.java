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
 * @param pooledBuffers  free buffers each loop keeps for reuse (default 256)
 */
public record BalorOptions(int loops, Ticker ticker, int bufferSize, int highWatermark,
                           int lowWatermark, int pooledBuffers) {

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
    }

    private static final int DEFAULT_BUFFER = 32 * 1024;

    /** One loop per processor, the system clock, 32 KiB buffers. */
    public static BalorOptions defaults() {
        return new BalorOptions(Runtime.getRuntime().availableProcessors(), Ticker.system(),
                DEFAULT_BUFFER, DEFAULT_BUFFER, DEFAULT_BUFFER / 4, 256);
    }

    public BalorOptions withLoops(int value) {
        return new BalorOptions(value, ticker, bufferSize, highWatermark, lowWatermark, pooledBuffers);
    }

    public BalorOptions withTicker(Ticker value) {
        return new BalorOptions(loops, value, bufferSize, highWatermark, lowWatermark, pooledBuffers);
    }

    /** Buffer size and high watermark together, low watermark a quarter of it. */
    public BalorOptions withBufferSize(int value) {
        return new BalorOptions(loops, ticker, value, value, value / 4, pooledBuffers);
    }
}
