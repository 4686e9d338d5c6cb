package io.balor.config;

import java.net.InetSocketAddress;

/**
 * A host and port as written in config: {@code 127.0.0.1:8080}, {@code [::1]:443},
 * {@code backend.local:80}, or for upstreams also {@code http://10.0.0.2:8080} and
 * {@code https://node:6443} (the scheme is kept; a trailing {@code /} is allowed).
 *
 * <p>Parsing never resolves names: {@link #toSocketAddress()} does, when a connection is made.
 */
public record HostPort(String scheme, String host, int port) {

    /** The result of parsing: a value, or the reason it could not be parsed. */
    public record Parsed(HostPort value, String error) {
    }

    /** Parses a listen address (no scheme; an empty host means every interface). */
    public static Parsed parseListen(String text) {
        if (text != null && text.contains("://")) {
            return new Parsed(null, "a listen address has no scheme: write host:port");
        }
        return parse(text, true);
    }

    /** Parses an upstream address, with an optional {@code http}, {@code https} or {@code tcp} scheme. */
    public static Parsed parseUpstream(String text) {
        return parse(text, false);
    }

    private static Parsed parse(String text, boolean emptyHostAllowed) {
        if (text == null || text.isBlank()) {
            return new Parsed(null, "is required (host:port)");
        }
        String rest = text.strip();
        String scheme = null;
        int schemeEnd = rest.indexOf("://");
        if (schemeEnd >= 0) {
            scheme = rest.substring(0, schemeEnd);
            if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("tcp")) {
                return new Parsed(null, "unknown scheme '" + scheme + "' (http, https or tcp)");
            }
            rest = rest.substring(schemeEnd + 3);
            if (rest.endsWith("/")) {
                rest = rest.substring(0, rest.length() - 1);
            }
        }
        int colon = rest.lastIndexOf(':');
        if (colon < 0) {
            return new Parsed(null, "'" + text + "' has no port (host:port)");
        }
        String host = rest.substring(0, colon);
        if (host.startsWith("[")) {
            if (!host.endsWith("]") || host.length() < 3) {
                return new Parsed(null, "'" + text + "' has a malformed IPv6 address");
            }
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            return new Parsed(null, "'" + text + "': write IPv6 addresses in brackets, [::1]:80");
        }
        if (host.isEmpty() && !emptyHostAllowed) {
            return new Parsed(null, "'" + text + "' has no host");
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == ':' || c == '_' || c == '%';
            if (!ok) {
                return new Parsed(null, "'" + text + "' has an invalid host");
            }
        }
        String digits = rest.substring(colon + 1);
        if (digits.isEmpty() || digits.length() > 5) {
            return new Parsed(null, "port out of range in '" + text + "' (0-65535)");
        }
        int port = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return new Parsed(null, "port is not a number in '" + text + "'");
            }
            port = port * 10 + (c - '0');
        }
        if (port > 65535) {
            return new Parsed(null, "port out of range in '" + text + "' (0-65535)");
        }
        return new Parsed(new HostPort(scheme, host, port), null);
    }

    /** An address to bind or connect to; resolves a host name (never call this on an event loop). */
    public InetSocketAddress toSocketAddress() {
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /** {@code host:port} with IPv6 hosts in brackets, without the scheme. */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return scheme == null ? authority() : scheme + "://" + authority();
    }
}
