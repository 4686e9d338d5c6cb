package io.balor.tls;

import io.balor.route.RoutePatterns;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds what a TLS server name maps to, with the same patterns as host routes: an exact name,
 * else the longest {@code *.suffix} it falls under (with a dot boundary, any depth), else the
 * default. Built on the supervisor thread, immutable, read by the loops once per handshake.
 *
 * @param <T> what a name maps to (a certificate, a pool's name)
 */
public final class SniMatcher<T> {

    private final Map<String, T> exact;
    /** Suffixes with their leading dot ({@code .example.com}), longest first. */
    private final List<Map.Entry<String, T>> wildcards;
    private final T fallback;

    private SniMatcher(Map<String, T> exact, List<Map.Entry<String, T>> wildcards, T fallback) {
        this.exact = exact;
        this.wildcards = wildcards;
        this.fallback = fallback;
    }

    /**
     * @param patterns route host patterns (normalised here) and their targets; the first of two
     *                 equal patterns wins
     * @param fallback for names no pattern covers and for no name at all, or null
     */
    public static <T> SniMatcher<T> of(List<Map.Entry<String, T>> patterns, T fallback) {
        Map<String, T> exact = new HashMap<>();
        Map<String, T> suffixes = new HashMap<>();
        for (Map.Entry<String, T> pattern : patterns) {
            String host = RoutePatterns.normalizeHost(pattern.getKey());
            if (RoutePatterns.isWildcard(host)) {
                suffixes.putIfAbsent(host.substring(1), pattern.getValue());
            } else {
                exact.putIfAbsent(host, pattern.getValue());
            }
        }
        List<Map.Entry<String, T>> wildcards = new ArrayList<>(suffixes.entrySet());
        wildcards.sort(Comparator.comparingInt((Map.Entry<String, T> e) -> e.getKey().length()).reversed());
        return new SniMatcher<>(Map.copyOf(exact), List.copyOf(wildcards), fallback);
    }

    /** The target for {@code serverName} (lower case, no trailing dot; null when none was sent). */
    public T match(String serverName) {
        T found = find(serverName);
        return found != null ? found : fallback;
    }

    /** The target a pattern gives {@code serverName}, without the fallback; null if none. */
    public T find(String serverName) {
        if (serverName == null) {
            return null;
        }
        T target = exact.get(serverName);
        if (target != null) {
            return target;
        }
        for (Map.Entry<String, T> wildcard : wildcards) {
            String suffix = wildcard.getKey();
            if (serverName.length() > suffix.length() && serverName.endsWith(suffix)) {
                return wildcard.getValue();
            }
        }
        return null;
    }

    public T fallback() {
        return fallback;
    }
}
