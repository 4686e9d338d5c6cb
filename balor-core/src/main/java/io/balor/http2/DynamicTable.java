package io.balor.http2;

/**
 * HPACK's dynamic table (RFC 7541 §2.3.2, §4): the fields one side of a connection asked to be
 * remembered, newest first, bounded by a size in the RFC's measure (name and value octets plus
 * 32 per entry). Owned by the decoder that uses it, on its connection's loop thread.
 *
 * <p>Allocation-free: the names and values sit back to back in one ring of bytes as large as
 * the greatest size the table may be given, and each entry is three ints in a ring of entries.
 * Entries leave oldest first (§4.4), so the live bytes are always one run of the ring, from the
 * oldest entry's start to where the next entry goes. An entry larger than the table empties it
 * and is not added (§4.4).
 */
final class DynamicTable {

    /** §4.1: what an entry costs beyond its name and value. */
    static final int ENTRY_OVERHEAD = 32;

    private final int capacity;
    private final byte[] bytes;
    private final int[] starts;
    private final int[] nameLengths;
    private final int[] valueLengths;
    private int newest = -1;   // slot of the newest entry
    private int length;        // entries
    private int size;          // §4.1 size of the entries
    private int maxSize;
    private int next;          // where the next entry's bytes go in the byte ring

    /** A table that may hold up to {@code capacity} in the RFC's measure, and starts at that size. */
    DynamicTable(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.capacity = capacity;
        bytes = new byte[Math.max(1, capacity)];
        int slots = capacity / ENTRY_OVERHEAD + 1;
        starts = new int[slots];
        nameLengths = new int[slots];
        valueLengths = new int[slots];
        maxSize = capacity;
    }

    /** Entries in the table. */
    int length() {
        return length;
    }

    /** The table's size in the RFC's measure. */
    int size() {
        return size;
    }

    int maxSize() {
        return maxSize;
    }

    /** The greatest size {@link #setMaxSize} takes. */
    int capacity() {
        return capacity;
    }

    /** §4.3: a new maximum size, entries evicted until the table fits (0 empties it). */
    void setMaxSize(int newMaxSize) {
        if (newMaxSize < 0 || newMaxSize > capacity()) {
            throw new IllegalArgumentException("max size " + newMaxSize + " outside 0 to " + capacity());
        }
        maxSize = newMaxSize;
        evictUntil(maxSize);
    }

    /**
     * §4.4: adds the field {@code src[nameFrom, +nameLength)}, {@code src[valueFrom,
     * +valueLength)} as the newest entry, evicting the oldest ones as needed; one larger than the
     * table empties it.
     */
    void add(byte[] src, int nameFrom, int nameLength, int valueFrom, int valueLength) {
        long entrySize = (long) nameLength + valueLength + ENTRY_OVERHEAD;
        if (entrySize > maxSize) {
            evictUntil(0);
            return;
        }
        evictUntil(maxSize - (int) entrySize);
        newest = (newest + 1) % starts.length;
        starts[newest] = next;
        nameLengths[newest] = nameLength;
        valueLengths[newest] = valueLength;
        put(src, nameFrom, nameLength);
        put(src, valueFrom, valueLength);
        length++;
        size += (int) entrySize;
    }

    /** Removes every entry and sizes the table to {@code 0} bytes of content, keeping its maximum. */
    void clear() {
        evictUntil(0);
    }

    /** The name length of entry {@code index}: 1 is the newest, {@link #length()} the oldest. */
    int nameLength(int index) {
        return nameLengths[slot(index)];
    }

    /** The value length of entry {@code index}. */
    int valueLength(int index) {
        return valueLengths[slot(index)];
    }

    /** Copies the name of entry {@code index} into {@code dst} at {@code at}. */
    void copyName(int index, byte[] dst, int at) {
        int slot = slot(index);
        copy(starts[slot], nameLengths[slot], dst, at);
    }

    /** Copies the value of entry {@code index} into {@code dst} at {@code at}. */
    void copyValue(int index, byte[] dst, int at) {
        int slot = slot(index);
        copy((starts[slot] + nameLengths[slot]) % bytes.length, valueLengths[slot], dst, at);
    }

    private int slot(int index) {
        if (index < 1 || index > length) {
            throw new IndexOutOfBoundsException("entry " + index + " of " + length);
        }
        return Math.floorMod(newest - (index - 1), starts.length);
    }

    private void evictUntil(int targetSize) {
        while (size > targetSize) {
            int oldest = slot(length);
            size -= nameLengths[oldest] + valueLengths[oldest] + ENTRY_OVERHEAD;
            length--;
        }
        if (length == 0) {
            next = 0;   // keeps the ring's live run from wrapping when it need not
        }
    }

    private void put(byte[] src, int from, int count) {
        int first = Math.min(count, bytes.length - next);
        System.arraycopy(src, from, bytes, next, first);
        System.arraycopy(src, from + first, bytes, 0, count - first);
        next = (next + count) % bytes.length;
    }

    private void copy(int start, int count, byte[] dst, int at) {
        int first = Math.min(count, bytes.length - start);
        System.arraycopy(bytes, start, dst, at, first);
        System.arraycopy(bytes, 0, dst, at + first, count - first);
    }
}
