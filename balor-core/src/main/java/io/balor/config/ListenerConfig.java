package io.balor.config;

import java.util.List;

/**
 * A bound address and what to do with the connections it accepts.
 *
 * <p>A listener sends its connections to the pool it names, or to its own inline
 * {@code upstreams} (the original Balor's TCP form), never both. Its upstream ids are then
 * {@code listener-name/address}.
 *
 * @param name           unique among listeners
 * @param listen         {@code host:port} to bind ({@code 127.0.0.1:0} picks a free port)
 * @param protocol       {@link Protocol#TCP} (L4) or {@link Protocol#HTTP} (L7)
 * @param pool           the name of a pool in {@link BalorConfig#pools()}, or null
 * @param upstreams      inline upstreams, used when {@code pool} is null
 * @param enabled        a disabled listener keeps its config but is not bound
 * @param maxConnections sessions open at once; past it the listener stops accepting (new
 *                       clients wait in the kernel's backlog, as with HAProxy's maxconn) until
 *                       one ends; 0 means no limit
 * @param timeouts       connect, idle and drain timeouts
 * @param http           routes, stickiness, limits and timeouts of an HTTP listener (a TCP
 *                       listener with TLS uses its routes only, matched against the SNI name)
 * @param tls            TLS termination or passthrough, or null (see {@link #terminatesTls()})
 * @param rateLimit      requests (HTTP) or new connections (TCP) the listener takes, or null
 * @param proxyProtocol  the PROXY protocol header trusted proxies send first, or null (none is
 *                       read, as with {@code accept: false}; see {@link #acceptsProxyProtocol()})
 */
public record ListenerConfig(String name, String listen, Protocol protocol, String pool,
                             List<UpstreamConfig> upstreams, boolean enabled, int maxConnections,
                             Timeouts timeouts, HttpSettings http, TlsConfig tls, RateLimitConfig rateLimit,
                             ProxyProtocolConfig proxyProtocol) {

    public ListenerConfig {
        upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
        protocol = protocol == null ? Protocol.TCP : protocol;
        timeouts = timeouts == null ? Timeouts.DEFAULT : timeouts;
        http = http == null ? HttpSettings.DEFAULT : http;
    }

    /** A listener without the PROXY protocol. */
    public ListenerConfig(String name, String listen, Protocol protocol, String pool, List<UpstreamConfig> upstreams,
                          boolean enabled, int maxConnections, Timeouts timeouts, HttpSettings http, TlsConfig tls,
                          RateLimitConfig rateLimit) {
        this(name, listen, protocol, pool, upstreams, enabled, maxConnections, timeouts, http, tls, rateLimit, null);
    }

    /** A listener without TLS of its own (its routes may still carry certificates). */
    public ListenerConfig(String name, String listen, Protocol protocol, String pool, List<UpstreamConfig> upstreams,
                          boolean enabled, int maxConnections, Timeouts timeouts, HttpSettings http) {
        this(name, listen, protocol, pool, upstreams, enabled, maxConnections, timeouts, http, null, null);
    }

    /** A listener without a rate limit. */
    public ListenerConfig(String name, String listen, Protocol protocol, String pool, List<UpstreamConfig> upstreams,
                          boolean enabled, int maxConnections, Timeouts timeouts, HttpSettings http, TlsConfig tls) {
        this(name, listen, protocol, pool, upstreams, enabled, maxConnections, timeouts, http, tls, null);
    }

    /** A listener with the default HTTP settings (what a TCP listener has). */
    public ListenerConfig(String name, String listen, Protocol protocol, String pool, List<UpstreamConfig> upstreams,
                          boolean enabled, int maxConnections, Timeouts timeouts) {
        this(name, listen, protocol, pool, upstreams, enabled, maxConnections, timeouts, HttpSettings.DEFAULT);
    }

    /** An enabled HTTP listener whose requests go to a named pool unless a route says otherwise. */
    public static ListenerConfig http(String name, String listen, String pool) {
        return new ListenerConfig(name, listen, Protocol.HTTP, pool, List.of(), true, 0, Timeouts.DEFAULT,
                HttpSettings.DEFAULT);
    }

    /** An enabled TCP listener that sends its connections to a named pool. */
    public static ListenerConfig tcp(String name, String listen, String pool) {
        return new ListenerConfig(name, listen, Protocol.TCP, pool, List.of(), true, 0, Timeouts.DEFAULT);
    }

    public ListenerConfig withListen(String value) {
        return new ListenerConfig(name, value, protocol, pool, upstreams, enabled, maxConnections, timeouts,
                http, tls, rateLimit, proxyProtocol);
    }

    public ListenerConfig withPool(String value) {
        return new ListenerConfig(name, listen, protocol, value, upstreams, enabled, maxConnections, timeouts,
                http, tls, rateLimit, proxyProtocol);
    }

    public ListenerConfig withUpstreams(List<UpstreamConfig> value) {
        return new ListenerConfig(name, listen, protocol, pool, value, enabled, maxConnections, timeouts, http,
                tls, rateLimit, proxyProtocol);
    }

    public ListenerConfig withEnabled(boolean value) {
        return new ListenerConfig(name, listen, protocol, pool, upstreams, value, maxConnections, timeouts,
                http, tls, rateLimit, proxyProtocol);
    }

    public ListenerConfig withMaxConnections(int value) {
        return new ListenerConfig(name, listen, protocol, pool, upstreams, enabled, value, timeouts, http, tls,
                rateLimit, proxyProtocol);
    }

    public ListenerConfig withTimeouts(Timeouts value) {
        return new ListenerConfig(name, listen, protocol, pool, upstreams, enabled, maxConnections, value,
                http, tls, rateLimit, proxyProtocol);
    }

    public ListenerConfig withHttp(HttpSettings value) {
        return new ListenerConfig(name, listen, protocol, pool, upstreams, enabled, maxConnections, timeouts,
                value, tls, rateLimit, proxyProtocol);
    }

    public ListenerConfig withTls(TlsConfig value) {
        return new ListenerConfig(name, listen, protocol, pool, upstreams, enabled, maxConnections, timeouts,
                http, value, rateLimit, proxyProtocol);
    }

    public ListenerConfig withRateLimit(RateLimitConfig value) {
        return new ListenerConfig(name, listen, protocol, pool, upstreams, enabled, maxConnections, timeouts, http, tls,
                value, proxyProtocol);
    }

    public ListenerConfig withProxyProtocol(ProxyProtocolConfig value) {
        return new ListenerConfig(name, listen, protocol, pool, upstreams, enabled, maxConnections, timeouts, http, tls,
                rateLimit, value);
    }

    /** Whether the listener reads a PROXY header from trusted peers: a {@code proxy_protocol} section that accepts. */
    public boolean acceptsProxyProtocol() {
        return proxyProtocol != null && proxyProtocol.accept();
    }

    /**
     * The name of the pool this listener's connections go to (for HTTP: those no route takes):
     * the shared one it names, its own inline one, or null for an HTTP listener with routes only.
     */
    public String poolName() {
        return pool != null ? pool : upstreams.isEmpty() ? null : name;
    }

    /** Whether connections are decrypted here: TLS set to terminate, or a route with a certificate. */
    public boolean terminatesTls() {
        if (tls != null) {
            return tls.mode() == TlsConfig.Mode.TERMINATE;
        }
        for (RouteConfig route : http.routes()) {
            if (route.tls() != null) {
                return true;
            }
        }
        return false;
    }

    /** Whether a TCP listener forwards TLS untouched, routed by SNI. */
    public boolean passesTlsThrough() {
        return tls != null && tls.mode() == TlsConfig.Mode.PASSTHROUGH;
    }

    void check(String path, Problems problems, java.util.Set<String> poolNames) {
        Names.check(name, path + ".name", problems);
        HostPort.Parsed parsed = HostPort.parseListen(listen);
        if (parsed.error() != null) {
            problems.add(path + ".listen", parsed.error());
        }
        if (maxConnections < 0) {
            problems.add(path + ".max_connections", "must be 0 (no limit) or more");
        }
        timeouts.check(path + ".timeouts", problems);
        if (protocol == Protocol.HTTP) {
            http.check(path + ".", problems, poolNames);
        } else if (!http.routes().isEmpty()) {
            if (tls == null && !terminatesTls()) {
                problems.add(path + ".host_routes", "a TCP listener routes by TLS server name: it needs tls"
                        + " (passthrough, or a certificate to terminate)");
            }
            HttpSettings.checkRoutes(http.routes(), path + ".", problems, poolNames, true);
        }
        if (tls != null) {
            tls.check(path + ".tls", problems, protocol);
        }
        if (rateLimit != null) {
            rateLimit.check(path + ".rate_limit", problems);
        }
        if (proxyProtocol != null) {
            proxyProtocol.check(path + ".proxy_protocol", problems);
        }
        checkCertificates(path, problems);
        if (pool != null && !upstreams.isEmpty()) {
            problems.add(path + ".upstreams", "give either 'pool' or 'upstreams', not both");
        } else if (pool != null) {
            if (!poolNames.contains(pool)) {
                problems.add(path + ".pool", "no pool named '" + pool + "'");
            }
        } else if (upstreams.isEmpty()) {
            if (http.routes().isEmpty()) {
                problems.add(path + ".pool", "a listener needs a pool or at least one upstream"
                        + (protocol == Protocol.HTTP ? " or host route" : ""));
            }
        } else {
            PoolConfig.checkUpstreams(upstreams, path + ".upstreams", problems);
        }
    }

    private void checkCertificates(String path, Problems problems) {
        boolean routeCertificates = false;
        for (int i = 0; i < http.routes().size(); i++) {
            if (http.routes().get(i).tls() != null) {
                routeCertificates = true;
                if (passesTlsThrough()) {
                    problems.add(path + ".host_routes[" + i + "].tls", "a passthrough listener does not terminate TLS");
                }
            }
            if (http.routes().get(i).acme() != null && passesTlsThrough()) {
                problems.add(path + ".host_routes[" + i + "].acme", "a passthrough listener does not terminate TLS:"
                        + " it could never serve the certificate (ask for it on the TLS listener that does, or"
                        + " standalone)");
            }
        }
        boolean routeAcme = http.routes().stream().anyMatch(route -> route.acme() != null);
        // A route's acme brings its certificate later: until then a handshake gets unrecognized_name.
        if (tls != null && tls.mode() == TlsConfig.Mode.TERMINATE && tls.certificate() == null && !routeCertificates
                && !routeAcme) {
            problems.add(path + ".tls.cert_file", "a TLS listener needs a certificate of its own, on a host route,"
                    + " or a host route with acme to get one");
        }
    }
}
