package io.balor.time;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker that moves only when a test advances it. Safe to read and advance from any thread. */
public final class ManualTicker implements Ticker {

    private final AtomicLong now;

    public ManualTicker() {
        this(0);
    }

    public ManualTicker(long startNanos) {
        now = new AtomicLong(startNanos);
    }

    @Override
    public long nanoTime() {
        return now.get();
    }

    /** Moves time forward and returns the new time. */
    public long advance(Duration step) {
        if (step.isNegative()) {
            throw new IllegalArgumentException("time only moves forward: " + step);
        }
        return now.addAndGet(step.toNanos());
    }
}
