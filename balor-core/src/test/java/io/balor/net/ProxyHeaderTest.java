package io.balor.net;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ProxyHeader}: versions 1 and 2 as HAProxy's specification writes them, read the way a
 * connection delivers them (split at every byte, never a byte past the header), and refused when
 * they are anything else.
 */
class ProxyHeaderTest {

    private static final byte[] APP = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** A version 2 header: command, family/transport, then the address block and TLVs as given. */
    private static byte[] v2(int command, int familyTransport, byte[] rest) {
        byte[] fixed = {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n',
                (byte) (0x20 | command), (byte) familyTransport, (byte) (rest.length >> 8), (byte) rest.length};
        return concat(fixed, rest);
    }

    /**
     * Feeds {@code wire} as a socket would, {@code step} bytes at a time at most, reading only what
     * {@link ProxyHeader#wanted} allows; returns the verdict and checks no byte past the header was taken.
     */
    private static int read(ProxyHeader header, byte[] wire, int step) {
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        int offered = 0;
        while (true) {
            int verdict = header.parse(buffer, 0, buffer.position());
            if (verdict != ProxyHeader.INCOMPLETE) {
                if (verdict > 0) {
                    assertEquals(verdict, buffer.position(), "not a byte past the header was read");
                }
                return verdict;
            }
            int take = Math.min(step, ProxyHeader.wanted(buffer, 0, buffer.position()));
            assertTrue(take >= 1);
            if (offered == wire.length) {
                return ProxyHeader.INCOMPLETE;
            }
            take = Math.min(take, wire.length - offered);
            buffer.put(wire, offered, take);
            offered += take;
        }
    }

    @Test
    void version1Tcp4AtEveryStep() {
        byte[] line = ascii("PROXY TCP4 192.0.2.1 198.51.100.22 56324 443\r\n");
        for (int step = 1; step <= 64; step++) {
            ProxyHeader header = new ProxyHeader();
            assertEquals(line.length, read(header, concat(line, APP), step), "step " + step);
            assertFalse(header.local());
            assertEquals(4, header.family());
            assertArrayEquals(new byte[] {(byte) 192, 0, 2, 1}, Arrays.copyOf(header.source(), 4));
            assertArrayEquals(new byte[] {(byte) 198, 51, 100, 22}, Arrays.copyOf(header.destination(), 4));
            assertEquals(56324, header.sourcePort());
            assertEquals(443, header.destinationPort());
        }
    }

    @Test
    void version1Tcp6AndUnknown() {
        ProxyHeader header = new ProxyHeader();
        byte[] line = ascii("PROXY TCP6 2001:db8::1 ::ffff:1 1 65535\r\n");
        assertEquals(line.length, read(header, concat(line, APP), 1));
        assertEquals(6, header.family());
        byte[] expected = new byte[16];
        expected[0] = 0x20;
        expected[1] = 0x01;
        expected[2] = 0x0d;
        expected[3] = (byte) 0xb8;
        expected[15] = 1;
        assertArrayEquals(expected, header.source());
        byte[] destination = new byte[16];
        destination[12] = (byte) 0xff;
        destination[13] = (byte) 0xff;
        destination[15] = 1;
        assertArrayEquals(destination, header.destination());
        assertEquals(65535, header.destinationPort());

        byte[] unknown = ascii("PROXY UNKNOWN\r\n");
        assertEquals(unknown.length, read(header, concat(unknown, APP), 1));
        assertTrue(header.local());
        byte[] unknownWithAddresses = ascii("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n");
        assertEquals(unknownWithAddresses.length, read(header, unknownWithAddresses, 3));
        assertTrue(header.local());
    }

    @Test
    void version2Tcp4Tcp6LocalAndTlvsAtEveryStep() {
        byte[] tcp4 = v2(1, 0x11, new byte[] {10, 0, 0, 7, 127, 0, 0, 1, (byte) 0xdb, (byte) 0xfc, 0x01, (byte) 0xbb});
        byte[] tlvs = {0x01, 0, 2, 'h', '2', 0x04, 0, 3, 0, 0, 0};   // ALPN "h2", NOOP of 3
        byte[] withTlvs = v2(1, 0x11, concat(Arrays.copyOfRange(tcp4, 16, 28), tlvs));
        byte[] tcp6Block = new byte[36];
        tcp6Block[0] = 0x20;
        tcp6Block[1] = 0x01;
        tcp6Block[15] = 9;
        tcp6Block[31] = 1;
        tcp6Block[32] = 0x30;
        tcp6Block[33] = 0x39;
        tcp6Block[35] = 80;
        byte[] tcp6 = v2(1, 0x21, tcp6Block);
        byte[] local = v2(0, 0x00, new byte[0]);
        for (int step = 1; step <= 40; step++) {
            ProxyHeader header = new ProxyHeader();
            assertEquals(tcp4.length, read(header, concat(tcp4, APP), step), "step " + step);
            assertEquals(4, header.family());
            assertArrayEquals(new byte[] {10, 0, 0, 7}, Arrays.copyOf(header.source(), 4));
            assertEquals(56316, header.sourcePort());
            assertEquals(443, header.destinationPort());

            assertEquals(withTlvs.length, read(header, concat(withTlvs, APP), step), "TLVs skipped, step " + step);
            assertEquals(56316, header.sourcePort());

            assertEquals(tcp6.length, read(header, concat(tcp6, APP), step));
            assertEquals(6, header.family());
            assertEquals(9, header.source()[15]);
            assertEquals(12345, header.sourcePort());
            assertEquals(80, header.destinationPort());

            assertEquals(local.length, read(header, concat(local, APP), step));
            assertTrue(header.local());
        }
    }

    @Test
    void anythingElseIsRefused() {
        List<byte[]> refused = List.of(
                ascii("GET / HTTP/1.1\r\n\r\n"),                                // no header at all
                ascii("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001"),      // a TLS ClientHello
                ascii("PROXY TCP5 1.2.3.4 1.2.3.4 1 1\r\n"),
                ascii("PROXY TCP4 1.2.3.4 1.2.3.4 1 1\n"),                      // LF alone: no CRLF within 107
                ascii("PROXY TCP4 1.2.3 1.2.3.4 1 1\r\n"),
                ascii("PROXY TCP4 1.2.3.256 1.2.3.4 1 1\r\n"),
                ascii("PROXY TCP4 01.2.3.4 1.2.3.4 1 1\r\n"),
                ascii("PROXY TCP4 1.2.3.4 1.2.3.4 65536 1\r\n"),
                ascii("PROXY TCP4 1.2.3.4 1.2.3.4 080 1\r\n"),
                ascii("PROXY TCP4 1.2.3.4 1.2.3.4 1\r\n"),
                ascii("PROXY TCP4  1.2.3.4 1.2.3.4 1 1\r\n"),
                ascii("PROXY TCP6 1::2::3 ::1 1 1\r\n"),
                ascii("PROXY TCP6 12345::1 ::1 1 1\r\n"),
                ascii("PROXY TCP4 1.2.3.4 1.2.3.4 1 1 " + "x".repeat(100) + "\r\n"),   // past 107
                ascii("proxy TCP4 1.2.3.4 1.2.3.4 1 1\r\n"),
                v2(2, 0x11, new byte[12]),                                             // command 2
                v2(1, 0x12, new byte[12]),                                             // UDP
                v2(1, 0x31, new byte[216]),                                            // UNIX
                v2(1, 0x11, new byte[11]),                                             // too short for TCP4
                v2(1, 0x21, new byte[35]),
                v2(1, 0x11, new byte[ProxyHeader.MAX_V2_LENGTH + 1]));
        for (byte[] wire : refused) {
            assertEquals(ProxyHeader.INVALID, read(new ProxyHeader(), concat(wire, new byte[200]), 1),
                    new String(wire, StandardCharsets.ISO_8859_1));
        }
        byte[] badVersion = v2(1, 0x11, new byte[12]);
        badVersion[12] = 0x11;
        assertEquals(ProxyHeader.INVALID, read(new ProxyHeader(), badVersion, 16));
    }
}
