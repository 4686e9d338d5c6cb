package io.balor.tls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reads the server name (SNI) of a TLS ClientHello from bytes already received, without
 * consuming them: the loop calls it before it creates an {@code SSLEngine} (to pick the
 * certificate) and, on TCP listeners doing SNI passthrough, before it chooses where to forward
 * the bytes, which are then forwarded untouched. Called on the loop thread; stateless and
 * thread-safe. It allocates only the returned {@link Result} and the name.
 *
 * <p>Records (RFC 8446 §5.1): each must be a handshake record (type 22), record version major 3,
 * length 1 to 2^14; a first record that is not is {@link Status#NOT_TLS} (plain HTTP, SSLv2), a
 * later one {@link Status#INVALID}. The message may span records; it must be a client_hello of at
 * most {@link #MAX_HELLO_BYTES}. Until all of it is present the answer is {@link Status#INCOMPLETE},
 * even if the name is already visible, so the verdict never depends on how bytes were split.
 *
 * <p>Message (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2): legacy_version major 3, random, session id of
 * at most 32 bytes, cipher suites (even, at least 2 bytes), at least one compression method, then
 * extensions: absent, or filling the message exactly. At most one server_name extension
 * (RFC 6066 §3), holding a non-empty ServerNameList that fills it; its first host_name is the
 * name: 1 to 255 bytes of letters, digits, {@code -}, {@code .}, {@code _}, lower-cased, one
 * trailing dot removed (a lone dot is refused). A length past its enclosing structure is
 * {@link Status#INVALID}; malformed input never throws.
 */
public final class ClientHelloPeeker {

    public enum Status { INCOMPLETE, COMPLETE, NOT_TLS, INVALID }

    /**
     * @param serverName the host_name from the server_name extension, lower-cased ASCII, without
     *                   a trailing dot; null when absent or status is not COMPLETE
     */
    public record Result(Status status, String serverName) {}

    /** Largest ClientHello (handshake message, all records included) it waits for; past it: INVALID. */
    public static final int MAX_HELLO_BYTES = 32 * 1024;

    private static final Result INCOMPLETE = new Result(Status.INCOMPLETE, null);
    private static final Result NOT_TLS = new Result(Status.NOT_TLS, null);
    private static final Result INVALID = new Result(Status.INVALID, null);
    private static final Result NO_NAME = new Result(Status.COMPLETE, null);

    private static final int HANDSHAKE = 22;
    private static final int RECORD_HEADER = 5;
    private static final int MAX_RECORD = 1 << 14;
    private static final int HANDSHAKE_HEADER = 4;
    private static final int CLIENT_HELLO = 1;
    private static final int SERVER_NAME = 0;
    private static final int HOST_NAME = 0;
    private static final int MAX_NAME = 255;
    private static final long NO_HOST_NAME = -1;
    private static final long BAD_HOST_NAME = -2;

    private ClientHelloPeeker() {
    }

    /**
     * Looks at bytes [start, end) of buffer by absolute index; never changes position or limit.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= start <= end <= buffer.limit()}
     */
    public static Result peek(ByteBuffer buffer, int start, int end) {
        Objects.checkFromToIndex(start, end, buffer.limit());
        int record = start;
        int header = 0;   // the handshake header bytes seen so far, big-endian
        int have = 0;     // handshake bytes present so far
        while (true) {
            int available = end - record;
            if (available > 0 && buffer.get(record) != HANDSHAKE
                    || available > 1 && buffer.get(record + 1) != 3) {
                return record == start ? NOT_TLS : INVALID;
            }
            if (available < RECORD_HEADER) {
                return INCOMPLETE;
            }
            int length = u16(buffer, record + 3);
            if (length == 0 || length > MAX_RECORD) {
                return INVALID;
            }
            int present = Math.min(length, available - RECORD_HEADER);
            for (int i = 0; i < present && have + i < HANDSHAKE_HEADER; i++) {
                int b = buffer.get(record + RECORD_HEADER + i) & 0xFF;
                if (have + i == 0 && b != CLIENT_HELLO) {
                    return INVALID;
                }
                header = header << 8 | b;
            }
            have += present;
            if (have >= HANDSHAKE_HEADER) {
                int need = HANDSHAKE_HEADER + (header & 0xFFFFFF);
                if (need > MAX_HELLO_BYTES) {
                    return INVALID;
                }
                if (have >= need) {
                    long c = cursor(start + RECORD_HEADER, 0, u16(buffer, start + 3));
                    return parse(buffer, skip(buffer, c, HANDSHAKE_HEADER), need);
                }
            }
            if (present < length) {
                return INCOMPLETE;
            }
            record += RECORD_HEADER + length;
        }
    }

    /** Parses the ClientHello body from cursor c up to the message end, every byte present. */
    private static Result parse(ByteBuffer b, long c, int end) {
        if (!fits(c, 2 + 32 + 1, end) || u(b, c, 1) != 3) {
            return INVALID;
        }
        c = skip(b, c, 2 + 32);
        int n = u(b, c, 1);   // session id
        if (n > 32 || !fits(c, 1 + n + 2, end)) {
            return INVALID;
        }
        c = skip(b, c, 1 + n);
        n = u(b, c, 2);       // cipher suites
        if (n < 2 || (n & 1) != 0 || !fits(c, 2 + n + 1, end)) {
            return INVALID;
        }
        c = skip(b, c, 2 + n);
        n = u(b, c, 1);       // compression methods
        if (n < 1 || !fits(c, 1 + n, end)) {
            return INVALID;
        }
        c = skip(b, c, 1 + n);
        if (pos(c) == end) {
            return NO_NAME;   // no extensions at all
        }
        if (!fits(c, 2, end) || pos(c) + 2 + u(b, c, 2) != end) {
            return INVALID;
        }
        c = skip(b, c, 2);
        boolean seen = false;
        long name = NO_HOST_NAME;
        while (pos(c) < end) {
            if (!fits(c, 4, end)) {
                return INVALID;
            }
            int type = u(b, c, 2);
            int length = u(b, skip(b, c, 2), 2);
            c = skip(b, c, 4);
            if (!fits(c, length, end)) {
                return INVALID;
            }
            if (type == SERVER_NAME) {
                if (seen) {
                    return INVALID;
                }
                seen = true;
                name = hostName(b, c, pos(c) + length);
                if (name == BAD_HOST_NAME) {
                    return INVALID;
                }
            }
            c = skip(b, c, length);
        }
        return name == NO_HOST_NAME ? NO_NAME : nameResult(b, name);
    }

    /**
     * The cursor at the length of the first host_name in the ServerNameList from c to end,
     * {@link #NO_HOST_NAME} if there is none, {@link #BAD_HOST_NAME} if the list is malformed.
     */
    private static long hostName(ByteBuffer b, long c, int end) {
        if (!fits(c, 2, end) || end - pos(c) == 2 || pos(c) + 2 + u(b, c, 2) != end) {
            return BAD_HOST_NAME;
        }
        c = skip(b, c, 2);
        long found = NO_HOST_NAME;
        while (pos(c) < end) {
            if (!fits(c, 3, end)) {
                return BAD_HOST_NAME;
            }
            int type = u(b, c, 1);
            c = skip(b, c, 1);
            int length = u(b, c, 2);
            if (!fits(c, 2 + length, end)) {
                return BAD_HOST_NAME;
            }
            if (type == HOST_NAME && found == NO_HOST_NAME) {
                found = c;
            }
            c = skip(b, c, 2 + length);
        }
        return found;
    }

    /** Validates the host_name whose length is at cursor c and builds the result. */
    private static Result nameResult(ByteBuffer b, long c) {
        int length = u(b, c, 2);
        c = skip(b, c, 2);
        if (length == 0 || length > MAX_NAME) {
            return INVALID;
        }
        long at = c;
        int last = 0;
        for (int i = 0; i < length; i++, at = skip(b, at, 1)) {
            last = u(b, at, 1);
            if (!isNameByte(last)) {
                return INVALID;
            }
        }
        if (last == '.' && --length == 0) {
            return INVALID;
        }
        // A String cannot be built without copying: this array is the one extra allocation.
        byte[] name = new byte[length];
        for (int i = 0; i < length; i++, c = skip(b, c, 1)) {
            int ch = u(b, c, 1);
            name[i] = (byte) (ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
        }
        return new Result(Status.COMPLETE, new String(name, StandardCharsets.US_ASCII));
    }

    private static boolean isNameByte(int ch) {
        return ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9'
                || ch == '-' || ch == '.' || ch == '_';
    }

    // A cursor over the handshake message, whose bytes may be spread over several records, packed
    // into a long so that walking it allocates nothing: the absolute index of the next byte in
    // bits 32..63, its offset in the message (at most MAX_HELLO_BYTES) in bits 16..31, and the
    // bytes left in its record (at most 2^14) in bits 0..15. When none are left, the next byte
    // is past the header of the next record. The records were checked before any cursor exists.

    private static long cursor(int abs, int pos, int left) {
        return (long) abs << 32 | (long) pos << 16 | left;
    }

    private static int pos(long c) {
        return (int) (c >>> 16) & 0xFFFF;
    }

    /** Whether n more bytes from cursor c stay within the structure ending at end. */
    private static boolean fits(long c, int n, int end) {
        return pos(c) + n <= end;
    }

    /** Cursor c moved n bytes forward, across record headers as needed. */
    private static long skip(ByteBuffer b, long c, int n) {
        int abs = (int) (c >>> 32);
        int pos = pos(c) + n;
        int left = (int) c & 0xFFFF;
        while (n > 0) {
            if (left == 0) {
                left = u16(b, abs + 3);
                abs += RECORD_HEADER;
            }
            int step = Math.min(n, left);
            abs += step;
            left -= step;
            n -= step;
        }
        return cursor(abs, pos, left);
    }

    /** The big-endian unsigned value of the n bytes at cursor c. */
    private static int u(ByteBuffer b, long c, int n) {
        int value = 0;
        for (int i = 0; i < n; i++, c = skip(b, c, 1)) {
            int abs = (int) (c >>> 32);
            value = value << 8 | b.get((c & 0xFFFF) == 0 ? abs + RECORD_HEADER : abs) & 0xFF;
        }
        return value;
    }

    private static int u16(ByteBuffer b, int index) {
        return (b.get(index) & 0xFF) << 8 | b.get(index + 1) & 0xFF;
    }
}
