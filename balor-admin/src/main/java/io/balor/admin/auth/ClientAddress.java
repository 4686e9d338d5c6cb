package io.balor.admin.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;

/**
 * The key a client address counts under, wherever the admin API counts clients (login throttles,
 * the hashing queue, the audit's aggregation of anonymous refusals): an IPv4 address as it is, an
 * IPv6 address its /64, the block one subscriber usually gets, so hopping within it does not
 * help. Stateless.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    /** {@code 192.0.2.7}, or {@code 20010db800010002::/64}; null for null. */
    public static String key(InetAddress address) {
        if (address == null) {
            return null;
        }
        if (address instanceof Inet6Address) {
            return HexFormat.of().formatHex(address.getAddress(), 0, 8) + "::/64";
        }
        return address.getHostAddress();
    }
}
