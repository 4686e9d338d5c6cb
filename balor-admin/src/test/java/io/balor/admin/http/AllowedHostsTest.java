package io.balor.admin.http;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which {@code Host} values the admin API answers ({@link AllowedHosts}), the guard against DNS
 * rebinding: {@code localhost}, {@code 127.0.0.1} and {@code [::1]} always, with any valid port,
 * in any case and with one trailing dot; the bound address; every IP literal (never a name) when
 * bound to a wildcard address; the extra names given, the same way. Refused: any other name, no
 * or several {@code Host} values, a malformed or out-of-range port, a bare IPv6 address. And
 * {@link AllowedHosts#nameProblem}, which checks {@code BALOR_ADMIN_HOSTS} entries.
 */
class AllowedHostsTest {

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 9443);

    private static boolean allows(AllowedHosts hosts, String host) {
        return hosts.allows(List.of(host));
    }

    /** Every value of {@code hosts} that {@code allowed} does not answer (empty: all are). */
    private static List<String> refused(AllowedHosts allowed, String... hosts) {
        List<String> refused = new ArrayList<>();
        for (String host : hosts) {
            if (!allows(allowed, host)) {
                refused.add(host);
            }
        }
        return refused;
    }

    /** Every value of {@code hosts} that {@code allowed} answers (empty: none is). */
    private static List<String> answered(AllowedHosts allowed, String... hosts) {
        List<String> answered = new ArrayList<>(Arrays.asList(hosts));
        answered.removeAll(refused(allowed, hosts));
        return answered;
    }

    @Test
    void theLoopbackNamesAreAlwaysAnsweredWithOrWithoutAPort() {
        AllowedHosts hosts = AllowedHosts.of(LOOPBACK, List.of());
        assertEquals(List.of(), refused(hosts, "localhost", "localhost:9443", "localhost:1", "localhost:65535",
                "LOCALHOST", "LocalHost:80", "localhost.", "localhost.:9443", "127.0.0.1", "127.0.0.1:9443",
                "127.0.0.1.", "[::1]", "[::1]:9443", " localhost ", "localhost:00080"));
        AllowedHosts elsewhere = AllowedHosts.of(new InetSocketAddress("10.1.2.3", 9443), List.of());
        assertEquals(List.of(), refused(elsewhere, "localhost", "127.0.0.1:9443", "[::1]"),
                "whatever the server is bound to");
    }

    @Test
    void theBoundAddressIsAnsweredButNoOtherAddressUnlessBoundToAWildcard() {
        AllowedHosts bound = AllowedHosts.of(new InetSocketAddress("10.1.2.3", 9443), List.of());
        assertEquals(List.of(), refused(bound, "10.1.2.3", "10.1.2.3:9443", "10.1.2.3."));
        assertEquals(List.of(), answered(bound, "10.1.2.4", "10.1.2.4:9443", "192.168.0.1", "[fe80::1]", "127.0.0.2"));

        AllowedHosts v6 = AllowedHosts.of(new InetSocketAddress("fd00::5", 9443), List.of());
        assertEquals(List.of(), refused(v6, "[fd00::5]", "[FD00:0:0::5]:9443", "localhost"));
        assertEquals(List.of(), answered(v6, "[fd00::6]", "10.1.2.3", "fd00::5"));

        AllowedHosts loopback = AllowedHosts.of(LOOPBACK, List.of());
        assertEquals(List.of(), answered(loopback, "127.0.0.2", "10.0.0.1", "[::2]", "0.0.0.0"),
                "bound to 127.0.0.1, no other literal");

        for (InetSocketAddress wildcard : List.of(new InetSocketAddress("0.0.0.0", 9443), new InetSocketAddress("::", 9443))) {
            AllowedHosts any = AllowedHosts.of(wildcard, List.of());
            assertEquals(List.of(), refused(any, "192.168.7.7", "10.0.0.1:8080", "[fe80::1]", "[2001:db8::1]:443",
                    "203.0.113.9.", "localhost"), "bound to " + wildcard + ": every literal");
            assertEquals(List.of(), answered(any, "evil.example", "evil.example:9443", "myhost", "myhost.local",
                    "999.1.1.1", "1.2.3", "1.2.3.4.5", "2130706433", "0x7f.0.0.1", "[evil.example]"),
                    "bound to " + wildcard + ": never a name, nor what only looks like an address");
        }
        AllowedHosts unbound = AllowedHosts.of(null, List.of());
        assertTrue(allows(unbound, "192.168.7.7"), "no bind address is read as a wildcard");
        assertFalse(allows(unbound, "evil.example"));
    }

    @Test
    void extraNamesAreAnsweredInAnyCaseWithOneTrailingDot() {
        AllowedHosts hosts = AllowedHosts.of(LOOPBACK, List.of("Balor.Example.", "admin.internal", "[fd00::7]", "192.0.2.10"));
        assertEquals(List.of(), refused(hosts, "balor.example", "BALOR.EXAMPLE", "balor.example.", "Balor.Example.:9443",
                "admin.internal:443", "ADMIN.INTERNAL.", "[fd00::7]", "[fd00::7]:80", "192.0.2.10", "192.0.2.10:9443"));
        assertEquals(List.of(), answered(hosts, "sub.balor.example", "balor.example.evil", "balor.example..",
                "xbalor.example", "balor-example", "admin.internal.evil", "192.0.2.11", "evil.example"));
    }

    @Test
    void anythingElseIsRefused() {
        AllowedHosts hosts = AllowedHosts.of(LOOPBACK, List.of("balor.example"));
        assertEquals(List.of(), answered(hosts, "evil.example", "evil.example:9443", "localhost.evil.example",
                "127.0.0.1.evil.example", "localhost:", "localhost:0", "localhost:65536", "localhost:99999",
                "localhost:123456", "localhost:-1", "localhost:+80", "localhost:8o", "localhost:80:80", "localhost: 80",
                "::1", "::1:9443", "[::1", "[::1]x", "[::1]:", "[::1]:0", "[::1]:65536", "[localhost]", "", " ",
                "localhost..", "local host", "localhost%00", "balor.example:0", "user@localhost", "localhost/x"));
        assertFalse(hosts.allows(null), "no Host at all");
        assertFalse(hosts.allows(List.of()), "no value");
        assertFalse(hosts.allows(List.of("localhost", "localhost")), "the same value twice");
        assertFalse(hosts.allows(List.of("localhost", "evil.example")), "two values");
    }

    @Test
    void nameProblemAcceptsNamesAndAddressesWithoutAPort() {
        for (String name : List.of("balor.example", "Balor.Example.", "admin", "a-b.c-d.example", "10.0.0.1", "::1",
                "[::1]", "fd00::7", "[2001:db8::1]", "x".repeat(63) + ".example")) {
            assertNull(AllowedHosts.nameProblem(name), name);
        }
        for (String name : List.of("balor.example:9443", "http://balor.example", "balor.example/", "", " ", "-bad.example",
                "bad-.example", "a..b", "under_score.example", "*.example", "balor example", "x".repeat(64) + ".example",
                ("a".repeat(60) + ".").repeat(5), "[::1]:9443", "::1:9443:x", "[::1", "bal\u00f6r.example", "1.2.3.4:80")) {
            String problem = AllowedHosts.nameProblem(name);
            assertTrue(problem != null && problem.contains("is not a host name or an IP address"), name + ": " + problem);
        }
        assertEquals("a host name is required", AllowedHosts.nameProblem(null));
    }

    @Test
    void nameProblemRefusesBracketsAroundWhatIsNotAnIpv6Address() {
        for (String name : List.of("[balor.example]", "[10.0.0.1]", "[admin]")) {
            String problem = AllowedHosts.nameProblem(name);
            assertTrue(problem != null && problem.contains("is not a host name or an IP address"), name + ": " + problem);
        }
    }
}
