package io.balor.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ProxyHeaderWriter}: the exact bytes of versions 1 and 2 for IPv4, IPv6, mixed families
 * and an unknown client, checked against hand-written headers, and many addresses written and
 * read back with {@link ProxyHeader} (the accept side's parser).
 */
class ProxyHeaderWriterTest {

    private static final byte[] SIGNATURE = {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n'};

    private static InetSocketAddress at(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] write(int version, InetSocketAddress source, InetSocketAddress destination) {
        ByteBuffer buffer = ByteBuffer.allocate(ProxyHeaderWriter.MAX_LENGTH);
        int length = ProxyHeaderWriter.write(buffer, version, source, destination);
        assertEquals(length, buffer.position());
        return Arrays.copyOf(buffer.array(), length);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer all = ByteBuffer.allocate(256);
        for (byte[] part : parts) {
            all.put(part);
        }
        return Arrays.copyOf(all.array(), all.position());
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void version1Ipv4IsTheSpecificationsLine() {
        assertEquals("PROXY TCP4 192.0.2.7 198.51.100.22 5555 443\r\n",
                text(write(1, at("192.0.2.7", 5555), at("198.51.100.22", 443))));
        assertEquals("PROXY TCP4 0.0.0.0 255.255.255.255 0 65535\r\n",
                text(write(1, at("0.0.0.0", 0), at("255.255.255.255", 65535))));
    }

    @Test
    void version1Ipv6IsRfc5952Text() {
        assertEquals("PROXY TCP6 2001:db8::7 2001:db8:0:1::1 4242 443\r\n",
                text(write(1, at("2001:db8::7", 4242), at("2001:db8:0:1:0:0:0:1", 443))));
        // The longest zero run is compressed, the first of two equal ones, and never a lone zero group.
        assertEquals("PROXY TCP6 2001:db8::1:0:0:1 1:0:2:3:4:5:6:7 1 2\r\n",
                text(write(1, at("2001:db8:0:0:1:0:0:1", 1), at("1:0:2:3:4:5:6:7", 2))));
        assertEquals("PROXY TCP6 :: ::1 10 20\r\n", text(write(1, at("::", 10), at("::1", 20))));
        assertEquals("PROXY TCP6 fe80:: abcd:ef01:2345:6789:abcd:ef01:2345:6789 1 2\r\n",
                text(write(1, at("fe80::", 1), at("ABCD:EF01:2345:6789:ABCD:EF01:2345:6789", 2))));
    }

    @Test
    void mixedFamiliesAreBothWrittenAsIpv6WithTheIpv4OneMapped() {
        assertEquals("PROXY TCP6 ::ffff:c000:207 2001:db8::1 5555 443\r\n",
                text(write(1, at("192.0.2.7", 5555), at("2001:db8::1", 443))));
        byte[] v2 = write(2, at("2001:db8::1", 1), at("192.0.2.7", 2));
        assertEquals(0x21, v2[13], "TCP over IPv6");
        assertArrayEquals(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 7), Arrays.copyOfRange(v2, 32, 48));
    }

    @Test
    void version2Ipv4IsTheSpecificationsBlock() {
        byte[] expected = concat(SIGNATURE, bytes(0x21, 0x11, 0, 12, 192, 0, 2, 7, 198, 51, 100, 22,
                0x15, 0xb3, 0x01, 0xbb));   // 5555, 443
        assertArrayEquals(expected, write(2, at("192.0.2.7", 5555), at("198.51.100.22", 443)));
    }

    @Test
    void version2Ipv6IsTheSpecificationsBlock() {
        byte[] expected = concat(SIGNATURE, bytes(0x21, 0x21, 0, 36,
                0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7,
                0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                0x10, 0x92, 0xff, 0xff));   // 4242, 65535
        assertArrayEquals(expected, write(2, at("2001:db8::7", 4242), at("2001:db8::1", 65535)));
    }

    @Test
    void anUnknownClientIsUnknownOrLocal() {
        assertEquals("PROXY UNKNOWN\r\n", text(write(1, null, at("192.0.2.1", 80))));
        assertArrayEquals(concat(SIGNATURE, bytes(0x20, 0x00, 0, 0)), write(2, at("192.0.2.1", 80), null));
        for (int version = 1; version <= 2; version++) {
            byte[] wire = write(version, null, null);
            ProxyHeader header = new ProxyHeader();
            assertEquals(wire.length, header.parse(ByteBuffer.wrap(wire), 0, wire.length));
            assertTrue(header.local(), "version " + version);
        }
    }

    @Test
    void theLongestHeaderFitsMaxLength() {
        InetSocketAddress full = at("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535);
        assertTrue(write(1, full, full).length <= ProxyHeaderWriter.MAX_LENGTH);
        assertEquals(52, write(2, full, full).length);
    }

    @Test
    void writesAtThePositionAndOnlyVersionsOneAndTwo() {
        ByteBuffer buffer = ByteBuffer.allocate(200);
        buffer.put((byte) 'x');
        int length = ProxyHeaderWriter.write(buffer, 1, at("10.0.0.1", 1), at("10.0.0.2", 2));
        assertEquals(1 + length, buffer.position());
        assertEquals("xPROXY TCP4 10.0.0.1 10.0.0.2 1 2\r\n", text(Arrays.copyOf(buffer.array(), buffer.position())));
        assertThrows(IllegalArgumentException.class,
                () -> ProxyHeaderWriter.write(buffer, 3, at("10.0.0.1", 1), at("10.0.0.2", 2)));
    }

    /** Random addresses (many with zero groups, so every compression case comes up) read back as written. */
    @Test
    void whatIsWrittenReadsBackThroughTheParser() throws Exception {
        Random random = new Random(42);
        ProxyHeader header = new ProxyHeader();
        for (int round = 0; round < 2_000; round++) {
            boolean ipv6 = round % 2 == 1;
            byte[] src = new byte[ipv6 ? 16 : 4];
            byte[] dst = new byte[ipv6 ? 16 : 4];
            for (byte[] address : new byte[][] {src, dst}) {
                for (int i = 0; i < address.length; i += 2) {
                    if (random.nextInt(3) > 0) {   // a third of the groups are zero
                        address[i] = (byte) random.nextInt(256);
                        address[i + 1] = (byte) random.nextInt(256);
                    }
                }
            }
            if (ipv6 && src[0] == 0 && src[10] == (byte) 0xff) {
                src[0] = 1;   // not a mapped address, which Java would turn into IPv4
            }
            InetSocketAddress source = new InetSocketAddress(InetAddress.getByAddress(src), random.nextInt(65536));
            InetSocketAddress destination = new InetSocketAddress(InetAddress.getByAddress(dst), random.nextInt(65536));
            if (source.getAddress().getAddress().length != src.length
                    || destination.getAddress().getAddress().length != dst.length) {
                continue;   // Java read 16 bytes as a mapped IPv4 address
            }
            for (int version = 1; version <= 2; version++) {
                byte[] wire = write(version, source, destination);
                String what = "version " + version + " " + source + " -> " + destination + ": " + text(wire);
                assertEquals(wire.length, header.parse(ByteBuffer.wrap(wire), 0, wire.length), what);
                assertFalse(header.local(), what);
                assertEquals(ipv6 ? 6 : 4, header.family(), what);
                assertArrayEquals(src, Arrays.copyOf(header.source(), src.length), what);
                assertArrayEquals(dst, Arrays.copyOf(header.destination(), dst.length), what);
                assertEquals(source.getPort(), header.sourcePort(), what);
                assertEquals(destination.getPort(), header.destinationPort(), what);
            }
        }
    }
}
