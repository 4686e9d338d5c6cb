package io.balor.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Active health checks of a pool's upstreams: each upstream is probed every {@code interval}
 * (with up to a tenth of jitter either way, so probes of many upstreams spread out), a probe
 * that takes longer than {@code timeout} fails, and an upstream is taken out after {@code fall}
 * failures in a row and put back after {@code rise} successes in a row. Upstreams start up (as
 * HAProxy's do), so a new pool takes traffic at once and a broken upstream leaves after
 * {@code fall} probes.
 *
 * <ul>
 *   <li>{@code TCP}: a connect to the upstream's address.</li>
 *   <li>{@code HTTP}: a plain HTTP/1.1 request ({@code method path}, {@code Host} the upstream's
 *       address unless {@code headers} say otherwise, {@code Connection: close}); healthy when the
 *       status is in {@code [statusMin, statusMax]}.</li>
 *   <li>{@code HTTPS}: the same over TLS with the pool's {@link UpstreamTlsConfig} (verification
 *       on unless the pool says {@code verify: false}; the name checked is the pool's {@code sni},
 *       else the upstream's host).</li>
 *   <li>{@code SCRIPT}: runs {@code command} (never through a shell) with the upstream's address
 *       and port appended as two arguments, and {@code BALOR_UPSTREAM_ID}, {@code
 *       BALOR_UPSTREAM_HOST}, {@code BALOR_UPSTREAM_ADDRESS}, {@code BALOR_UPSTREAM_PORT} in its
 *       environment; healthy on exit status 0. One still running at the timeout is killed, with
 *       its descendants.</li>
 * </ul>
 *
 * <p>{@code path}, {@code method}, {@code headers} and the status range belong to HTTP and HTTPS
 * checks ({@code /}, {@code GET}, none and 200–399 by default), {@code command} to script checks;
 * given for another type they are refused.
 */
public record HealthCheckConfig(Type type, Duration interval, Duration timeout, int rise, int fall, String path,
                                String method, Map<String, String> headers, int statusMin, int statusMax,
                                List<String> command) {

    /** How an upstream is probed. */
    public enum Type { TCP, HTTP, HTTPS, SCRIPT }

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_RISE = 2;
    public static final int DEFAULT_FALL = 3;
    public static final String DEFAULT_PATH = "/";
    public static final String DEFAULT_METHOD = "GET";
    public static final int DEFAULT_STATUS_MIN = 200;
    public static final int DEFAULT_STATUS_MAX = 399;
    private static final int MAX_COUNT = 1000;

    public HealthCheckConfig {
        interval = interval == null ? DEFAULT_INTERVAL : interval;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        headers = headers == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(headers));
        command = command == null ? List.of() : List.copyOf(command);
        if (type == Type.HTTP || type == Type.HTTPS) {
            path = path == null ? DEFAULT_PATH : path;
            method = method == null ? DEFAULT_METHOD : method;
            if (statusMin == 0 && statusMax == 0) {
                statusMin = DEFAULT_STATUS_MIN;
                statusMax = DEFAULT_STATUS_MAX;
            }
        }
    }

    /** A TCP connect check with the default timings. */
    public static HealthCheckConfig tcp() {
        return of(Type.TCP, null, List.of());
    }

    /** A plain HTTP {@code GET path} check expecting 200–399. */
    public static HealthCheckConfig http(String path) {
        return of(Type.HTTP, path, List.of());
    }

    /** An HTTPS {@code GET path} check with the pool's TLS settings, expecting 200–399. */
    public static HealthCheckConfig https(String path) {
        return of(Type.HTTPS, path, List.of());
    }

    /** A script check: {@code command} (program and arguments), then the upstream's address and port. */
    public static HealthCheckConfig script(String... command) {
        return of(Type.SCRIPT, null, List.of(command));
    }

    private static HealthCheckConfig of(Type type, String path, List<String> command) {
        return new HealthCheckConfig(type, null, null, DEFAULT_RISE, DEFAULT_FALL, path, null, null, 0, 0, command);
    }

    public HealthCheckConfig withInterval(Duration value) {
        return new HealthCheckConfig(type, value, timeout, rise, fall, path, method, headers, statusMin, statusMax, command);
    }

    public HealthCheckConfig withTimeout(Duration value) {
        return new HealthCheckConfig(type, interval, value, rise, fall, path, method, headers, statusMin, statusMax, command);
    }

    public HealthCheckConfig withRise(int value) {
        return new HealthCheckConfig(type, interval, timeout, value, fall, path, method, headers, statusMin, statusMax, command);
    }

    public HealthCheckConfig withFall(int value) {
        return new HealthCheckConfig(type, interval, timeout, rise, value, path, method, headers, statusMin, statusMax, command);
    }

    public HealthCheckConfig withMethod(String value) {
        return new HealthCheckConfig(type, interval, timeout, rise, fall, path, value, headers, statusMin, statusMax, command);
    }

    public HealthCheckConfig withHeaders(Map<String, String> value) {
        return new HealthCheckConfig(type, interval, timeout, rise, fall, path, method, value, statusMin, statusMax, command);
    }

    /** Healthy when the response status is in {@code [min, max]}. */
    public HealthCheckConfig withExpectStatus(int min, int max) {
        return new HealthCheckConfig(type, interval, timeout, rise, fall, path, method, headers, min, max, command);
    }

    void check(String path, Problems problems) {
        if (type == null) {
            problems.add(path + ".type", "must be 'tcp', 'http', 'https' or 'script'");
            return;
        }
        positive(interval, path + ".interval_ms", problems);
        positive(timeout, path + ".timeout_ms", problems);
        count(rise, path + ".rise", problems);
        count(fall, path + ".fall", problems);
        boolean http = type == Type.HTTP || type == Type.HTTPS;
        if (http) {
            if (this.path.isEmpty() || this.path.charAt(0) != '/' || !visible(this.path)) {
                problems.add(path + ".path", "must start with '/' and hold only visible ASCII, was '" + this.path + "'");
            }
            if (!token(method)) {
                problems.add(path + ".method", "'" + method + "' is not a method name (a token)");
            }
            for (Map.Entry<String, String> header : headers.entrySet()) {
                if (!token(header.getKey())) {
                    problems.add(path + ".headers", "'" + header.getKey() + "' is not a field name (a token)");
                } else if (header.getValue() == null || !fieldValue(header.getValue())) {
                    problems.add(path + ".headers." + header.getKey(), "must not hold control characters");
                }
            }
            if (statusMin < 100 || statusMax > 599 || statusMin > statusMax) {
                problems.add(path + ".expect_status", "must be [min, max] with 100 <= min <= max <= 599, was ["
                        + statusMin + ", " + statusMax + "]");
            }
        } else {
            if (this.path != null) {
                problems.add(path + ".path", "belongs to http and https checks only");
            }
            if (method != null) {
                problems.add(path + ".method", "belongs to http and https checks only");
            }
            if (!headers.isEmpty()) {
                problems.add(path + ".headers", "belong to http and https checks only");
            }
            if (statusMin != 0 || statusMax != 0) {
                problems.add(path + ".expect_status", "belongs to http and https checks only");
            }
        }
        if (type == Type.SCRIPT) {
            if (command.isEmpty() || command.get(0) == null || command.get(0).isBlank()) {
                problems.add(path + ".command", "must name the program to run");
            }
            for (int i = 0; i < command.size(); i++) {
                if (command.get(i) == null || command.get(i).indexOf('\0') >= 0) {
                    problems.add(path + ".command[" + i + "]", "must be a string without NUL");
                }
            }
        } else if (!command.isEmpty()) {
            problems.add(path + ".command", "belongs to script checks only");
        }
    }

    private static void positive(Duration value, String path, Problems problems) {
        if (value.isNegative() || value.isZero()) {
            problems.add(path, "must be positive");
        }
    }

    private static void count(int value, String path, Problems problems) {
        if (value < 1 || value > MAX_COUNT) {
            problems.add(path, "must be between 1 and " + MAX_COUNT + ", was " + value);
        }
    }

    private static boolean visible(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static boolean token(String text) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0x7f || !io.balor.buffer.Ascii.isTchar(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean fieldValue(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < ' ' && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
