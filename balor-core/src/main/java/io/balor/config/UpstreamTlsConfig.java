package io.balor.config;

import io.balor.route.RoutePatterns;

/**
 * How a pool speaks TLS to its {@code https://} upstreams (the pool's other upstreams are plain).
 *
 * <p>The connection dials the upstream's address; its SNI and the name its certificate must
 * carry is {@code serverName} if set, else the client's Host (without the port), else the
 * upstream's host. So upstreams addressed by IP can still present per-host certificates.
 *
 * @param verify     check the upstream's certificate chain and name (the default); off only for
 *                   servers whose certificates cannot be checked, and said so explicitly
 * @param caFile     a PEM bundle of the CAs to trust instead of the JDK's trust store, or null
 * @param serverName a fixed SNI name for every request, or null
 */
public record UpstreamTlsConfig(boolean verify, String caFile, String serverName) {

    /** Verification against the JDK's trust store, SNI from the client's Host. */
    public static final UpstreamTlsConfig DEFAULT = new UpstreamTlsConfig(true, null, null);

    /** Verification against the CAs in {@code caFile}. */
    public static UpstreamTlsConfig trusting(String caFile) {
        return new UpstreamTlsConfig(true, caFile, null);
    }

    /** No verification at all (self-signed upstreams). */
    public static UpstreamTlsConfig insecure() {
        return new UpstreamTlsConfig(false, null, null);
    }

    public UpstreamTlsConfig withServerName(String value) {
        return new UpstreamTlsConfig(verify, caFile, value);
    }

    void check(String path, Problems problems) {
        if (caFile != null && caFile.isBlank()) {
            problems.add(path + ".ca_file", "must not be empty");
        }
        if (caFile != null && !verify) {
            problems.add(path + ".ca_file", "has no use when verify is false");
        }
        if (serverName != null) {
            String problem = RoutePatterns.hostPatternProblem(serverName);
            if (problem == null && RoutePatterns.isWildcard(serverName)) {
                problem = "must be a host name, not a pattern";
            }
            if (problem != null) {
                problems.add(path + ".sni", problem);
            }
        }
    }
}
