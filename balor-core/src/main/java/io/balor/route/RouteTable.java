package io.balor.route;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The routes of one listener, compiled once per snapshot: which target (a route, a pool ...)
 * serves a request, chosen from its host and path. Immutable and shared by every loop; a lookup
 * reads the request's bytes in place and allocates nothing.
 *
 * <h2>Matching</h2>
 * <ol>
 *   <li>The host ({@code Host} field or the authority of an absolute-form target) is compared
 *       without case (ASCII only), without its port and without one trailing dot; an IPv6
 *       literal keeps its brackets ({@code [::1]:8080} is host {@code [::1]}).</li>
 *   <li>Exact host routes first. Then wildcards, most specific (longest suffix) first:
 *       {@code *.example.com} matches {@code a.example.com} and {@code a.b.example.com}, never
 *       {@code example.com} nor {@code evilexample.com}. Then the listener's default.</li>
 *   <li>Within one host pattern the longest matching path prefix wins; prefixes are plain byte
 *       prefixes of the path (the caller ends the path before {@code ?}), case-sensitive, so
 *       {@code /api} also matches {@code /apix}: write {@code /api/} for a segment boundary.
 *       A route without a prefix matches every path of its host.</li>
 * </ol>
 *
 * <h2>Fall-through</h2>
 * When a host pattern matches but none of its prefixes does, the lookup goes on to the next
 * less specific level (the wildcards, then the default) instead of stopping with a 404 as
 * nginx's {@code server} blocks or Envoy's virtual hosts do. Balor's routes are a flat list of
 * (host, prefix) pairs, not virtual-host blocks, and this keeps adding a route monotonic: a route
 * for {@code api.example.com /v2/} takes exactly the requests it names and leaves every other
 * path of {@code api.example.com} where it went before (to {@code *.example.com}, or the default).
 * To keep a host's other paths away from the wildcard, give the host a route without a prefix.
 */
public final class RouteTable<T> {

    /**
     * One route as the table sees it.
     *
     * @param host       an exact host or {@code *.suffix}, valid by {@link RoutePatterns#hostPatternProblem}
     * @param pathPrefix null for every path, else valid by {@link RoutePatterns#pathPrefixProblem}
     * @param target     what a match returns
     */
    public record Rule<T>(String host, String pathPrefix, T target) {

        public Rule {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(target, "target");
        }
    }

    private static final RouteTable<?> EMPTY = new RouteTable<>(List.of(), null);

    private final HostMap exact;
    private final Routes[] exactRoutes;
    private final HostMap wildcard;
    /** Indexed like {@link #wildcard}'s values; keys are the suffix with its dot, {@code .example.com}. */
    private final Routes[] wildcardRoutes;
    private final int shortestSuffix;
    private final int longestSuffix;
    private final T defaultTarget;

    private RouteTable(List<Rule<T>> rules, T defaultTarget) {
        Map<String, List<Rule<T>>> exactHosts = new LinkedHashMap<>();
        Map<String, List<Rule<T>>> suffixes = new LinkedHashMap<>();
        for (Rule<T> rule : rules) {
            String problem = RoutePatterns.hostPatternProblem(rule.host());
            if (problem == null) {
                problem = RoutePatterns.pathPrefixProblem(rule.pathPrefix());
            }
            if (problem != null) {
                throw new IllegalArgumentException("route " + rule.host() + " " + rule.pathPrefix() + ": " + problem);
            }
            String host = RoutePatterns.normalizeHost(rule.host());
            Map<String, List<Rule<T>>> level = RoutePatterns.isWildcard(host) ? suffixes : exactHosts;
            String key = RoutePatterns.isWildcard(host) ? host.substring(1) : host;
            level.computeIfAbsent(key, k -> new ArrayList<>()).add(rule);
        }
        this.exact = new HostMap(new ArrayList<>(exactHosts.keySet()));
        this.exactRoutes = compile(exactHosts);
        this.wildcard = new HostMap(new ArrayList<>(suffixes.keySet()));
        this.wildcardRoutes = compile(suffixes);
        int shortest = Integer.MAX_VALUE;
        int longest = 0;
        for (String suffix : suffixes.keySet()) {
            shortest = Math.min(shortest, suffix.length());
            longest = Math.max(longest, suffix.length());
        }
        this.shortestSuffix = shortest;
        this.longestSuffix = longest;
        this.defaultTarget = defaultTarget;
    }

    /**
     * Compiles a table. Rules are checked again here; the config layer should have reported
     * problems with their field paths first.
     *
     * @param defaultTarget what a request no rule matches gets, or null (the caller answers 404)
     * @throws IllegalArgumentException for an invalid rule, or two rules with the same host (after
     *                                  {@link RoutePatterns#normalizeHost}) and the same prefix
     */
    public static <T> RouteTable<T> compile(List<Rule<T>> rules, T defaultTarget) {
        return new RouteTable<>(rules, defaultTarget);
    }

    /** A table without rules or default: every lookup misses. */
    @SuppressWarnings("unchecked")
    public static <T> RouteTable<T> empty() {
        return (RouteTable<T>) EMPTY;
    }

    /** The listener's default target, or null. */
    public T defaultTarget() {
        return defaultTarget;
    }

    /**
     * The target for a request, or null if nothing matches and there is no default.
     *
     * @param buffer    holds the request head; read with absolute gets, its position untouched
     * @param start     the request's host name as its head found it
     *                  ({@link io.balor.http.HttpHead#hostStart()}: no port, no trailing dot); an
     *                  empty range (no {@code Host}) matches only the default
     * @param pathStart the path, without the query ({@code pathEnd} at the {@code ?})
     */
    @SuppressWarnings("unchecked")
    public T find(ByteBuffer buffer, int start, int end, int pathStart, int pathEnd) {
        boolean ipv6 = start < end && buffer.get(start) == '[';
        if (start == end) {
            return defaultTarget;
        }
        int slot = exact.get(buffer, start, end);
        if (slot >= 0) {
            Object target = exactRoutes[slot].match(buffer, pathStart, pathEnd);
            if (target != null) {
                return (T) target;
            }
        }
        if (!ipv6 && wildcardRoutes.length > 0) {
            // Leftmost dot first: the longest suffix is the most specific wildcard. The first
            // byte is skipped so that a wildcard never matches an empty label (".example.com").
            for (int dot = start + 1; dot < end; dot++) {
                int length = end - dot;
                if (length < shortestSuffix) {
                    break;
                }
                if (length > longestSuffix || buffer.get(dot) != '.') {
                    continue;
                }
                slot = wildcard.get(buffer, dot, end);
                if (slot >= 0) {
                    Object target = wildcardRoutes[slot].match(buffer, pathStart, pathEnd);
                    if (target != null) {
                        return (T) target;
                    }
                }
            }
        }
        return defaultTarget;
    }

    private static <T> Routes[] compile(Map<String, List<Rule<T>>> hosts) {
        Routes[] compiled = new Routes[hosts.size()];
        int i = 0;
        for (List<Rule<T>> rules : hosts.values()) {
            compiled[i++] = new Routes(rules);
        }
        return compiled;
    }

    /** The routes of one host pattern: prefixes longest first, then the prefix-less route. */
    private static final class Routes {

        private final byte[][] prefixes;
        private final Object[] targets;
        private final Object any;

        Routes(List<? extends Rule<?>> rules) {
            List<Rule<?>> withPrefix = new ArrayList<>();
            Object anyPath = null;
            for (Rule<?> rule : rules) {
                if (rule.pathPrefix() == null) {
                    if (anyPath != null) {
                        throw new IllegalArgumentException("two routes for host " + rule.host() + " without a path prefix");
                    }
                    anyPath = rule.target();
                } else {
                    for (Rule<?> other : withPrefix) {
                        if (other.pathPrefix().equals(rule.pathPrefix())) {
                            throw new IllegalArgumentException("two routes for host " + rule.host()
                                    + " with path prefix " + rule.pathPrefix());
                        }
                    }
                    withPrefix.add(rule);
                }
            }
            withPrefix.sort(Comparator.comparingInt((Rule<?> rule) -> rule.pathPrefix().length()).reversed());
            this.prefixes = new byte[withPrefix.size()][];
            this.targets = new Object[withPrefix.size()];
            for (int i = 0; i < prefixes.length; i++) {
                prefixes[i] = withPrefix.get(i).pathPrefix().getBytes(StandardCharsets.US_ASCII);
                targets[i] = withPrefix.get(i).target();
            }
            this.any = anyPath;
        }

        /** The target of the longest matching prefix, else of the prefix-less route, else null. */
        Object match(ByteBuffer buffer, int pathStart, int pathEnd) {
            int length = pathEnd - pathStart;
            for (int i = 0; i < prefixes.length; i++) {
                byte[] prefix = prefixes[i];
                if (prefix.length <= length && startsWith(buffer, pathStart, prefix)) {
                    return targets[i];
                }
            }
            return any;
        }

        private static boolean startsWith(ByteBuffer buffer, int start, byte[] prefix) {
            for (int i = 0; i < prefix.length; i++) {
                if (buffer.get(start + i) != prefix[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
