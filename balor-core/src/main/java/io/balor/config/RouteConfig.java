package io.balor.config;

import io.balor.route.RoutePatterns;

/**
 * A host route of an HTTP listener: requests for {@code host} (exact, or {@code *.suffix} for
 * any name under it) whose path starts with {@code pathPrefix} go to {@code pool}.
 *
 * @param host       {@code api.example.com} or {@code *.example.com}; case and a trailing dot
 *                   do not matter, a port in the request's Host is ignored
 * @param pathPrefix a path that starts with {@code /}, or null for every path; the longest
 *                   matching prefix of a host wins
 * @param pool       the name of a pool in {@link BalorConfig#pools()}
 */
public record RouteConfig(String host, String pathPrefix, String pool) {

    public static RouteConfig of(String host, String pool) {
        return new RouteConfig(host, null, pool);
    }

    void check(String path, Problems problems, java.util.Set<String> poolNames) {
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
