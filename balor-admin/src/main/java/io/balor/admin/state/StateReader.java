package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.config.BalorConfig;
import io.balor.config.HttpSettings;
import io.balor.config.HttpTimeouts;
import io.balor.config.InvalidConfigException;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamTimeouts;
import io.balor.config.Protocol;
import io.balor.config.RouteConfig;
import io.balor.config.StickyConfig;
import io.balor.config.Timeouts;
import io.balor.config.UpstreamConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Turns a parsed state document into a {@link BalorState}, strictly: unknown keys and values of
 * the wrong type are problems named by their path ({@code listeners[0].upstreams[1].weight}),
 * and every problem in the document is reported at once in one {@link InvalidConfigException}.
 * One instance reads one document, on the caller's thread.
 *
 * <p>Defaults: {@code protocol} tcp, {@code enabled} true, {@code weight} 1,
 * {@code max_connections} 0 (no limit), timeouts as {@link Timeouts#DEFAULT}. A missing
 * {@code version} is read as 1: the original Balor's files have none.
 *
 * <p>An {@code http} listener may also have {@code host_routes} ({@code [{host, pool,
 * path_prefix?}]}), {@code sticky} ({@code {strategy: "cookie"|"ip_hash", cookie_name?}}, the
 * name only with {@code cookie}), {@code max_body_bytes} (64 MiB), {@code trust_forwarded}
 * (false) and {@code http_timeouts} ({@code head_ms}, {@code keep_alive_ms}, {@code body_idle_ms},
 * {@code upstream_response_ms}; {@link HttpTimeouts#DEFAULT}). On a {@code tcp} listener these
 * keys are refused ("only for http listeners"), except with an empty value ({@code null}, or
 * {@code []} for {@code host_routes}), which says nothing.
 *
 * <p>The original Balor's {@code rate_limit}, {@code tls} and {@code acme} keys (on a listener or
 * a host route) are refused, as any unknown key is, but with a message saying this version does
 * not support them yet: this reader has no way to keep unknown keys below the top level, and
 * dropping them silently would turn off a rate limit or TLS the operator asked for. Later issues
 * map them.
 */
final class StateReader {

    static final List<String> TOP_KEYS = topKeys();
    static final List<String> LISTENER_KEYS = List.of(
            "name", "listen", "protocol", "enabled", "pool", "upstreams", "max_connections", "timeouts",
            "host_routes", "sticky", "max_body_bytes", "trust_forwarded", "http_timeouts",
            "websocket_max_frame_bytes");
    /** The listener keys that only an http listener may have. */
    static final List<String> HTTP_LISTENER_KEYS = List.of(
            "host_routes", "sticky", "max_body_bytes", "trust_forwarded", "http_timeouts", "websocket_max_frame_bytes");
    static final List<String> ROUTE_KEYS = List.of("host", "pool", "path_prefix");
    static final List<String> STICKY_KEYS = List.of("strategy", "cookie_name");
    static final List<String> HTTP_TIMEOUT_KEYS = List.of("head_ms", "keep_alive_ms", "body_idle_ms",
            "upstream_response_ms");
    /** The original Balor's keys (on listeners and host routes) that this version does not map yet. */
    static final List<String> NOT_YET_KEYS = List.of("rate_limit", "tls", "acme");
    static final List<String> POOL_KEYS = List.of("name", "upstreams", "host_header", "timeouts");
    static final List<String> POOL_TIMEOUT_KEYS = List.of("connect_ms", "upstream_response_ms");
    static final List<String> UPSTREAM_KEYS = List.of("name", "address", "weight", "enabled");
    static final List<String> TIMEOUT_KEYS = List.of("connect_ms", "idle_ms", "drain_ms");

    /** Stands in for a listener that is not an object; the config's complaints about it are dropped. */
    private static final ListenerConfig NO_LISTENER =
            new ListenerConfig(null, null, Protocol.TCP, null, List.of(), true, 0, null);
    private static final UpstreamConfig NO_UPSTREAM = new UpstreamConfig(null, null, 1, true);

    private final StateProblems problems = new StateProblems();

    private StateReader() {
    }

    /**
     * Reads a whole state document.
     *
     * @throws InvalidConfigException naming every problem by its path
     */
    static BalorState read(JsonNode root) {
        return new StateReader().readRoot(root);
    }

    private BalorState readRoot(JsonNode root) {
        if (!root.isObject()) {
            problems.add("(top level)", "must be a JSON object {\"version\": 1, \"listeners\": [...], ...}, was "
                    + describe(root));
            problems.throwIfAny();
        }
        List<ListenerConfig> listeners = List.of();
        List<PoolConfig> pools = List.of();
        Map<String, JsonNode> extras = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            switch (key) {
                case "version" -> readVersion(value);
                case "listeners" -> listeners = readArray(value, "listeners", this::readListener);
                case "pools" -> pools = readArray(value, "pools", this::readPool);
                default -> {
                    if (BalorState.EXTRA_KEYS.contains(key)) {
                        extras.put(key, value);
                    } else {
                        problems.unknownKey(key, key, TOP_KEYS);
                    }
                }
            }
        }
        BalorConfig config = null;
        try {
            config = new BalorConfig(listeners, pools);
        } catch (InvalidConfigException e) {
            problems.addValidation(e.problems());
        }
        problems.throwIfAny();
        return new BalorState(config, extras);
    }

    private void readVersion(JsonNode value) {
        if (!value.isIntegralNumber()) {
            problems.add("version", "must be a whole number, was " + describe(value));
        } else if (!value.canConvertToInt() || value.intValue() != BalorState.VERSION) {
            problems.add("version", "this Balor reads state version " + BalorState.VERSION + ", the file is version "
                    + value.asText() + (value.canConvertToInt() && value.intValue() > BalorState.VERSION
                    ? " (written by a newer Balor?)" : ""));
        }
    }

    /** A JSON array read item by item; absent or null is empty. */
    private <T> List<T> readArray(JsonNode value, String path, BiFunction<JsonNode, String, T> readItem) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            problems.add(path, "must be an array, was " + describe(value));
            return List.of();
        }
        List<T> items = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            items.add(readItem.apply(value.get(i), path + "[" + i + "]"));
        }
        return items;
    }

    private ListenerConfig readListener(JsonNode node, String path) {
        if (!isObject(node, path)) {
            return NO_LISTENER;
        }
        checkKeys(node, path, LISTENER_KEYS, NOT_YET_KEYS);
        Protocol protocol = Protocol.TCP;
        boolean protocolKnown = true;
        String protocolText = string(node, "protocol", path);
        if (protocolText != null) {
            protocol = Protocol.parse(protocolText);
            if (protocol == null) {
                problems.add(path + ".protocol", "must be 'tcp' or 'http', was '" + protocolText + "'");
                protocol = Protocol.TCP;
                protocolKnown = false;
            }
        }
        return new ListenerConfig(
                string(node, "name", path),
                string(node, "listen", path),
                protocol,
                string(node, "pool", path),
                readArray(node.get("upstreams"), path + ".upstreams", this::readUpstream),
                bool(node, "enabled", path, true),
                (int) number(node, "max_connections", path, 0, Integer.MIN_VALUE, Integer.MAX_VALUE),
                readTimeouts(node.get("timeouts"), path + ".timeouts"),
                // For an unreadable protocol, the HTTP keys are still read so their own problems show.
                protocol == Protocol.TCP && protocolKnown ? refuseHttpKeys(node, path) : readHttp(node, path));
    }

    /** Names each HTTP key a tcp listener has; returns null (the default settings). */
    private HttpSettings refuseHttpKeys(JsonNode node, String path) {
        for (String key : HTTP_LISTENER_KEYS) {
            JsonNode value = node.get(key);
            if (value != null && !value.isNull() && !(value.isArray() && value.isEmpty())) {
                problems.add(path + "." + key, "only for http listeners (this one has protocol 'tcp')");
            }
        }
        return null;
    }

    private HttpSettings readHttp(JsonNode node, String path) {
        return new HttpSettings(
                readArray(node.get("host_routes"), path + ".host_routes", this::readRoute),
                readSticky(node.get("sticky"), path + ".sticky"),
                number(node, "max_body_bytes", path, HttpSettings.DEFAULT_MAX_BODY, Long.MIN_VALUE, Long.MAX_VALUE),
                bool(node, "trust_forwarded", path, false),
                readHttpTimeouts(node.get("http_timeouts"), path + ".http_timeouts"),
                number(node, "websocket_max_frame_bytes", path, HttpSettings.DEFAULT_MAX_FRAME, Long.MIN_VALUE,
                        Long.MAX_VALUE));
    }

    private RouteConfig readRoute(JsonNode node, String path) {
        if (!isObject(node, path)) {
            return new RouteConfig(null, null, null);
        }
        checkKeys(node, path, ROUTE_KEYS, NOT_YET_KEYS);
        return new RouteConfig(string(node, "host", path), string(node, "path_prefix", path),
                string(node, "pool", path));
    }

    private StickyConfig readSticky(JsonNode value, String path) {
        if (value == null || value.isNull() || !isObject(value, path)) {
            return null;
        }
        checkKeys(value, path, STICKY_KEYS);
        StickyConfig.Strategy strategy = null;
        String text = string(value, "strategy", path);
        if (text != null) {
            strategy = switch (text) {
                case "cookie" -> StickyConfig.Strategy.COOKIE;
                case "ip_hash" -> StickyConfig.Strategy.IP_HASH;
                default -> {
                    problems.add(path + ".strategy", "must be 'cookie' or 'ip_hash', was '" + text + "'");
                    yield null;
                }
            };
        }
        String cookieName = string(value, "cookie_name", path);
        if (cookieName != null && strategy == StickyConfig.Strategy.IP_HASH) {
            problems.add(path + ".cookie_name", "only for strategy 'cookie'");
            cookieName = null;
        }
        return new StickyConfig(strategy, cookieName);
    }

    private HttpTimeouts readHttpTimeouts(JsonNode value, String path) {
        if (value == null || value.isNull() || !isObject(value, path)) {
            return null;
        }
        checkKeys(value, path, HTTP_TIMEOUT_KEYS);
        return new HttpTimeouts(millis(value, "head_ms", path), millis(value, "keep_alive_ms", path),
                millis(value, "body_idle_ms", path), millis(value, "upstream_response_ms", path));
    }

    private PoolConfig readPool(JsonNode node, String path) {
        if (!isObject(node, path)) {
            return new PoolConfig(null, List.of());
        }
        checkKeys(node, path, POOL_KEYS);
        String host = string(node, "host_header", path);
        PoolConfig.HostHeader hostHeader = null;
        if ("upstream".equals(host)) {
            hostHeader = PoolConfig.HostHeader.UPSTREAM;
        } else if ("preserve".equals(host)) {
            hostHeader = PoolConfig.HostHeader.PRESERVE;
        } else if (host != null) {
            problems.add(path + ".host_header", "must be 'preserve' or 'upstream', was '" + host + "'");
        }
        UpstreamTimeouts timeouts = null;
        JsonNode timeoutsNode = node.get("timeouts");
        if (timeoutsNode != null && !timeoutsNode.isNull() && isObject(timeoutsNode, path + ".timeouts")) {
            checkKeys(timeoutsNode, path + ".timeouts", POOL_TIMEOUT_KEYS);
            timeouts = new UpstreamTimeouts(millis(timeoutsNode, "connect_ms", path + ".timeouts"),
                    millis(timeoutsNode, "upstream_response_ms", path + ".timeouts"));
        }
        return new PoolConfig(string(node, "name", path),
                readArray(node.get("upstreams"), path + ".upstreams", this::readUpstream), hostHeader, timeouts);
    }

    private UpstreamConfig readUpstream(JsonNode node, String path) {
        if (node.isTextual()) {
            UpstreamText.Parsed parsed = UpstreamText.parse(node.textValue());
            if (parsed.error() != null) {
                problems.add(path, parsed.error());
                return NO_UPSTREAM;
            }
            return parsed.value();
        }
        if (!node.isObject()) {
            problems.add(path, "must be an object {\"address\": ...} or a string \"[name=]address [weight]\", was "
                    + describe(node));
            return NO_UPSTREAM;
        }
        checkKeys(node, path, UPSTREAM_KEYS);
        return new UpstreamConfig(
                string(node, "name", path),
                string(node, "address", path),
                (int) number(node, "weight", path, 1, Integer.MIN_VALUE, Integer.MAX_VALUE),
                bool(node, "enabled", path, true));
    }

    private Timeouts readTimeouts(JsonNode value, String path) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!isObject(value, path)) {
            return null;
        }
        checkKeys(value, path, TIMEOUT_KEYS);
        return new Timeouts(millis(value, "connect_ms", path), millis(value, "idle_ms", path),
                millis(value, "drain_ms", path));
    }

    private Duration millis(JsonNode node, String key, String path) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        long ms = number(node, key, path, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE);
        return ms == Long.MIN_VALUE ? null : Duration.ofMillis(ms);
    }

    private boolean isObject(JsonNode node, String path) {
        if (node.isObject()) {
            return true;
        }
        problems.add(path, "must be an object, was " + describe(node));
        return false;
    }

    private void checkKeys(JsonNode node, String path, List<String> known) {
        checkKeys(node, path, known, List.of());
    }

    /** Unknown keys are problems; those in {@code notYet} say this version does not support them yet. */
    private void checkKeys(JsonNode node, String path, List<String> known, List<String> notYet) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = field.getKey();
            if (known.contains(key)) {
                continue;
            }
            if (notYet.contains(key)) {
                problems.add(path + "." + key, "the original Balor's '" + key + "' is not supported by this version"
                        + " yet; remove it to load the file");
            } else {
                problems.unknownKey(path + "." + key, key, known);
            }
        }
    }

    /** A string field; null when absent, JSON null, or not a string (then a problem). */
    private String string(JsonNode node, String key, String path) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            problems.add(path + "." + key, "must be a string, was " + describe(value));
            return null;
        }
        return value.textValue();
    }

    private boolean bool(JsonNode node, String key, String path, boolean absent) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            problems.add(path + "." + key, "must be true or false, was " + describe(value));
            return absent;
        }
        return value.booleanValue();
    }

    /** A whole number field in [min, max]; {@code absent} when absent or not such a number. */
    private long number(JsonNode node, String key, String path, long absent, long min, long max) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return absent;
        }
        String at = path + "." + key;
        if (!value.isNumber()) {
            problems.add(at, "must be a number, was " + describe(value));
        } else if (!value.isIntegralNumber()) {
            problems.add(at, "must be a whole number, was " + value.asText());
        } else if (!value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
            problems.add(at, "is out of range, was " + value.asText());
        } else {
            return value.longValue();
        }
        return absent;
    }

    /** A short description of a JSON value for messages: its type, and its text when short. */
    static String describe(JsonNode value) {
        String type = switch (value.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case NUMBER -> "a number";
            case STRING -> "a string";
            default -> value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
        if (value.isValueNode() && !value.isNull()) {
            String text = value.toString();
            return type + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
        }
        return type;
    }

    private static List<String> topKeys() {
        List<String> keys = new ArrayList<>(List.of("version", "listeners", "pools"));
        keys.addAll(BalorState.EXTRA_KEYS);
        return List.copyOf(keys);
    }
}
