package io.balor.config;

import java.util.List;

/**
 * A listener that reads the PROXY protocol header (HAProxy's, version 1 or 2, told apart by
 * itself) that the proxy in front of it sends first on every connection, and takes the client's
 * address from it: for {@code X-Forwarded-For}, per-client rate limits, {@code ip_hash}, the
 * access log, the sessions list, and the header Balor itself sends to a pool with
 * {@link PoolConfig#sendProxyProtocol()}.
 *
 * <p>Only peers in {@code trusted} may send one; a connection from any other address is closed
 * at once, as is one whose header is malformed, too long or late. The header is read before
 * anything else, TLS included.
 *
 * @param accept  whether the listener reads the header (true, the default when the section is
 *                there); false keeps the section but reads none, as if it were absent: every
 *                peer is then the client itself, and {@code trusted} may be empty
 * @param trusted the proxies' addresses or CIDR ranges ({@code 10.0.0.0/8}, {@code fd00::/8});
 *                at least one when {@code accept} is true
 */
public record ProxyProtocolConfig(boolean accept, List<String> trusted) {

    public ProxyProtocolConfig {
        trusted = trusted == null ? List.of() : List.copyOf(trusted);
    }

    /** A listener that accepts the header from {@code trusted}. */
    public ProxyProtocolConfig(List<String> trusted) {
        this(true, trusted);
    }

    void check(String path, Problems problems) {
        if (accept && trusted.isEmpty()) {
            problems.add(path + ".trusted", "name the proxies that may send a PROXY header (addresses or ranges"
                    + " such as 10.0.0.0/8): with none, every connection would be refused");
            return;
        }
        io.balor.net.AddressRanges.parse(trusted, path + ".trusted", problems::add);
    }
}
