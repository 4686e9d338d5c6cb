package io.balor.admin.auth;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Caps how many password hashes run at once, so a flood of logins (each a few hundred milliseconds
 * of PBKDF2 on one core) cannot take every core from the event loops that carry traffic. A login
 * that finds no permit within {@code wait} is refused as busy (the admin API answers 503 with
 * {@code Retry-After: }{@link #retryAfterSeconds()}) instead of queueing without bound.
 *
 * <p>Thread-safe: the admin server's executor threads enter and exit it. Use as
 * {@code if (gate.tryEnter()) { try { hash } finally { gate.exit(); } } else { busy }}. The semaphore
 * is fair, so a waiting login is not overtaken by later ones. This is the one auth class where real
 * time passes (a blocking wait, not a reading of the clock); tests use a zero wait.
 */
public final class HashingGate {

    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(2);

    private final Semaphore permits;
    private final int capacity;
    private final Duration wait;

    /** {@link #defaultPermits()} permits, waiting up to {@link #DEFAULT_WAIT}. */
    public HashingGate() {
        this(defaultPermits(), DEFAULT_WAIT);
    }

    public HashingGate(int permits, Duration wait) {
        if (permits < 1) {
            throw new IllegalArgumentException("a hashing gate needs at least 1 permit, was " + permits);
        }
        if (wait.isNegative()) {
            throw new IllegalArgumentException("the wait for a hashing permit must not be negative");
        }
        this.permits = new Semaphore(permits, true);
        this.capacity = permits;
        this.wait = wait;
    }

    /** Half the available processors, at least 1: logins never take more than half the machine. */
    public static int defaultPermits() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /**
     * Takes a permit, waiting up to the gate's wait; false if none came (or the thread was
     * interrupted, whose flag is then kept set).
     */
    public boolean tryEnter() {
        try {
            return permits.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Gives back the permit {@link #tryEnter()} took. */
    public void exit() {
        permits.release();
    }

    /** What to put in {@code Retry-After} when busy: the wait rounded up to whole seconds, at least 1. */
    public long retryAfterSeconds() {
        long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    /** Permits free now. */
    public int available() {
        return permits.availablePermits();
    }

    public int capacity() {
        return capacity;
    }
}
