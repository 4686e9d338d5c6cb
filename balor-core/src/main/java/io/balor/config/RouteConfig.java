package io.balor.config;

import io.balor.route.RoutePatterns;

/**
 * A host route: on an HTTP listener, requests for {@code host} (exact, or {@code *.suffix} for
 * any name under it) whose path starts with {@code pathPrefix} go to {@code pool}; on a TCP
 * listener with TLS, connections whose ClientHello names {@code host} (SNI) go to {@code pool}.
 *
 * @param host       {@code api.example.com} or {@code *.example.com}; case and a trailing dot
 *                   do not matter, a port in the request's Host is ignored
 * @param pathPrefix a path that starts with {@code /}, or null for every path; the longest
 *                   matching prefix of a host wins
 * @param pool       the name of a pool in {@link BalorConfig#pools()}
 * @param tls        the certificate served for this host when the listener terminates TLS, or null
 * @param rateLimit  requests this route takes (on top of the listener's limit), or null (HTTP only)
 * @param acme       a certificate to get for {@code host} from an ACME CA, or null: kept and
 *                   checked, not acted on yet ({@link AcmeConfig})
 */
public record RouteConfig(String host, String pathPrefix, String pool, CertificateConfig tls,
                          RateLimitConfig rateLimit, AcmeConfig acme) {

    /** A route without ACME. */
    public RouteConfig(String host, String pathPrefix, String pool, CertificateConfig tls, RateLimitConfig rateLimit) {
        this(host, pathPrefix, pool, tls, rateLimit, null);
    }

    /** A route without a certificate or rate limit of its own. */
    public RouteConfig(String host, String pathPrefix, String pool) {
        this(host, pathPrefix, pool, null, null);
    }

    /** A route without a rate limit of its own. */
    public RouteConfig(String host, String pathPrefix, String pool, CertificateConfig tls) {
        this(host, pathPrefix, pool, tls, null);
    }

    public static RouteConfig of(String host, String pool) {
        return new RouteConfig(host, null, pool, null, null);
    }

    public RouteConfig withTls(CertificateConfig value) {
        return new RouteConfig(host, pathPrefix, pool, value, rateLimit, acme);
    }

    public RouteConfig withRateLimit(RateLimitConfig value) {
        return new RouteConfig(host, pathPrefix, pool, tls, value, acme);
    }

    public RouteConfig withAcme(AcmeConfig value) {
        return new RouteConfig(host, pathPrefix, pool, tls, rateLimit, value);
    }

    void check(String path, Problems problems, java.util.Set<String> poolNames) {
        if (tls != null) {
            tls.check(path + ".tls", problems);
        }
        if (rateLimit != null) {
            rateLimit.check(path + ".rate_limit", problems);
        }
        if (acme != null) {
            acme.check(path + ".acme", problems);
        }
        String hostProblem = host == null ? "is required" : RoutePatterns.hostPatternProblem(host);
        if (hostProblem != null) {
            problems.add(path + ".host", hostProblem);
        }
        if (pathPrefix != null) {
            String prefixProblem = RoutePatterns.pathPrefixProblem(pathPrefix);
            if (prefixProblem != null) {
                problems.add(path + ".path_prefix", prefixProblem);
            }
        }
        if (pool == null) {
            problems.add(path + ".pool", "is required");
        } else if (!poolNames.contains(pool)) {
            problems.add(path + ".pool", "no pool named '" + pool + "'");
        }
    }
}
