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
 * previous call (above {@value FreeList#SPARE} spare ones), so the pool follows what is in use without
 * allocating under steady load. A direct buffer let go of is freed with its object, at the next
 * garbage collection.
 */
public final class BufferPool {

    private final int bufferSize;
    private final boolean heap;
    private final FreeList<ByteBuffer> free;
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
        this.free = new FreeList<>(keep);
    }

    /** A cleared buffer of {@link #bufferSize()} bytes. */
    public ByteBuffer acquire() {
        ByteBuffer buffer = free.take();
        if (buffer != null) {
            return buffer;
        }
        allocated++;
        return heap ? ByteBuffer.allocate(bufferSize) : ByteBuffer.allocateDirect(bufferSize);
    }

    /** Gives a buffer back; the caller must not touch it afterwards. */
    public void release(ByteBuffer buffer) {
        buffer.clear();
        free.give(buffer);
    }

    /** Lets go of the free buffers no one took since the previous call ({@link FreeList#trim()}). */
    public int trim() {
        return free.trim();
    }

    public int bufferSize() {
        return bufferSize;
    }

    /** Buffers waiting for reuse. */
    public int pooled() {
        return free.size();
    }

    /** Buffers this pool has ever allocated (a steady number under steady load). */
    public long allocated() {
        return allocated;
    }
}
