package io.balor.http2;

import java.nio.charset.StandardCharsets;

/**
 * HPACK's static table (RFC 7541 §2.3.1, Appendix A): the 61 predefined fields, indexes 1 to 61.
 * Immutable; any thread.
 */
final class StaticTable {

    /** How many entries it has: dynamic table indexes start after them (§2.3.3). */
    static final int LENGTH = 61;

    /** Appendix A, name and value (empty when it has none) from index 1. */
    private static final String[][] ENTRIES = {
        {":authority", ""},
        {":method", "GET"},
        {":method", "POST"},
        {":path", "/"},
        {":path", "/index.html"},
        {":scheme", "http"},
        {":scheme", "https"},
        {":status", "200"},
        {":status", "204"},
        {":status", "206"},
        {":status", "304"},
        {":status", "400"},
        {":status", "404"},
        {":status", "500"},
        {"accept-charset", ""},
        {"accept-encoding", "gzip, deflate"},
        {"accept-language", ""},
        {"accept-ranges", ""},
        {"accept", ""},
        {"access-control-allow-origin", ""},
        {"age", ""},
        {"allow", ""},
        {"authorization", ""},
        {"cache-control", ""},
        {"content-disposition", ""},
        {"content-encoding", ""},
        {"content-language", ""},
        {"content-length", ""},
        {"content-location", ""},
        {"content-range", ""},
        {"content-type", ""},
        {"cookie", ""},
        {"date", ""},
        {"etag", ""},
        {"expect", ""},
        {"expires", ""},
        {"from", ""},
        {"host", ""},
        {"if-match", ""},
        {"if-modified-since", ""},
        {"if-none-match", ""},
        {"if-range", ""},
        {"if-unmodified-since", ""},
        {"last-modified", ""},
        {"link", ""},
        {"location", ""},
        {"max-forwards", ""},
        {"proxy-authenticate", ""},
        {"proxy-authorization", ""},
        {"range", ""},
        {"referer", ""},
        {"refresh", ""},
        {"retry-after", ""},
        {"server", ""},
        {"set-cookie", ""},
        {"strict-transport-security", ""},
        {"transfer-encoding", ""},
        {"user-agent", ""},
        {"vary", ""},
        {"via", ""},
        {"www-authenticate", ""},
    };

    private static final byte[][] NAMES = new byte[LENGTH + 1][];
    private static final byte[][] VALUES = new byte[LENGTH + 1][];

    /** No name it has is longer (its longest, {@code access-control-allow-origin}, has 27). */
    private static final int LONGEST_NAME = 32;
    /**
     * For each name length, the index of the first entry of each name that long (entries with one
     * name are next to each other): {@link #find} compares a name with these only.
     */
    private static final int[][] BY_LENGTH = new int[LONGEST_NAME + 1][];
    /** For the first entry of each name, the index just past the last entry with that name. */
    private static final int[] NAME_END = new int[LENGTH + 1];

    static {
        for (int i = 1; i <= LENGTH; i++) {
            NAMES[i] = ENTRIES[i - 1][0].getBytes(StandardCharsets.US_ASCII);
            VALUES[i] = ENTRIES[i - 1][1].getBytes(StandardCharsets.US_ASCII);
        }
        for (int length = 0; length <= LONGEST_NAME; length++) {
            int[] firsts = new int[LENGTH];
            int n = 0;
            for (int i = 1; i <= LENGTH; i++) {
                if (NAMES[i].length == length && (i == 1 || !java.util.Arrays.equals(NAMES[i - 1], NAMES[i]))) {
                    firsts[n++] = i;
                }
            }
            BY_LENGTH[length] = java.util.Arrays.copyOf(firsts, n);
        }
        for (int i = LENGTH; i >= 1; i--) {
            NAME_END[i] = i < LENGTH && java.util.Arrays.equals(NAMES[i], NAMES[i + 1]) ? NAME_END[i + 1] : i + 1;
        }
    }

    private StaticTable() {
    }

    /** The name of entry {@code index} (1 to 61); not to be changed. */
    static byte[] name(int index) {
        return NAMES[index];
    }

    /** The value of entry {@code index} (1 to 61), empty for most; not to be changed. */
    static byte[] value(int index) {
        return VALUES[index];
    }

    /**
     * The index of the entry with this name and value, or minus the index of the first entry
     * with this name when none has the value too, or 0 when no entry has the name.
     */
    static int find(byte[] name, int nameFrom, int nameLength, byte[] value, int valueFrom, int valueLength) {
        if (nameLength > LONGEST_NAME) {
            return 0;
        }
        for (int first : BY_LENGTH[nameLength]) {
            if (equal(NAMES[first], name, nameFrom, nameLength)) {
                for (int i = first; i < NAME_END[first]; i++) {
                    if (equal(VALUES[i], value, valueFrom, valueLength)) {
                        return i;
                    }
                }
                return -first;
            }
        }
        return 0;
    }

    private static boolean equal(byte[] entry, byte[] b, int from, int length) {
        if (entry.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (entry[i] != b[from + i]) {
                return false;
            }
        }
        return true;
    }
}
