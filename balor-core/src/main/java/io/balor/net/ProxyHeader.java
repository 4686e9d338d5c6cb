package io.balor.net;

import java.nio.ByteBuffer;

/**
 * The PROXY protocol header (HAProxy's specification, versions 1 and 2) that a trusted proxy in
 * front of Balor sends before anything else on a connection, saying whom it is forwarding: the
 * client's address and port, and the address it connected to.
 *
 * <p>How it is read: {@link #wanted} says how many more bytes to read so that not one byte past
 * the header is taken from the socket (the application's bytes, a TLS ClientHello say, stay in
 * the kernel for the session that follows); {@link #parse} then says whether the header is
 * complete, invalid, or needs more. Version 1 is a line of at most 107 bytes, read byte by byte
 * once past its shortest form; version 2 is a 16-byte fixed part whose length field says exactly
 * how much follows. The header is bounded ({@link #MAX_V2_LENGTH}): anything longer is invalid.
 *
 * <p>What it keeps (no allocation: fixed arrays, reused for the next connection):
 * {@link #local()} (a health check of the proxy itself, or {@code UNKNOWN}: the connection's own
 * peer is the client), else the family (4 or 6), the source and destination addresses and ports.
 * TLVs of version 2 are skipped, never interpreted.
 *
 * <p>Owned by the one loop that reads the connection; one instance may serve one connection at a
 * time.
 */
public final class ProxyHeader {

    /** {@link #parse}: the header is not complete yet. */
    public static final int INCOMPLETE = -1;
    /** {@link #parse}: the bytes are not a PROXY header Balor accepts. */
    public static final int INVALID = -2;

    /** The longest version 1 header, CRLF included (the specification's 107). */
    public static final int MAX_V1_LENGTH = 107;
    /** The most a version 2 header may carry after its 16 fixed bytes (addresses and TLVs). */
    public static final int MAX_V2_LENGTH = 1024;

    private static final byte[] V1_SIGNATURE = {'P', 'R', 'O', 'X', 'Y', ' '};
    private static final byte[] V2_SIGNATURE = {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n'};
    /** Enough to tell the versions apart, and no longer than the shortest header. */
    private static final int PROBE = 8;
    /** {@code PROXY UNKNOWN\r\n}. */
    private static final int MIN_V1_LENGTH = 15;
    private static final int V2_FIXED = 16;

    private final byte[] source = new byte[16];
    /** Scratch for an IPv6 address's groups. */
    private final int[] groups = new int[8];
    private final byte[] destination = new byte[16];
    private boolean local;
    private int family;
    private int sourcePort;
    private int destinationPort;

    /**
     * How many more bytes to read after the {@code length} bytes at {@code buffer[start..]} so as
     * never to read past the header; at least 1 while the header may be incomplete.
     */
    public static int wanted(ByteBuffer buffer, int start, int length) {
        if (length < PROBE) {
            return PROBE - length;
        }
        if (buffer.get(start) == '\r') {
            if (length < V2_FIXED) {
                return V2_FIXED - length;
            }
            int total = V2_FIXED + v2Length(buffer, start);
            return Math.max(1, Math.min(total, V2_FIXED + MAX_V2_LENGTH + 1) - length);
        }
        return length < MIN_V1_LENGTH ? MIN_V1_LENGTH - length : 1;
    }

    /**
     * Parses the header at {@code buffer[start, end)}: its length once complete, else
     * {@link #INCOMPLETE} or {@link #INVALID}. Reads the buffer by index; never moves it.
     */
    public int parse(ByteBuffer buffer, int start, int end) {
        int length = end - start;
        if (!prefixMatches(buffer, start, length, V1_SIGNATURE) && !prefixMatches(buffer, start, length, V2_SIGNATURE)) {
            return INVALID;
        }
        if (length < V1_SIGNATURE.length) {
            return INCOMPLETE;
        }
        return buffer.get(start) == 'P' ? parseV1(buffer, start, end) : parseV2(buffer, start, end);
    }

    /** Whether the proxy spoke for itself (v2 LOCAL, v1 UNKNOWN, an unspecified family): use the connection's peer. */
    public boolean local() {
        return local;
    }

    /** 4 or 6 (0 when {@link #local()}). */
    public int family() {
        return family;
    }

    /** The client's address: its first 4 bytes for family 4, all 16 for 6. Read before the next parse. */
    public byte[] source() {
        return source;
    }

    public int sourcePort() {
        return sourcePort;
    }

    /** The address the client connected to, as {@link #source()}. */
    public byte[] destination() {
        return destination;
    }

    public int destinationPort() {
        return destinationPort;
    }

    // ---- version 1: "PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n"

    private int parseV1(ByteBuffer buffer, int start, int end) {
        int lineEnd = -1;
        for (int i = start; i < end - 1; i++) {
            if (buffer.get(i) == '\r' && buffer.get(i + 1) == '\n') {
                lineEnd = i;
                break;
            }
        }
        if (lineEnd < 0) {
            return end - start >= MAX_V1_LENGTH ? INVALID : INCOMPLETE;
        }
        int total = lineEnd + 2 - start;
        if (total > MAX_V1_LENGTH) {
            return INVALID;
        }
        int at = start + V1_SIGNATURE.length;
        if (matches(buffer, at, lineEnd, "UNKNOWN")) {
            // Anything may follow UNKNOWN up to the CRLF; it is ignored.
            local = true;
            family = 0;
            return total;
        }
        if (matches(buffer, at, lineEnd, "TCP4 ")) {
            family = 4;
        } else if (matches(buffer, at, lineEnd, "TCP6 ")) {
            family = 6;
        } else {
            return INVALID;
        }
        at += 5;
        int next = family == 4 ? ipv4(buffer, at, lineEnd, source) : ipv6(buffer, at, lineEnd, source);
        if (next < 0 || next >= lineEnd || buffer.get(next) != ' ') {
            return INVALID;
        }
        at = next + 1;
        next = family == 4 ? ipv4(buffer, at, lineEnd, destination) : ipv6(buffer, at, lineEnd, destination);
        if (next < 0 || next >= lineEnd || buffer.get(next) != ' ') {
            return INVALID;
        }
        at = next + 1;
        int space = indexOf(buffer, at, lineEnd, (byte) ' ');
        if (space < 0) {
            return INVALID;
        }
        sourcePort = port(buffer, at, space);
        destinationPort = port(buffer, space + 1, lineEnd);
        if (sourcePort < 0 || destinationPort < 0) {
            return INVALID;
        }
        local = false;
        return total;
    }

    /** A dotted quad of decimal octets without leading zeros; the index after it, or -1. */
    private static int ipv4(ByteBuffer buffer, int at, int end, byte[] into) {
        for (int octet = 0; octet < 4; octet++) {
            if (octet > 0) {
                if (at >= end || buffer.get(at) != '.') {
                    return -1;
                }
                at++;
            }
            int value = 0;
            int digits = 0;
            while (at < end && isDigit(buffer.get(at)) && digits < 4) {
                if (digits == 1 && value == 0) {
                    return -1;   // a leading zero: never written by a proxy, and ambiguous (octal)
                }
                value = value * 10 + buffer.get(at) - '0';
                digits++;
                at++;
            }
            if (digits == 0 || value > 255) {
                return -1;
            }
            into[octet] = (byte) value;
        }
        return at;
    }

    /**
     * An IPv6 address in RFC 4291 text form (hex groups, one {@code ::}, no zone, no embedded
     * IPv4); the index after it, or -1.
     */
    private int ipv6(ByteBuffer buffer, int at, int end, byte[] into) {
        int count = 0;
        int gap = -1;
        int i = at;
        if (i + 1 < end && buffer.get(i) == ':' && buffer.get(i + 1) == ':') {
            gap = 0;
            i += 2;
        }
        while (i < end && buffer.get(i) != ' ') {
            int value = 0;
            int digits = 0;
            while (i < end && hex(buffer.get(i)) >= 0 && digits < 5) {
                value = value * 16 + hex(buffer.get(i));
                digits++;
                i++;
            }
            if (digits == 0 || digits > 4 || count == 8) {
                return -1;
            }
            groups[count++] = value;
            if (i < end && buffer.get(i) == ':') {
                if (i + 1 < end && buffer.get(i + 1) == ':') {
                    if (gap >= 0) {
                        return -1;
                    }
                    gap = count;
                    i += 2;
                } else {
                    i++;
                    if (i >= end || buffer.get(i) == ' ') {
                        return -1;   // a trailing single colon
                    }
                }
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return -1;
        }
        java.util.Arrays.fill(into, (byte) 0);
        int tail = gap < 0 ? 0 : count - gap;
        for (int g = 0; g < count; g++) {
            int slot = gap >= 0 && g >= gap ? 8 - tail + (g - gap) : g;
            into[2 * slot] = (byte) (groups[g] >> 8);
            into[2 * slot + 1] = (byte) groups[g];
        }
        return i;
    }

    /** A decimal port 0..65535 without leading zeros filling {@code [at, end)}, or -1. */
    private static int port(ByteBuffer buffer, int at, int end) {
        int length = end - at;
        if (length < 1 || length > 5 || (length > 1 && buffer.get(at) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = at; i < end; i++) {
            if (!isDigit(buffer.get(i))) {
                return -1;
            }
            value = value * 10 + buffer.get(i) - '0';
        }
        return value <= 65535 ? value : -1;
    }

    // ---- version 2: 12-byte signature, version and command, family and transport, length, addresses, TLVs

    private int parseV2(ByteBuffer buffer, int start, int end) {
        if (end - start < V2_FIXED) {
            return INCOMPLETE;
        }
        int versionCommand = buffer.get(start + 12) & 0xff;
        int familyTransport = buffer.get(start + 13) & 0xff;
        int length = v2Length(buffer, start);
        if (versionCommand >> 4 != 2 || (versionCommand & 0x0f) > 1 || length > MAX_V2_LENGTH) {
            return INVALID;
        }
        int total = V2_FIXED + length;
        if (end - start < total) {
            return INCOMPLETE;
        }
        if ((versionCommand & 0x0f) == 0 || familyTransport == 0x00) {
            local = true;   // LOCAL (the proxy's own check), or UNSPEC: the connection's peer counts
            family = 0;
            return total;
        }
        // TCP over IPv4 (0x11) or IPv6 (0x21): source, destination, then the two ports.
        int size = familyTransport == 0x11 ? 4 : familyTransport == 0x21 ? 16 : 0;
        if (size == 0 || length < 2 * size + 4) {
            return INVALID;   // UDP or UNIX sockets (not what a TCP listener is given), or a block too short
        }
        int at = start + V2_FIXED;
        copy(buffer, at, source, size);
        copy(buffer, at + size, destination, size);
        sourcePort = port16(buffer, at + 2 * size);
        destinationPort = port16(buffer, at + 2 * size + 2);
        family = size == 4 ? 4 : 6;
        local = false;
        return total;   // TLVs, if any, are inside the length and skipped with it
    }

    private static int v2Length(ByteBuffer buffer, int start) {
        return (buffer.get(start + 14) & 0xff) << 8 | buffer.get(start + 15) & 0xff;
    }

    private static int port16(ByteBuffer buffer, int at) {
        return (buffer.get(at) & 0xff) << 8 | buffer.get(at + 1) & 0xff;
    }

    private static void copy(ByteBuffer buffer, int at, byte[] into, int count) {
        for (int i = 0; i < count; i++) {
            into[i] = buffer.get(at + i);
        }
    }

    // ---- bytes

    private static boolean prefixMatches(ByteBuffer buffer, int start, int length, byte[] signature) {
        for (int i = 0; i < Math.min(length, signature.length); i++) {
            if (buffer.get(start + i) != signature[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(ByteBuffer buffer, int at, int end, String word) {
        if (end - at < word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (buffer.get(at + i) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(ByteBuffer buffer, int at, int end, byte wanted) {
        for (int i = at; i < end; i++) {
            if (buffer.get(i) == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }
}
