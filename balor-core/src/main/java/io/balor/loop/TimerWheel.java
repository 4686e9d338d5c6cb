package io.balor.loop;

/**
 * A hashed timer wheel (Varghese and Lauck) for the timeouts of one loop: connect, idle and
 * drain deadlines. Scheduling and cancelling are O(1); {@link #expire} walks only the slots of
 * the ticks that have passed. Owned by its loop's thread; never touched from another.
 *
 * <p>Time is a parameter: the loop passes its cached {@code now}; tests drive it by hand. A timer
 * due at {@code d} sits in the slot of tick {@code ceil(d / tick)} and fires on the first
 * {@code expire(now)} with {@code now >= d}, so it never fires early and at most one tick late.
 */
public final class TimerWheel {

    private final long tickNanos;
    private final long origin;
    /** One list per slot, and at index {@code slots} the timers being fired by {@link #expire}. */
    private final Timer[] heads;
    private final int slots;
    private final int mask;
    /** The first tick whose slot has not been processed yet. */
    private long nextTick;
    private int size;

    /**
     * @param tickNanos   resolution
     * @param slots       wheel size, a power of two
     * @param originNanos the current time; ticks count from here
     */
    public TimerWheel(long tickNanos, int slots, long originNanos) {
        if (tickNanos <= 0 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("tick must be positive and slots a power of two");
        }
        this.tickNanos = tickNanos;
        this.origin = originNanos;
        this.slots = slots;
        this.heads = new Timer[slots + 1];
        this.mask = slots - 1;
        this.nextTick = 1;
    }

    /** Arms {@code timer} for {@code deadlineNanos}, moving it if it was already armed. */
    public void schedule(Timer timer, long deadlineNanos) {
        if (timer.slot >= 0) {
            unlink(timer);
        }
        long since = deadlineNanos - origin;
        long tick = since <= 0 ? 0 : (since + tickNanos - 1) / tickNanos;
        if (tick < nextTick) {
            tick = nextTick;
        }
        timer.deadline = deadlineNanos;
        timer.rounds = (tick - nextTick) / slots;
        link(timer, (int) (tick & mask));
    }

    /** Disarms {@code timer}; nothing happens if it is not armed. */
    public void cancel(Timer timer) {
        if (timer.slot >= 0) {
            unlink(timer);
        }
    }

    /**
     * Runs every timer whose deadline is at or before {@code nowNanos}; returns how many ran.
     * The due timers of a slot are first moved to a list of their own, then run one by one, so
     * a task may cancel or re-arm any timer, the others due with it included. A task that throws
     * does not stop the others: every due timer runs, then the first failure is rethrown (with
     * the others suppressed in it).
     */
    public int expire(long nowNanos) {
        long lastTick = (nowNanos - origin) / tickNanos;
        int fired = 0;
        Throwable failure = null;
        while (nextTick <= lastTick && size > 0) {
            int slot = (int) (nextTick++ & mask);
            Timer timer = heads[slot];
            while (timer != null) {
                Timer following = timer.next;
                if (timer.rounds > 0) {
                    timer.rounds--;
                } else {
                    unlink(timer);
                    link(timer, slots);
                }
                timer = following;
            }
            while ((timer = heads[slots]) != null) {
                unlink(timer);
                fired++;
                try {
                    timer.fire();
                } catch (RuntimeException | Error e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        if (nextTick <= lastTick) {
            nextTick = lastTick + 1;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        } else if (failure instanceof Error error) {
            throw error;
        }
        return fired;
    }

    /**
     * How long the loop may block before the next slot that holds a timer comes due, in
     * nanoseconds from {@code nowNanos}: 0 if one is due, -1 if the wheel is empty.
     */
    public long nanosUntilNext(long nowNanos) {
        if (size == 0) {
            return -1;
        }
        for (int i = 0; i < slots; i++) {
            if (heads[(int) ((nextTick + i) & mask)] != null) {
                long due = origin + (nextTick + i) * tickNanos;
                return Math.max(0, due - nowNanos);
            }
        }
        return -1;
    }

    /** Timers armed now. */
    public int size() {
        return size;
    }

    private void link(Timer timer, int slot) {
        timer.slot = slot;
        timer.prev = null;
        timer.next = heads[slot];
        if (heads[slot] != null) {
            heads[slot].prev = timer;
        }
        heads[slot] = timer;
        size++;
    }

    private void unlink(Timer timer) {
        if (timer.prev != null) {
            timer.prev.next = timer.next;
        } else {
            heads[timer.slot] = timer.next;
        }
        if (timer.next != null) {
            timer.next.prev = timer.prev;
        }
        timer.prev = null;
        timer.next = null;
        timer.slot = -1;
        size--;
    }
}
