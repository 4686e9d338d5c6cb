package io.balor.tls;

/**
 * An IP address's bytes as text, without any lookup: IPv4 dotted decimal, IPv6 in the canonical
 * form of RFC 5952 §4 (lower-case hex without leading zeros; the longest run of two or more zero
 * groups, the first of equal runs, as {@code ::}; an IPv4-mapped address as {@code ::ffff:a.b.c.d},
 * §5). Stateless.
 */
final class IpAddressText {

    private IpAddressText() {
    }

    /** The text of a 4- or 16-byte address, or null for any other length. */
    static String of(byte[] address) {
        if (address.length == 4) {
            return ipv4(address, 0);
        }
        if (address.length != 16) {
            return null;
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (address[2 * i] & 0xff) << 8 | (address[2 * i + 1] & 0xff);
        }
        if (groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0
                && groups[5] == 0xffff) {
            return "::ffff:" + ipv4(address, 12);
        }
        int bestStart = -1;
        int bestLength = 1;   // a single zero group is not compressed (§4.2.2)
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    private static String ipv4(byte[] address, int from) {
        return (address[from] & 0xff) + "." + (address[from + 1] & 0xff) + "." + (address[from + 2] & 0xff) + "."
                + (address[from + 3] & 0xff);
    }
}
