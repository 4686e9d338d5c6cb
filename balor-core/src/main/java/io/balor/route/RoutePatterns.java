package io.balor.route;

/**
 * The compile-time rules for a route's host pattern and path prefix: validation (for the config
 * layer, which adds the field path) and the normal form {@link RouteTable} stores. Stateless;
 * any thread. Never called per request: {@link RouteTable#find} applies the same normalisation
 * to the request's bytes in place.
 *
 * <p>A host pattern is an exact name ({@code api.example.com}), an IP literal ({@code 10.0.0.1},
 * {@code [::1]}), or a wildcard whose {@code *} is the whole first label ({@code *.example.com}).
 * Names are ASCII: internationalised names are written in their A-label ({@code xn--}) form.
 * A trailing dot is allowed and ignored; a port is not allowed, because routes match every port.
 */
public final class RoutePatterns {

    /** Longest host name (RFC 1035 §2.3.4), without the trailing dot. */
    public static final int MAX_HOST_LENGTH = 253;
    /** Longest label (RFC 1035 §2.3.4). */
    public static final int MAX_LABEL_LENGTH = 63;

    private RoutePatterns() {
    }

    /**
     * The form a host is compared in: {@code A-Z} folded to {@code a-z}, the port dropped (after
     * the {@code ]} of an IPv6 literal, which keeps its brackets), one trailing dot dropped.
     * {@code "Example.COM.:8080"} becomes {@code "example.com"}, {@code "[::1]:80"} becomes
     * {@code "[::1]"}, {@code "*.Example.com"} becomes {@code "*.example.com"}.
     */
    public static String normalizeHost(String host) {
        int end = host.length();
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            end = close < 0 ? end : close + 1;
        } else {
            int colon = host.indexOf(':');
            end = colon < 0 ? end : colon;
            if (end > 0 && host.charAt(end - 1) == '.') {
                end--;
            }
        }
        char[] chars = new char[end];
        for (int i = 0; i < end; i++) {
            char c = host.charAt(i);
            chars[i] = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
        }
        return new String(chars);
    }

    /** Whether a (valid) pattern is a wildcard, {@code *.suffix}. */
    public static boolean isWildcard(String pattern) {
        return pattern.startsWith("*.");
    }

    /** What is wrong with a route's host pattern, or null if it is valid. */
    public static String hostPatternProblem(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            return "must not be empty";
        }
        if (pattern.startsWith("[")) {
            return ipv6Problem(pattern);
        }
        if (pattern.equals("*")) {
            return "'*' alone is not a host pattern: a listener's default route catches every host";
        }
        String name = pattern;
        if (pattern.startsWith("*")) {
            if (!pattern.startsWith("*.")) {
                return "'" + pattern + "': '*' must be the whole first label, as in '*.example.com'";
            }
            name = pattern.substring(2);
            if (name.isEmpty() || name.equals(".")) {
                return "'" + pattern + "': a wildcard needs a suffix, as in '*.example.com'";
            }
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.length() > MAX_HOST_LENGTH) {
            return "is longer than " + MAX_HOST_LENGTH + " characters";
        }
        int labelStart = 0;
        for (int i = 0; i <= name.length(); i++) {
            char c = i < name.length() ? name.charAt(i) : '.';
            if (c == '.') {
                if (i == labelStart) {
                    return "'" + pattern + "' has an empty label";
                }
                if (i - labelStart > MAX_LABEL_LENGTH) {
                    return "'" + pattern + "' has a label longer than " + MAX_LABEL_LENGTH + " characters";
                }
                labelStart = i + 1;
            } else if (c == '*') {
                return "'" + pattern + "': '*' is allowed only as the whole first label, as in '*.example.com'";
            } else if (c == ':') {
                return "'" + pattern + "' must not hold a port: routes match every port";
            } else if (c > 0x7f) {
                return "'" + pattern + "' holds non-ASCII characters: write the name in its A-label (xn--) form";
            } else if (!isNameChar(c)) {
                return "'" + pattern + "' may hold only letters, digits, '-', '_' and '.'";
            }
        }
        return null;
    }

    /**
     * What is wrong with a route's path prefix, or null if it is valid. Null means "no prefix"
     * (every path) and is valid. A prefix is compared byte for byte with the request's path as
     * sent: no percent-decoding, no dot-segment removal. It chooses a pool; it is not an access
     * control.
     */
    public static String pathPrefixProblem(String prefix) {
        if (prefix == null) {
            return null;
        }
        if (!prefix.startsWith("/")) {
            return prefix.isEmpty()
                    ? "must start with '/' (leave it out to match every path)"
                    : "'" + prefix + "' must start with '/'";
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c == '?' || c == '#') {
                return "'" + prefix + "' must not hold a query or fragment";
            }
            if (c <= 0x20 || c >= 0x7f) {
                return "'" + prefix + "' may hold only visible ASCII characters (percent-encode others)";
            }
        }
        return null;
    }

    private static String ipv6Problem(String pattern) {
        String literal = pattern.endsWith("].") ? pattern.substring(0, pattern.length() - 1) : pattern;
        if (!literal.endsWith("]") || literal.length() < 4) {
            return "'" + pattern + "' is not an IPv6 literal like '[2001:db8::1]' (and must not hold a port)";
        }
        boolean colon = false;
        for (int i = 1; i < literal.length() - 1; i++) {
            char c = literal.charAt(i);
            colon |= c == ':';
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
                    || c == ':' || c == '.';
            if (!ok) {
                return "'" + pattern + "' is not an IPv6 literal like '[2001:db8::1]'";
            }
        }
        return colon ? null : "'" + pattern + "' is not an IPv6 literal like '[2001:db8::1]'";
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
