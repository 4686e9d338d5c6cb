package io.balor.tls;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** RFC 5952 §4 and §5, case by case (the RFC's own examples where it has them). */
class IpAddressTextTest {

    private static String text(String literal) throws Exception {
        byte[] bytes = InetAddress.getByName(literal).getAddress();   // a literal: no lookup
        return IpAddressText.of(bytes);
    }

    private static String text16(int... groups) {
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[2 * i] = (byte) (groups[i] >> 8);
            bytes[2 * i + 1] = (byte) groups[i];
        }
        return IpAddressText.of(bytes);
    }

    @Test
    void ipv4IsDottedDecimal() throws Exception {
        assertEquals("127.0.0.1", text("127.0.0.1"));
        assertEquals("255.0.10.200", IpAddressText.of(new byte[] {(byte) 255, 0, 10, (byte) 200}));
    }

    @Test
    void ipv6IsLowerCaseWithoutLeadingZerosAndTheLongestZeroRunCompressed() throws Exception {
        assertEquals("2001:db8::1", text("2001:0DB8:0:0:0:0:0:0001"));                 // §4.1, §4.2.1, §4.3
        assertEquals("2001:db8:0:1:1:1:1:1", text16(0x2001, 0xdb8, 0, 1, 1, 1, 1, 1));    // §4.2.2: one zero stays
        assertEquals("2001:0:0:1::1", text16(0x2001, 0, 0, 1, 0, 0, 0, 1));               // §4.2.3: the longest run
        assertEquals("2001:db8::1:0:0:1", text16(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1));       // §4.2.3: the first of equals
        assertEquals("::1", text16(0, 0, 0, 0, 0, 0, 0, 1));
        assertEquals("::", text16(0, 0, 0, 0, 0, 0, 0, 0));
        assertEquals("1::", text16(1, 0, 0, 0, 0, 0, 0, 0));
        assertEquals("1:2:3:4:5:6:7:8", text16(1, 2, 3, 4, 5, 6, 7, 8));
        assertEquals("::ffff:192.0.2.1", text16(0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201));  // §5: IPv4-mapped
    }

    @Test
    void otherLengthsAreNotAddresses() {
        assertNull(IpAddressText.of(new byte[8]));
        assertNull(IpAddressText.of(new byte[0]));
    }
}
