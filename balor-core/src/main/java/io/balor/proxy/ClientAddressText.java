package io.balor.proxy;

import io.balor.net.Connection;

import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * A client's address as ASCII, as {@code X-Forwarded-For} and the access log write it: the bytes
 * {@code bytes()[0, length())}, rewritten in place for each client, so no string is made or kept
 * per connection for an IPv4 client. Owned by its exchange's loop thread.
 */
final class ClientAddressText {

    /** The longest address kept (an IPv6 text with a zone). */
    private static final int MAX = 64;

    private final byte[] text = new byte[MAX];
    private int length;
    /** The address the text is of: the streams of one HTTP/2 connection, one after another, share it. */
    private InetSocketAddress written;

    /**
     * Writes {@code client}'s address: an IPv4 one from its bits, any other from {@link
     * Connection#peer()}; nothing when it is the one written last (a connection keeps its address object).
     */
    void write(Connection client) {
        InetSocketAddress address = client.client();
        if (address != null && address == written) {
            return;
        }
        written = address;
        if (address != null && address.getAddress() instanceof Inet4Address ipv4) {
            int bits = ipv4.hashCode();   // Inet4Address: the address itself
            int at = 0;
            for (int shift = 24; shift >= 0; shift -= 8) {
                int octet = bits >>> shift & 0xff;
                if (octet >= 100) {
                    text[at++] = (byte) ('0' + octet / 100);
                }
                if (octet >= 10) {
                    text[at++] = (byte) ('0' + octet / 10 % 10);
                }
                text[at++] = (byte) ('0' + octet % 10);
                if (shift > 0) {
                    text[at++] = '.';
                }
            }
            length = at;
            return;
        }
        String peer = client.peer();
        length = Math.min(Math.max(peer.lastIndexOf(':'), 0), MAX);
        for (int i = 0; i < length; i++) {
            text[i] = (byte) peer.charAt(i);
        }
    }

    /** The address's bytes, valid up to {@link #length()}. */
    byte[] bytes() {
        return text;
    }

    int length() {
        return length;
    }
}
