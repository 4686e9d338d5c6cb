package io.balor.buffer;

import java.nio.ByteBuffer;

/**
 * Buffers of one size (direct, or heap for TLS records, which the JDK's AES-GCM handles without
 * extra copies when they are arrays), reused by the sessions of one loop. A session takes a buffer when
 * it has bytes to hold and gives it back as soon as they are written, so an idle session holds
 * none. Owned by its loop's thread; a buffer is owned by whoever acquired it until released.
 *
 * <p>A burst (thousands of connections sending at once) leaves up to {@code keep} free buffers;
 * the loop calls {@link #trim()} about once a second, which lets go of those no one took since the
 * previous call (above {@value #SPARE} spare ones), so the pool follows what is in use without
 * allocating under steady load. A direct buffer let go of is freed with its object, at the next
 * garbage collection.
 */
public final class BufferPool {

    private final int bufferSize;
    private final boolean heap;
    /** Free buffers {@link #trim()} always keeps. */
    static final int SPARE = 8;

    private final ByteBuffer[] free;
    private int count;
    /** The fewest free buffers since the last {@link #trim()}: those were not needed. */
    private int lowWater;
    private long allocated;

    /**
     * @param bufferSize bytes per buffer
     * @param keep       free buffers kept for reuse; more are left to the garbage collector
     */
    public BufferPool(int bufferSize, int keep) {
        this(bufferSize, keep, false);
    }

    /** @param heap heap buffers instead of direct ones */
    public BufferPool(int bufferSize, int keep, boolean heap) {
        this.bufferSize = bufferSize;
        this.heap = heap;
        this.free = new ByteBuffer[keep];
    }

    /** A cleared buffer of {@link #bufferSize()} bytes. */
    public ByteBuffer acquire() {
        if (count > 0) {
            ByteBuffer buffer = free[--count];
            free[count] = null;
            if (count < lowWater) {
                lowWater = count;
            }
            return buffer;
        }
        lowWater = 0;
        allocated++;
        return heap ? ByteBuffer.allocate(bufferSize) : ByteBuffer.allocateDirect(bufferSize);
    }

    /** Gives a buffer back; the caller must not touch it afterwards. */
    public void release(ByteBuffer buffer) {
        if (count < free.length) {
            buffer.clear();
            free[count++] = buffer;
        }
    }

    /**
     * Lets go of the free buffers that were never taken since the previous call, keeping
     * {@value #SPARE}; returns how many went.
     */
    public int trim() {
        int drop = Math.min(lowWater, count) - SPARE;
        int dropped = 0;
        for (; dropped < drop; dropped++) {
            free[--count] = null;
        }
        lowWater = count;
        return dropped;
    }

    public int bufferSize() {
        return bufferSize;
    }

    /** Buffers waiting for reuse. */
    public int pooled() {
        return count;
    }

    /** Buffers this pool has ever allocated (a steady number under steady load). */
    public long allocated() {
        return allocated;
    }
}
