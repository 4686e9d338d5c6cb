package io.balor.admin.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code Host} values the admin API answers, against DNS rebinding: a web page on
 * {@code evil.example} whose name an attacker points at 127.0.0.1 runs in the browser with that
 * name as its origin, so the browser lets it read the answers; the {@code Host} it sends still
 * says {@code evil.example}, and that is refused (421 Misdirected Request, RFC 9110 §15.5.20). A
 * request without {@code Host} (HTTP/1.0) is refused the same way.
 *
 * <p>Answered: {@code localhost}, {@code 127.0.0.1}, {@code [::1]}, the bound address itself, any
 * IP address literal when bound to a wildcard address ({@code 0.0.0.0}, {@code [::]}: a literal
 * cannot be rebound, and the server then answers on every interface), and the names given (the
 * daemon's {@code BALOR_ADMIN_HOSTS}), in any letter case, with or without a port and one
 * trailing dot. Immutable; any thread; no DNS lookups ever.
 */
public final class AllowedHosts {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]{2,45}");

    private final Set<String> names = new HashSet<>();
    private final InetAddress bound;
    private final boolean wildcard;

    private AllowedHosts(InetAddress bound, List<String> extra) {
        this.bound = bound;
        this.wildcard = bound == null || bound.isAnyLocalAddress();
        names.add("localhost");
        names.add("127.0.0.1");
        names.add("::1");
        for (String name : extra) {
            names.add(normalise(name));
        }
    }

    /** The hosts of a server bound to {@code bind}, plus {@code extra} names (each must pass {@link #nameProblem}). */
    public static AllowedHosts of(InetSocketAddress bind, List<String> extra) {
        return new AllowedHosts(bind == null ? null : bind.getAddress(), extra);
    }

    /**
     * Why {@code name} cannot be an allowed host (a DNS name, an IPv4 address, or an IPv6 address
     * with or without brackets, which belong to IPv6 addresses only; no port), or null when it can.
     */
    public static String nameProblem(String name) {
        if (name == null) {
            return "a host name is required";
        }
        String host = normalise(name);
        boolean bracketed = name.strip().startsWith("[");
        boolean ok = !host.isEmpty() && host.length() <= 253 && (bracketed ? isIpv6(host)
                : NAME.matcher(host).matches() || IPV4.matcher(host).matches() || isIpv6(host));
        return ok ? null : "'" + name + "' is not a host name or an IP address (no port, no scheme)";
    }

    /** Whether a request whose {@code Host} header values are {@code values} (null: none) is answered. */
    public boolean allows(List<String> values) {
        if (values == null || values.size() != 1) {
            return false;
        }
        String host = hostPart(values.get(0).strip().toLowerCase(Locale.ROOT));
        if (host == null || host.isEmpty()) {
            return false;
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (names.contains(host)) {
            return true;
        }
        InetAddress literal = literal(host);
        return literal != null && (wildcard || literal.equals(bound));
    }

    /** The host of {@code host[:port]} or {@code [v6][:port]}, or null when the value is malformed. */
    private static String hostPart(String value) {
        String host = value;
        String port = null;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = value.substring(1, close);
            if (close + 1 < value.length()) {
                if (value.charAt(close + 1) != ':') {
                    return null;
                }
                port = value.substring(close + 2);
            }
            if (!isIpv6(host)) {
                return null;
            }
        } else {
            int colon = value.indexOf(':');
            if (colon >= 0) {
                if (value.indexOf(':', colon + 1) >= 0) {
                    return null;   // a bare IPv6 address: not a valid Host
                }
                host = value.substring(0, colon);
                port = value.substring(colon + 1);
            }
        }
        if (port != null && !validPort(port)) {
            return null;
        }
        return host;
    }

    private static boolean validPort(String port) {
        if (port.isEmpty() || port.length() > 5) {
            return false;
        }
        for (int i = 0; i < port.length(); i++) {
            if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                return false;
            }
        }
        int value = Integer.parseInt(port);
        return value >= 1 && value <= 65535;
    }

    /** {@code host} as an address when it is an IP literal (no lookup is ever made), else null. */
    private static InetAddress literal(String host) {
        if (!IPV4.matcher(host).matches() && !isIpv6(host)) {
            return null;
        }
        try {
            return InetAddress.getByName(host.indexOf(':') >= 0 ? "[" + host + "]" : host);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isIpv6(String host) {
        if (!IPV6.matcher(host).matches() || host.indexOf(':') < 0) {
            return false;
        }
        try {
            InetAddress.getByName("[" + host + "]");
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String normalise(String name) {
        String host = name.strip().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }
}
