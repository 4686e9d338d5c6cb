package io.balor.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of IP address ranges in CIDR form ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a single
 * address, which is {@code /32} or {@code /128}), and whether an address falls in one of them:
 * the peers a listener trusts to tell it who the client is (the PROXY protocol).
 *
 * <p>An IPv4 address seen as IPv4-mapped IPv6 ({@code ::ffff:10.1.2.3}, as a dual-stack socket
 * reports it) matches the IPv4 ranges. Parsing never looks a name up: only literals are taken.
 *
 * <p>Immutable; any thread. {@link #contains} does not allocate.
 */
public final class AddressRanges {

    private final byte[][] networks;
    private final int[] prefixes;

    private AddressRanges(byte[][] networks, int[] prefixes) {
        this.networks = networks;
        this.prefixes = prefixes;
    }

    /**
     * Parses {@code ranges}; every one that is not a CIDR range or an address literal is given
     * to {@code problems} with its path ({@code path[i]}) and why, and the result is then null.
     */
    public static AddressRanges parse(List<String> ranges, String path, java.util.function.BiConsumer<String, String> problems) {
        byte[][] networks = new byte[ranges.size()][];
        int[] prefixes = new int[ranges.size()];
        boolean bad = false;
        for (int i = 0; i < ranges.size(); i++) {
            String range = ranges.get(i);
            String why = range == null ? "must be an address or a range such as 10.0.0.0/8" : null;
            if (why == null) {
                int slash = range.indexOf('/');
                String address = slash < 0 ? range : range.substring(0, slash);
                byte[] bytes = literal(address);
                if (bytes == null) {
                    why = "'" + range + "' is not an IP address or a range such as 10.0.0.0/8 or fd00::/8";
                } else {
                    int bits = bytes.length * 8;
                    int prefix = slash < 0 ? bits : prefix(range.substring(slash + 1), bits);
                    if (prefix < 0) {
                        why = "'" + range + "': the prefix length must be 0.." + bits;
                    } else if (!hostBitsClear(bytes, prefix)) {
                        why = "'" + range + "' has bits set past its prefix length (did you mean "
                                + canonical(bytes, prefix) + "?)";
                    } else {
                        networks[i] = bytes;
                        prefixes[i] = prefix;
                    }
                }
            }
            if (why != null) {
                problems.accept(path + "[" + i + "]", why);
                bad = true;
            }
        }
        return bad ? null : new AddressRanges(networks, prefixes);
    }

    /** Whether {@code address} (4 or 16 bytes) is in one of the ranges. */
    public boolean contains(byte[] address) {
        boolean mapped = isIpv4Mapped(address);
        for (int i = 0; i < networks.length; i++) {
            byte[] network = networks[i];
            if (network.length == address.length) {
                if (matches(network, 0, address, 0, prefixes[i])) {
                    return true;
                }
            } else if (mapped && network.length == 4 && matches(network, 0, address, 12, prefixes[i])) {
                return true;
            }
        }
        return false;
    }

    /** How many ranges there are. */
    public int size() {
        return networks.length;
    }

    private static boolean matches(byte[] network, int networkAt, byte[] address, int addressAt, int prefix) {
        int whole = prefix / 8;
        for (int b = 0; b < whole; b++) {
            if (network[networkAt + b] != address[addressAt + b]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (network[networkAt + whole] & mask) == (address[addressAt + whole] & mask);
    }

    private static boolean isIpv4Mapped(byte[] address) {
        if (address.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    }

    /** The bytes of an IPv4 dotted quad (no leading zeros) or an IPv6 literal (no zone), else null. */
    static byte[] literal(String text) {
        if (text.isEmpty() || text.indexOf('%') >= 0) {
            return null;
        }
        if (text.indexOf(':') < 0) {
            String[] parts = text.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                String part = parts[i];
                if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')
                        || !part.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(part) > 255) {
                    return null;
                }
                bytes[i] = (byte) Integer.parseInt(part);
            }
            return bytes;
        }
        if (!text.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
            return null;
        }
        try {
            // A literal with a colon is parsed, never looked up.
            byte[] bytes = InetAddress.getByName(text).getAddress();
            return bytes.length == 16 ? bytes : null;   // an IPv4-mapped literal comes back as 4 bytes
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static int prefix(String text, int bits) {
        if (text.isEmpty() || text.length() > 3 || (text.length() > 1 && text.charAt(0) == '0')
                || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int value = Integer.parseInt(text);
        return value <= bits ? value : -1;
    }

    private static boolean hostBitsClear(byte[] bytes, int prefix) {
        for (int bit = prefix; bit < bytes.length * 8; bit++) {
            if ((bytes[bit / 8] >> (7 - bit % 8) & 1) != 0) {
                return false;
            }
        }
        return true;
    }

    private static String canonical(byte[] bytes, int prefix) {
        byte[] masked = bytes.clone();
        for (int bit = prefix; bit < masked.length * 8; bit++) {
            masked[bit / 8] &= (byte) ~(1 << (7 - bit % 8));
        }
        try {
            return InetAddress.getByAddress(masked).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ranges as given, for messages. */
    @Override
    public String toString() {
        List<String> text = new ArrayList<>();
        for (int i = 0; i < networks.length; i++) {
            text.add(canonical(networks[i], prefixes[i]));
        }
        return text.toString();
    }
}
