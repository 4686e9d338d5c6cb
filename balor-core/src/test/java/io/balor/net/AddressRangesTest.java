package io.balor.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link AddressRanges}: CIDR ranges of both families, IPv4-mapped peers, and every bad range named. */
class AddressRangesTest {

    private static byte[] ip(String literal) throws Exception {
        return InetAddress.getByName(literal).getAddress();
    }

    @Test
    void addressesInAndOutOfTheRanges() throws Exception {
        List<String> problems = new ArrayList<>();
        AddressRanges ranges = AddressRanges.parse(List.of("127.0.0.0/8", "10.1.0.0/16", "192.0.2.7", "fd00::/8",
                "2001:db8::1", "172.16.0.0/12"), "listeners[0].proxy_protocol.trusted", (at, why) -> problems.add(at + ": " + why));
        assertNotNull(ranges, problems.toString());
        for (String in : List.of("127.0.0.1", "127.255.255.254", "10.1.200.3", "192.0.2.7", "fd12::1", "2001:db8::1",
                "172.31.255.255", "172.16.0.0")) {
            assertTrue(ranges.contains(ip(in)), in);
        }
        for (String out : List.of("128.0.0.1", "10.2.0.1", "192.0.2.8", "fe80::1", "2001:db8::2", "172.32.0.0",
                "::1", "0.0.0.0")) {
            assertFalse(ranges.contains(ip(out)), out);
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 10;
        mapped[13] = 1;
        mapped[14] = 9;
        mapped[15] = 9;
        assertTrue(ranges.contains(mapped), "::ffff:10.1.9.9 is 10.1.9.9");
        mapped[13] = 2;
        assertFalse(ranges.contains(mapped));
        assertTrue(AddressRanges.parse(List.of("0.0.0.0/0"), "t", (at, why) -> problems.add(at + ": " + why)).contains(ip("203.0.113.9")));
        assertFalse(AddressRanges.parse(List.of("0.0.0.0/0"), "t", (at, why) -> problems.add(at + ": " + why)).contains(ip("2001:db8::9")));
    }

    @Test
    void everyBadRangeIsNamedByItsPlace() {
        List<String> problems = new ArrayList<>();
        assertNull(AddressRanges.parse(List.of("10.0.0.0/8", "10.0.0.1/8", "localhost", "10.0.0/8", "010.0.0.0/8",
                "10.0.0.0/33", "::1/129", "fe80::1%eth0", "10.0.0.0/", "1.2.3.4/08", "example.com/8"), "trusted", (at, why) -> problems.add(at + ": " + why)));
        assertEquals(List.of(
                "trusted[1]: '10.0.0.1/8' has bits set past its prefix length (did you mean 10.0.0.0/8?)",
                "trusted[2]: 'localhost' is not an IP address or a range such as 10.0.0.0/8 or fd00::/8",
                "trusted[3]: '10.0.0/8' is not an IP address or a range such as 10.0.0.0/8 or fd00::/8",
                "trusted[4]: '010.0.0.0/8' is not an IP address or a range such as 10.0.0.0/8 or fd00::/8",
                "trusted[5]: '10.0.0.0/33': the prefix length must be 0..32",
                "trusted[6]: '::1/129': the prefix length must be 0..128",
                "trusted[7]: 'fe80::1%eth0' is not an IP address or a range such as 10.0.0.0/8 or fd00::/8",
                "trusted[8]: '10.0.0.0/': the prefix length must be 0..32",
                "trusted[9]: '1.2.3.4/08': the prefix length must be 0..32",
                "trusted[10]: 'example.com/8' is not an IP address or a range such as 10.0.0.0/8 or fd00::/8"),
                problems);
    }
}
