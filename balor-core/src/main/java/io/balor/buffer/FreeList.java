package io.balor.buffer;

/**
 * The free objects of one loop's pool (buffers, exchanges), kept for reuse up to a bound, and
 * trimmed after a burst: {@link #trim()} (which the loop calls about once a second) lets go of
 * those no one took since the previous call, keeping {@value #SPARE} spare ones, so a pool follows
 * what is in use without allocating under steady load. Owned by its loop's thread.
 *
 * @param <T> what is pooled
 */
public final class FreeList<T> {

    /** Free objects {@link #trim()} always keeps. */
    public static final int SPARE = 8;

    private final Object[] free;
    private int count;
    /** The fewest free objects since the last {@link #trim()}: those were not needed. */
    private int lowWater;

    /** @param keep free objects kept for reuse; more are left to the garbage collector */
    public FreeList(int keep) {
        free = new Object[keep];
    }

    /** A free object, or null when there is none (the caller makes one). */
    @SuppressWarnings("unchecked")
    public T take() {
        if (count == 0) {
            lowWater = 0;
            return null;
        }
        T item = (T) free[--count];
        free[count] = null;
        if (count < lowWater) {
            lowWater = count;
        }
        return item;
    }

    /** Keeps {@code item} for reuse if there is room; false when it is left to the garbage collector. */
    public boolean give(T item) {
        if (count == free.length) {
            return false;
        }
        free[count++] = item;
        return true;
    }

    /** Lets go of the free objects never taken since the previous call, keeping {@value #SPARE}; returns how many went. */
    public int trim() {
        int drop = Math.min(lowWater, count) - SPARE;
        int dropped = 0;
        for (; dropped < drop; dropped++) {
            free[--count] = null;
        }
        lowWater = count;
        return dropped;
    }

    /** Free objects waiting for reuse. */
    public int size() {
        return count;
    }
}
