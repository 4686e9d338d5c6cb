package io.balor.config;

import java.util.List;

/**
 * A listener that reads the PROXY protocol header (HAProxy's, version 1 or 2, told apart by
 * itself) that the proxy in front of it sends first on every connection, and takes the client's
 * address from it: for {@code X-Forwarded-For}, per-client rate limits, {@code ip_hash}, the
 * access log and the sessions list.
 *
 * <p>Only peers in {@code trusted} may send one; a connection from any other address is closed
 * at once, as is one whose header is malformed, too long or late. The header is read before
 * anything else, TLS included.
 *
 * @param trusted the proxies' addresses or CIDR ranges ({@code 10.0.0.0/8}, {@code fd00::/8}); at least one
 */
public record ProxyProtocolConfig(List<String> trusted) {

    public ProxyProtocolConfig {
        trusted = trusted == null ? List.of() : List.copyOf(trusted);
    }

    void check(String path, Problems problems) {
        if (trusted.isEmpty()) {
            problems.add(path + ".trusted", "name the proxies that may send a PROXY header (addresses or ranges"
                    + " such as 10.0.0.0/8): with none, every connection would be refused");
            return;
        }
        io.balor.net.AddressRanges.parse(trusted, path + ".trusted", problems::add);
    }
}
