package io.balor.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Writes the PROXY protocol header (HAProxy's specification, versions 1 and 2) that Balor sends
 * an upstream first on a connection, before anything else (TLS included), saying whom it
 * forwards: the client's address and port, and the address the client connected to. The
 * counterpart of {@link ProxyHeader}, which reads what this writes.
 *
 * <p>The rules, as HAProxy's {@code send-proxy} and {@code send-proxy-v2}:
 * <ul>
 *   <li>Both addresses IPv4: {@code TCP4} (v1) or family {@code 0x11} (v2). Both IPv6:
 *   {@code TCP6} or {@code 0x21}. One of each (rare: the JVM reports an IPv4 client of a
 *   dual-stack socket as IPv4 at both ends): both as IPv6, the IPv4 one mapped
 *   ({@code ::ffff:a.b.c.d}), so the header still has one family.</li>
 *   <li>Version 1 writes IPv6 in RFC 5952 form (lower case, the longest run of two or more zero
 *   groups as {@code ::}), a mapped address in hex groups too ({@code ::ffff:c000:207}): valid
 *   RFC 4291 text that every reader takes, {@link ProxyHeader} included.</li>
 *   <li>Version 2 has the {@code PROXY} command and no TLVs.</li>
 *   <li>An address not known (the socket no longer knows its peer): {@code PROXY UNKNOWN} (v1),
 *   the {@code LOCAL} command with family {@code UNSPEC} and no addresses (v2), which tell the
 *   upstream to use the connection's own ends, as HAProxy sends then.</li>
 * </ul>
 * At most {@link #MAX_LENGTH} bytes: far less than a fresh socket's send buffer, so a freshly
 * connected socket takes the whole header in one write.
 *
 * <p>Stateless. Writes into the caller's buffer by relative puts; allocates nothing but the
 * copies of the two addresses' bytes that {@link InetAddress#getAddress()} makes.
 */
public final class ProxyHeaderWriter {

    /** The longest header written: a version 1 line of two full IPv6 addresses (v2 is at most 52 bytes). */
    public static final int MAX_LENGTH = ProxyHeader.MAX_V1_LENGTH;

    private static final byte[] V1_PREFIX = {'P', 'R', 'O', 'X', 'Y', ' '};
    private static final byte[] V1_UNKNOWN = {'U', 'N', 'K', 'N', 'O', 'W', 'N', '\r', '\n'};
    private static final byte[] V2_SIGNATURE = {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n'};
    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

    private ProxyHeaderWriter() {
    }

    /**
     * Writes the header of {@code version} (1 or 2) for a connection from {@code source} to
     * {@code destination} at {@code into}'s position, which it advances; {@code into} must have
     * {@link #MAX_LENGTH} bytes of room. Either address null: the header for an unknown client.
     *
     * @return the number of bytes written
     */
    public static int write(ByteBuffer into, int version, InetSocketAddress source, InetSocketAddress destination) {
        if (version != 1 && version != 2) {
            throw new IllegalArgumentException("PROXY protocol version 1 or 2, not " + version);
        }
        int start = into.position();
        InetAddress from = source == null ? null : source.getAddress();
        InetAddress to = destination == null ? null : destination.getAddress();
        if (from == null || to == null) {
            if (version == 1) {
                into.put(V1_PREFIX).put(V1_UNKNOWN);
            } else {
                into.put(V2_SIGNATURE).put((byte) 0x20).put((byte) 0x00).putShort((short) 0);   // LOCAL, UNSPEC
            }
            return into.position() - start;
        }
        boolean ipv4 = from instanceof Inet4Address && to instanceof Inet4Address;
        byte[] src = ipv4 ? from.getAddress() : ipv6(from);
        byte[] dst = ipv4 ? to.getAddress() : ipv6(to);
        if (version == 1) {
            into.put(V1_PREFIX).put((byte) 'T').put((byte) 'C').put((byte) 'P').put((byte) (ipv4 ? '4' : '6'))
                    .put((byte) ' ');
            text(into, src);
            into.put((byte) ' ');
            text(into, dst);
            into.put((byte) ' ');
            decimal(into, source.getPort());
            into.put((byte) ' ');
            decimal(into, destination.getPort());
            into.put((byte) '\r').put((byte) '\n');
        } else {
            into.put(V2_SIGNATURE).put((byte) 0x21).put((byte) (ipv4 ? 0x11 : 0x21))
                    .putShort((short) (2 * src.length + 4)).put(src).put(dst)
                    .putShort((short) source.getPort()).putShort((short) destination.getPort());
        }
        return into.position() - start;
    }

    /** The address's 16 bytes, an IPv4 one mapped ({@code ::ffff:a.b.c.d}, RFC 4291 §2.5.5.2). */
    private static byte[] ipv6(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 16) {
            return bytes;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(bytes, 0, mapped, 12, 4);
        return mapped;
    }

    /** A dotted quad, or RFC 5952 text for 16 bytes. */
    private static void text(ByteBuffer into, byte[] address) {
        if (address.length == 4) {
            for (int i = 0; i < 4; i++) {
                if (i > 0) {
                    into.put((byte) '.');
                }
                decimal(into, address[i] & 0xff);
            }
            return;
        }
        // RFC 5952 §4.2: the longest run of at least two zero groups becomes "::", the first of equals.
        int bestStart = -1;
        int bestLength = 1;
        for (int g = 0; g < 8; ) {
            if (group(address, g) != 0) {
                g++;
                continue;
            }
            int end = g;
            while (end < 8 && group(address, end) == 0) {
                end++;
            }
            if (end - g > bestLength) {
                bestStart = g;
                bestLength = end - g;
            }
            g = end;
        }
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                into.put((byte) ':').put((byte) ':');
                g += bestLength - 1;
                continue;
            }
            if (g > 0 && g != bestStart + bestLength) {
                into.put((byte) ':');
            }
            hex(into, group(address, g));
        }
    }

    private static int group(byte[] address, int g) {
        return (address[2 * g] & 0xff) << 8 | address[2 * g + 1] & 0xff;
    }

    /** A 16-bit group in lower-case hex without leading zeros (RFC 5952 §4.1, §4.3). */
    private static void hex(ByteBuffer into, int value) {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            int digit = value >> shift & 0xf;
            if (digit != 0 || started || shift == 0) {
                into.put(HEX[digit]);
                started = true;
            }
        }
    }

    /** A number 0..65535 in decimal without leading zeros. */
    private static void decimal(ByteBuffer into, int value) {
        boolean started = false;
        for (int divisor = 10000; divisor >= 1; divisor /= 10) {
            int digit = value / divisor % 10;
            if (digit != 0 || started || divisor == 1) {
                into.put((byte) ('0' + digit));
                started = true;
            }
        }
    }
}
