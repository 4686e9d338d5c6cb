package io.balor.limit;

import io.balor.config.RateLimitConfig;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A token bucket kept as the generic cell rate algorithm: per bucket one number, the
 * theoretical arrival time (TAT) of the next conforming request, in ticker nanoseconds. A
 * request conforms when {@code now >= TAT - burst * interval}; it then moves TAT on by one
 * interval. That is exactly a bucket of {@code burst} tokens refilled at {@code rps}, and the
 * time until the next token is known exactly (for {@code Retry-After}).
 *
 * <p>Shared by every loop: each bucket is one slot of an {@link AtomicLongArray} updated by
 * compare-and-set, so taking a token never locks or blocks, and loops only meet on a bucket
 * they both use. Per-client limits hash the client address into a fixed table of slots: memory
 * is bounded whatever the number of clients; two clients in one slot share its budget.
 */
public final class TokenBucket {

    private static final int SLOT_BITS = 12;
    /** Slots of a per-client table. */
    static final int CLIENT_SLOTS = 1 << SLOT_BITS;

    private final RateLimitConfig config;
    private final long interval;
    private final long tolerance;
    private final AtomicLongArray arrival;

    /** @param origin ticker time at creation: every bucket starts full */
    public TokenBucket(RateLimitConfig config, long origin) {
        this.config = config;
        this.interval = Math.max(1, Math.round(1_000_000_000d / config.rps()));
        this.tolerance = interval * (config.burst() - 1L);
        int slots = config.perClient() ? CLIENT_SLOTS : 1;
        this.arrival = new AtomicLongArray(slots);
        for (int i = 0; i < slots; i++) {
            arrival.set(i, origin - tolerance - interval);
        }
    }

    public RateLimitConfig config() {
        return config;
    }

    /**
     * Takes a token for the client whose address hashes to {@code clientHash} (ignored when
     * the bucket is shared). Returns 0 when one was taken, else the nanoseconds until the next
     * one is due.
     */
    public long tryTake(long now, int clientHash) {
        int slot = config.perClient() ? slot(clientHash) : 0;
        while (true) {
            long tat = arrival.get(slot);
            long earliest = tat - tolerance;
            if (now < earliest) {
                return earliest - now;
            }
            long next = Math.max(tat, now) + interval;
            if (arrival.compareAndSet(slot, tat, next)) {
                return 0;
            }
        }
    }

    /** Whole seconds until {@code waitNanos} has passed, at least 1: a {@code Retry-After} value. */
    public static int retryAfterSeconds(long waitNanos) {
        long seconds = (waitNanos + 999_999_999L) / 1_000_000_000L;
        return (int) Math.max(1, Math.min(seconds, Integer.MAX_VALUE));
    }

    /** Fibonacci hashing: the top bits of the product, so neighbouring addresses get different slots. */
    private static int slot(int hash) {
        return (hash * 0x9E3779B9) >>> (32 - SLOT_BITS);
    }
}
