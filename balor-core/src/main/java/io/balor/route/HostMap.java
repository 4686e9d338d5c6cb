package io.balor.route;

import io.balor.buffer.Ascii;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * An open-addressing (linear probing) hash table from lower-case ASCII host names to small
 * integers, probed straight from the bytes of a request with {@code A-Z} folded, so a lookup
 * creates no string. Immutable once built; any thread.
 *
 * <p>The table is at most half full, so a probe ends after a few slots. The keys come from the
 * config, never from requests, so a client cannot make the table degenerate; it can only
 * choose what it looks up, which costs one hash and one short probe run whatever it sends.
 */
final class HostMap {

    private static final int EMPTY = -1;

    private final byte[][] keys;
    private final int[] hashes;
    private final int[] values;
    private final int mask;

    /** @param keys lower-case, distinct; each one's value is its position in the list */
    HostMap(List<String> keys) {
        int capacity = 4;
        while (capacity < keys.size() * 2) {
            capacity <<= 1;
        }
        this.mask = capacity - 1;
        this.keys = new byte[capacity][];
        this.hashes = new int[capacity];
        this.values = new int[capacity];
        Arrays.fill(values, EMPTY);
        for (int k = 0; k < keys.size(); k++) {
            byte[] key = keys.get(k).getBytes(StandardCharsets.ISO_8859_1);
            int hash = hash(key);
            int slot = hash & mask;
            while (values[slot] != EMPTY) {
                if (Arrays.equals(this.keys[slot], key)) {
                    throw new IllegalArgumentException("duplicate key '" + keys.get(k) + "'");
                }
                slot = (slot + 1) & mask;
            }
            this.keys[slot] = key;
            this.hashes[slot] = hash;
            this.values[slot] = k;
        }
    }

    /** The value of {@code buffer[start, end)} compared without case, or -1 if absent. */
    int get(ByteBuffer buffer, int start, int end) {
        int hash = hash(buffer, start, end);
        int length = end - start;
        for (int slot = hash & mask; values[slot] != EMPTY; slot = (slot + 1) & mask) {
            if (hashes[slot] == hash && keys[slot].length == length && equal(keys[slot], buffer, start)) {
                return values[slot];
            }
        }
        return EMPTY;
    }

    private static boolean equal(byte[] key, ByteBuffer buffer, int start) {
        for (int i = 0; i < key.length; i++) {
            if (key[i] != Ascii.lower(buffer.get(start + i))) {
                return false;
            }
        }
        return true;
    }

    // FNV-1a over the folded bytes, then murmur3's fmix32 so the low bits (the slot) depend
    // on every byte.
    private static int hash(ByteBuffer buffer, int start, int end) {
        int h = 0x811c9dc5;
        for (int i = start; i < end; i++) {
            h = (h ^ Ascii.lower(buffer.get(i))) * 0x01000193;
        }
        return mix(h);
    }

    private static int hash(byte[] key) {
        int h = 0x811c9dc5;
        for (byte b : key) {
            h = (h ^ Ascii.lower(b)) * 0x01000193;
        }
        return mix(h);
    }

    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }
}
