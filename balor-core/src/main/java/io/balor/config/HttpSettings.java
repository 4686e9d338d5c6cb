package io.balor.config;

import io.balor.route.RoutePatterns;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What only an HTTP listener has: host routes, stickiness, the body limit, whether to trust
 * the clients' {@code X-Forwarded-*}, and the HTTP timeouts. A TCP listener ignores it.
 *
 * @param routes         host routes; requests no route matches go to the listener's pool, or
 *                       get a 404 when it has none
 * @param sticky         stickiness, or null for none
 * @param maxBodyBytes   largest request body (default 64 MiB, like a generous
 *                       {@code client_max_body_size}) → 413
 * @param trustForwarded keep the client's {@code X-Forwarded-*} (only behind another proxy)
 * @param timeouts       HTTP timeouts
 * @param websocketMaxFrameBytes largest WebSocket frame payload either way (16 MiB); a larger
 *                       frame closes the connection with 1009
 * @param http2          whether clients may speak HTTP/2: ALPN {@code h2} on a TLS listener, the
 *                       HTTP/2 preface (h2c with prior knowledge) on a plain one; null for the
 *                       default, on with TLS and off without (as nginx's and HAProxy's {@code h2}
 *                       is asked for on a plain port)
 */
public record HttpSettings(List<RouteConfig> routes, StickyConfig sticky, long maxBodyBytes, boolean trustForwarded,
                           HttpTimeouts timeouts, long websocketMaxFrameBytes, Boolean http2) {

    public static final long DEFAULT_MAX_BODY = 64L * 1024 * 1024;
    public static final long DEFAULT_MAX_FRAME = 16L * 1024 * 1024;
    public static final HttpSettings DEFAULT = new HttpSettings(List.of(), null, DEFAULT_MAX_BODY, false,
            HttpTimeouts.DEFAULT, DEFAULT_MAX_FRAME, null);

    public HttpSettings {
        routes = routes == null ? List.of() : List.copyOf(routes);
        timeouts = timeouts == null ? HttpTimeouts.DEFAULT : timeouts;
    }

    /** Settings with the default WebSocket frame limit. */
    public HttpSettings(List<RouteConfig> routes, StickyConfig sticky, long maxBodyBytes, boolean trustForwarded,
                        HttpTimeouts timeouts) {
        this(routes, sticky, maxBodyBytes, trustForwarded, timeouts, DEFAULT_MAX_FRAME, null);
    }

    /** Settings with the default HTTP/2 switch. */
    public HttpSettings(List<RouteConfig> routes, StickyConfig sticky, long maxBodyBytes, boolean trustForwarded,
                        HttpTimeouts timeouts, long websocketMaxFrameBytes) {
        this(routes, sticky, maxBodyBytes, trustForwarded, timeouts, websocketMaxFrameBytes, null);
    }

    /** Whether HTTP/2 is on for a listener that terminates TLS or not: {@link #http2()}, or its default. */
    public boolean http2On(boolean tls) {
        return http2 == null ? tls : http2;
    }

    public HttpSettings withHttp2(Boolean value) {
        return new HttpSettings(routes, sticky, maxBodyBytes, trustForwarded, timeouts, websocketMaxFrameBytes, value);
    }

    public HttpSettings withWebsocketMaxFrameBytes(long value) {
        return new HttpSettings(routes, sticky, maxBodyBytes, trustForwarded, timeouts, value, http2);
    }

    public HttpSettings withRoutes(List<RouteConfig> value) {
        return new HttpSettings(value, sticky, maxBodyBytes, trustForwarded, timeouts, websocketMaxFrameBytes, http2);
    }

    public HttpSettings withSticky(StickyConfig value) {
        return new HttpSettings(routes, value, maxBodyBytes, trustForwarded, timeouts, websocketMaxFrameBytes, http2);
    }

    public HttpSettings withMaxBodyBytes(long value) {
        return new HttpSettings(routes, sticky, value, trustForwarded, timeouts, websocketMaxFrameBytes, http2);
    }

    public HttpSettings withTrustForwarded(boolean value) {
        return new HttpSettings(routes, sticky, maxBodyBytes, value, timeouts, websocketMaxFrameBytes, http2);
    }

    public HttpSettings withTimeouts(HttpTimeouts value) {
        return new HttpSettings(routes, sticky, maxBodyBytes, trustForwarded, value, websocketMaxFrameBytes, http2);
    }

    /** @param path the listener's path with a trailing dot ({@code listeners[0].}) */
    void check(String path, Problems problems, Set<String> poolNames) {
        checkRoutes(routes, path, problems, poolNames, false);
        if (sticky != null) {
            sticky.check(path + "sticky", problems);
        }
        if (websocketMaxFrameBytes < 1) {
            problems.add(path + "websocket_max_frame_bytes", "must be positive");
        }
        if (maxBodyBytes < 0) {
            problems.add(path + "max_body_bytes", "must not be negative");
        }
        timeouts.check(path + "http_timeouts", problems);
    }

    /**
     * Checks host routes: each one, no two with the same host and prefix, one certificate per
     * host. TCP routes match the TLS server name only, so they have no path prefix.
     */
    static void checkRoutes(List<RouteConfig> routes, String path, Problems problems, Set<String> poolNames,
                            boolean tcp) {
        Set<String> seen = new HashSet<>();
        java.util.Map<String, CertificateConfig> certificates = new java.util.HashMap<>();
        for (int i = 0; i < routes.size(); i++) {
            RouteConfig route = routes.get(i);
            String at = path + "host_routes[" + i + "]";
            route.check(at, problems, poolNames);
            if (tcp && route.pathPrefix() != null) {
                problems.add(at + ".path_prefix", "a TCP route matches the TLS server name only");
            }
            if (tcp && route.rateLimit() != null) {
                problems.add(at + ".rate_limit",
                        "a TCP route has no rate limit: the listener's limits new connections");
            }
            boolean validHost = route.host() != null && RoutePatterns.hostPatternProblem(route.host()) == null;
            String host = validHost ? RoutePatterns.normalizeHost(route.host()) : "?" + i;
            if (!seen.add(host + " " + route.pathPrefix())) {
                problems.add(at + ".host", "another route has the same host and path prefix");
            }
            if (route.tls() != null && validHost) {
                CertificateConfig other = certificates.putIfAbsent(host, route.tls());
                if (other != null && !other.equals(route.tls())) {
                    problems.add(at + ".tls", "another route for this host has a different certificate");
                }
            }
        }
    }
}
