package io.balor.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A named group of upstreams that listeners and routes refer to by name. Upstream ids are
 * {@code pool/address}, so editing a pool keeps the state of the upstreams it keeps.
 *
 * @param hostHeader what an HTTP request forwarded to this pool carries as {@code Host}: the
 *                   client's own ({@code preserve}, the default: upstreams addressed by IP that
 *                   route by host, such as OpenShift routers, need it), or the upstream's address
 *                   ({@code upstream}, for servers that only answer to their own name)
 * @param timeouts   the pool's connect and response timeouts; unset ones are the listener's
 * @param tls        how HTTP listeners speak to the pool's {@code https://} upstreams (verified
 *                   against the JDK's trust store by default); TCP listeners forward bytes as
 *                   they are whatever the scheme
 * @param healthCheck active health checks of the pool's upstreams, or null for none (every
 *                   upstream is then up as far as the balancers are concerned)
 * @param passiveHealth ejection of upstreams that fail live traffic, or null for none
 * @param slowStart  how long an upstream that comes back (its ejection over, or its active check
 *                   up again) takes to ramp from a small share to its full weight; zero (the
 *                   default) gives it its full share at once
 * @param sendProxyProtocol the PROXY protocol header (HAProxy's {@code send-proxy} is
 *                   {@link ProxyVersion#V1}, {@code send-proxy-v2} {@link ProxyVersion#V2}) written
 *                   first on every connection to the pool's upstreams, TCP and HTTP listeners
 *                   alike, before anything else (for an {@code https://} upstream before the TLS
 *                   handshake): the client's address and port as Balor knows it (from a PROXY
 *                   header it accepted itself, if any), and the address the client connected to;
 *                   null (the default) sends none. A connection that carried a header speaks for
 *                   one client only, so it is never given to the loop's shared keep-alive cache:
 *                   an HTTP listener keeps it alive for that client connection's later requests
 *                   alone (as HAProxy keeps such connections private to their session; up to five
 *                   per client connection) and closes it when the client connection ends;
 *                   another client gets its own. HTTP(S) health
 *                   checks send a header that speaks for no client ({@code PROXY UNKNOWN}, v2's
 *                   {@code LOCAL}); TCP checks only connect.
 * @param protocol   what HTTP listeners speak to the pool's upstreams: {@link UpstreamProtocol#HTTP1}
 *                   (the default: HTTP/1.1, kept alive, one request per connection at a time),
 *                   {@link UpstreamProtocol#H2} (HTTP/2 over TLS: {@code https://} upstreams, ALPN
 *                   {@code h2}) or {@link UpstreamProtocol#H2C} (HTTP/2 in the clear with prior
 *                   knowledge: {@code http://} upstreams, gRPC servers); HTTP/2 connections carry
 *                   many requests at once and are shared by a loop's clients. A WebSocket upgrade
 *                   still goes over HTTP/1.1. TCP listeners forward bytes whatever it says
 */
public record PoolConfig(String name, List<UpstreamConfig> upstreams, HostHeader hostHeader,
                         UpstreamTimeouts timeouts, UpstreamTlsConfig tls, HealthCheckConfig healthCheck,
                         PassiveHealthConfig passiveHealth, Duration slowStart, ProxyVersion sendProxyProtocol,
                         UpstreamProtocol protocol) {

    /** Which Host an HTTP request forwarded to a pool carries. */
    public enum HostHeader { PRESERVE, UPSTREAM }

    /** A version of the PROXY protocol header sent to upstreams; its wire name is {@code v1} or {@code v2}. */
    public enum ProxyVersion {
        V1, V2;

        /** 1 or 2. */
        public int number() {
            return ordinal() + 1;
        }

        /** {@code v1} or {@code v2}, as the state file writes it. */
        public String wireName() {
            return this == V1 ? "v1" : "v2";
        }

        /** The version named {@code v1} or {@code v2}, or null for anything else. */
        public static ProxyVersion parse(String text) {
            return "v1".equals(text) ? V1 : "v2".equals(text) ? V2 : null;
        }
    }

    /** What HTTP listeners speak to a pool's upstreams; wire names {@code http1}, {@code h2}, {@code h2c}. */
    public enum UpstreamProtocol {
        HTTP1, H2, H2C;

        /** The name the state file and the API use. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The protocol named {@code text}, or null for anything else. */
        public static UpstreamProtocol parse(String text) {
            for (UpstreamProtocol p : values()) {
                if (p.wireName().equals(text)) {
                    return p;
                }
            }
            return null;
        }
    }

    public PoolConfig {
        upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
        protocol = protocol == null ? UpstreamProtocol.HTTP1 : protocol;
        hostHeader = hostHeader == null ? HostHeader.PRESERVE : hostHeader;
        timeouts = timeouts == null ? UpstreamTimeouts.LISTENER : timeouts;
        tls = tls == null ? UpstreamTlsConfig.DEFAULT : tls;
        slowStart = slowStart == null ? Duration.ZERO : slowStart;
    }

    /** A pool that speaks HTTP/1.1 to its upstreams. */
    public PoolConfig(String name, List<UpstreamConfig> upstreams, HostHeader hostHeader, UpstreamTimeouts timeouts,
                      UpstreamTlsConfig tls, HealthCheckConfig healthCheck, PassiveHealthConfig passiveHealth,
                      Duration slowStart, ProxyVersion sendProxyProtocol) {
        this(name, upstreams, hostHeader, timeouts, tls, healthCheck, passiveHealth, slowStart, sendProxyProtocol, null);
    }

    /** The pool speaking {@code value} to its upstreams. */
    public PoolConfig withProtocol(UpstreamProtocol value) {
        return new PoolConfig(name, upstreams, hostHeader, timeouts, tls, healthCheck, passiveHealth, slowStart,
                sendProxyProtocol, value);
    }

    /** A pool that sends no PROXY header. */
    public PoolConfig(String name, List<UpstreamConfig> upstreams, HostHeader hostHeader, UpstreamTimeouts timeouts,
                      UpstreamTlsConfig tls, HealthCheckConfig healthCheck, PassiveHealthConfig passiveHealth,
                      Duration slowStart) {
        this(name, upstreams, hostHeader, timeouts, tls, healthCheck, passiveHealth, slowStart, null);
    }

    /** A pool without passive health or slow start. */
    public PoolConfig(String name, List<UpstreamConfig> upstreams, HostHeader hostHeader, UpstreamTimeouts timeouts,
                      UpstreamTlsConfig tls, HealthCheckConfig healthCheck) {
        this(name, upstreams, hostHeader, timeouts, tls, healthCheck, null, Duration.ZERO);
    }

    /** A pool without health checks. */
    public PoolConfig(String name, List<UpstreamConfig> upstreams, HostHeader hostHeader, UpstreamTimeouts timeouts,
                      UpstreamTlsConfig tls) {
        this(name, upstreams, hostHeader, timeouts, tls, null);
    }

    /** A pool with the default upstream TLS settings. */
    public PoolConfig(String name, List<UpstreamConfig> upstreams, HostHeader hostHeader, UpstreamTimeouts timeouts) {
        this(name, upstreams, hostHeader, timeouts, UpstreamTlsConfig.DEFAULT);
    }

    /** A pool that preserves the client's Host and uses the listener's timeouts. */
    public PoolConfig(String name, List<UpstreamConfig> upstreams) {
        this(name, upstreams, HostHeader.PRESERVE, UpstreamTimeouts.LISTENER);
    }

    /** A pool that uses the listener's timeouts. */
    public PoolConfig(String name, List<UpstreamConfig> upstreams, HostHeader hostHeader) {
        this(name, upstreams, hostHeader, UpstreamTimeouts.LISTENER);
    }

    public PoolConfig withHostHeader(HostHeader value) {
        return new PoolConfig(name, upstreams, value, timeouts, tls,
                healthCheck, passiveHealth, slowStart, sendProxyProtocol, protocol);
    }

    public PoolConfig withTimeouts(UpstreamTimeouts value) {
        return new PoolConfig(name, upstreams, hostHeader, value, tls,
                healthCheck, passiveHealth, slowStart, sendProxyProtocol, protocol);
    }

    public PoolConfig withTls(UpstreamTlsConfig value) {
        return new PoolConfig(name, upstreams, hostHeader, timeouts, value,
                healthCheck, passiveHealth, slowStart, sendProxyProtocol, protocol);
    }

    /** The pool with {@code value} as its health checks (null: none). */
    public PoolConfig withHealthCheck(HealthCheckConfig value) {
        return new PoolConfig(name, upstreams, hostHeader, timeouts, tls,
                value, passiveHealth, slowStart, sendProxyProtocol, protocol);
    }

    /** The pool with {@code value} as its passive health (null: none). */
    public PoolConfig withPassiveHealth(PassiveHealthConfig value) {
        return new PoolConfig(name, upstreams, hostHeader, timeouts, tls,
                healthCheck, value, slowStart, sendProxyProtocol, protocol);
    }

    /** The pool with {@code value} as its slow start (zero or null: off). */
    public PoolConfig withSlowStart(Duration value) {
        return new PoolConfig(name, upstreams, hostHeader, timeouts, tls,
                healthCheck, passiveHealth, value, sendProxyProtocol, protocol);
    }

    /** The pool with {@code value} as the PROXY header it sends upstreams (null: none). */
    public PoolConfig withSendProxyProtocol(ProxyVersion value) {
        return new PoolConfig(name, upstreams, hostHeader, timeouts, tls, healthCheck, passiveHealth, slowStart, value,
                protocol);
    }

    /** Whether the pool's upstreams keep health state across applies (checks, passive health or slow start). */
    public boolean tracksHealth() {
        return healthCheck != null || passiveHealth != null || !slowStart.isZero();
    }

    public static PoolConfig of(String name, UpstreamConfig... upstreams) {
        return new PoolConfig(name, List.of(upstreams));
    }

    public PoolConfig withUpstreams(List<UpstreamConfig> newUpstreams) {
        return new PoolConfig(name, newUpstreams, hostHeader, timeouts, tls,
                healthCheck, passiveHealth, slowStart, sendProxyProtocol, protocol);
    }

    void check(String path, Problems problems) {
        Names.check(name, path + ".name", problems);
        timeouts.check(path + ".timeouts", problems);
        tls.check(path + ".tls", problems);
        if (healthCheck != null) {
            healthCheck.check(path + ".health_check", problems);
        }
        if (passiveHealth != null) {
            passiveHealth.check(path + ".passive_health", problems);
        }
        if (slowStart.isNegative()) {
            problems.add(path + ".slow_start_ms", "must not be negative");
        }
        checkUpstreams(upstreams, path + ".upstreams", problems);
        checkProtocol(path, problems);
    }

    /** HTTP/2 over TLS needs https:// upstreams, h2c plain ones; a shared connection cannot speak for one client. */
    private void checkProtocol(String path, Problems problems) {
        if (protocol == UpstreamProtocol.HTTP1) {
            return;
        }
        if (sendProxyProtocol != null) {
            problems.add(path + ".protocol", "'" + protocol.wireName() + "' connections are shared by every client:"
                    + " they cannot carry a PROXY header (send_proxy_protocol); use 'http1' or no PROXY header");
        }
        if (protocol == UpstreamProtocol.H2C && healthCheck != null && healthCheck.type() == HealthCheckConfig.Type.HTTP) {
            problems.add(path + ".health_check.type", "HTTP checks speak HTTP/1.1, which an h2c upstream (a gRPC server)"
                    + " need not: use 'tcp' (or a script)");
        }
        for (int i = 0; i < upstreams.size(); i++) {
            String address = upstreams.get(i).address();
            boolean https = address != null && address.strip().toLowerCase(java.util.Locale.ROOT).startsWith("https://");
            if (https != (protocol == UpstreamProtocol.H2)) {
                problems.add(path + ".upstreams[" + i + "].address", protocol == UpstreamProtocol.H2
                        ? "protocol 'h2' speaks HTTP/2 over TLS: the address must be https://host:port"
                        : "protocol 'h2c' speaks HTTP/2 in the clear: the address must not be https:// (use 'h2')");
            }
        }
    }

    static void checkUpstreams(List<UpstreamConfig> upstreams, String path, Problems problems) {
        Set<String> addresses = new HashSet<>();
        for (int i = 0; i < upstreams.size(); i++) {
            UpstreamConfig upstream = upstreams.get(i);
            String at = path + "[" + i + "]";
            upstream.check(at, problems);
            if (upstream.address() != null && !addresses.add(upstream.address().strip())) {
                problems.add(at + ".address", "'" + upstream.address() + "' is listed twice in this pool");
            }
        }
    }
}
