package io.balor.http;

import java.nio.ByteBuffer;

/**
 * Where the host name is in a Host value or authority ({@code name}, {@code name:port},
 * {@code [v6]:port}): surrounding whitespace, the port and a trailing dot are left out, an
 * IPv6 literal keeps its brackets. Stateless; any thread.
 */
public final class HostField {

    private HostField() {
    }

    /** The host name of {@code buffer[start, end)} as {@code (start << 32) | end}, absolute indexes. */
    public static long range(ByteBuffer buffer, int start, int end) {
        while (start < end && isSpace(buffer.get(start))) {
            start++;
        }
        while (end > start && isSpace(buffer.get(end - 1))) {
            end--;
        }
        if (start < end && buffer.get(start) == '[') {
            for (int i = start; i < end; i++) {
                if (buffer.get(i) == ']') {
                    end = i + 1;
                    break;
                }
            }
        } else {
            for (int i = start; i < end; i++) {
                if (buffer.get(i) == ':') {
                    end = i;
                    break;
                }
            }
            if (end > start && buffer.get(end - 1) == '.') {
                end--;
            }
        }
        return (long) start << 32 | end;
    }

    public static int start(long range) {
        return (int) (range >>> 32);
    }

    public static int end(long range) {
        return (int) range;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }
}
