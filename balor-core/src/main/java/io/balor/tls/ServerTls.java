package io.balor.tls;

import io.balor.net.ServerEngines;

import javax.net.ssl.SSLEngine;
import java.util.List;

/**
 * A terminating listener's certificates for one config generation: by the route host the SNI
 * name matches, else by the names a loaded certificate covers (its SANs, a wildcard covering
 * one label), else the listener's own. An entry whose files never loaded is skipped. Immutable;
 * loops call {@link #engineFor} once per handshake.
 */
public final class ServerTls implements ServerEngines {

    private final SniMatcher<CertificateEntry> routes;
    private final List<CertificateEntry> all;
    private final long handshakeTimeoutNanos;
    private final boolean http;
    private final boolean http2;

    /**
     * @param routes  route host patterns → their certificates, with the listener's own as fallback
     * @param all     every certificate of the listener, for matching by the names they cover
     * @param http    offer ALPN {@code http/1.1} (HTTP listeners); a TCP listener negotiates none
     * @param http2   offer {@code h2} too, first
     */
    public ServerTls(SniMatcher<CertificateEntry> routes, List<CertificateEntry> all, long handshakeTimeoutNanos,
                     boolean http, boolean http2) {
        this.routes = routes;
        this.all = List.copyOf(all);
        this.handshakeTimeoutNanos = handshakeTimeoutNanos;
        this.http = http;
        this.http2 = http2;
    }

    @Override
    public SSLEngine engineFor(String serverName) {
        CertificateEntry entry = routes.find(serverName);
        if (entry == null || !entry.usable()) {
            entry = covering(serverName);
        }
        if (entry == null || !entry.usable()) {
            entry = routes.fallback();
        }
        return entry == null ? null : entry.newEngine(http, http2);
    }

    @Override
    public long handshakeTimeoutNanos() {
        return handshakeTimeoutNanos;
    }

    private CertificateEntry covering(String serverName) {
        if (serverName == null) {
            return null;
        }
        for (CertificateEntry entry : all) {
            for (String name : entry.dnsNames()) {
                if (covers(name, serverName)) {
                    return entry;
                }
            }
        }
        return null;
    }

    /** RFC 6125 §6.4.3: a wildcard stands for exactly one whole left-most label. */
    static boolean covers(String pattern, String serverName) {
        if (!pattern.startsWith("*.")) {
            return pattern.equals(serverName);
        }
        int dot = serverName.indexOf('.');
        return dot > 0 && serverName.substring(dot).equals(pattern.substring(1));
    }
}
