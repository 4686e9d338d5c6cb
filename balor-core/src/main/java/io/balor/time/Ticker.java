package io.balor.time;

/**
 * A monotonic clock in nanoseconds, as {@link System#nanoTime()}. Event loops read it once per
 * iteration and pass {@code nowNanos} down, so tests can drive time with a {@link ManualTicker}.
 * Implementations are safe to call from any thread.
 */
@FunctionalInterface
public interface Ticker {

    long nanoTime();

    /** The system's monotonic clock. */
    static Ticker system() {
        return System::nanoTime;
    }
}
