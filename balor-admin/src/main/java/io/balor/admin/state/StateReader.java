package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.config.AcmeConfig;
import io.balor.config.BalorConfig;
import io.balor.config.CertificateConfig;
import io.balor.config.HttpSettings;
import io.balor.config.HttpTimeouts;
import io.balor.config.InvalidConfigException;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.Protocol;
import io.balor.config.ProxyProtocolConfig;
import io.balor.config.RateLimitConfig;
import io.balor.config.RouteConfig;
import io.balor.config.StickyConfig;
import io.balor.config.Timeouts;
import io.balor.config.TlsConfig;
import io.balor.config.UpstreamConfig;
import io.balor.config.UpstreamTimeouts;
import io.balor.config.UpstreamTlsConfig;

import java.nio.file.InvalidPathException;
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
 * path_prefix?, tls?}]}), {@code sticky} ({@code {strategy: "cookie"|"ip_hash", cookie_name?}}, the
 * name only with {@code cookie}), {@code max_body_bytes} (64 MiB), {@code trust_forwarded}
 * (false) and {@code http_timeouts} ({@code head_ms}, {@code keep_alive_ms}, {@code body_idle_ms},
 * {@code upstream_response_ms}; {@link HttpTimeouts#DEFAULT}). On a {@code tcp} listener these
 * keys are refused ("only for http listeners"), except with an empty value ({@code null}, or
 * {@code []}), which says nothing, and except {@code host_routes}: a tcp listener with
 * {@code tls} routes connections by their TLS server name (SNI), so its routes have a host, a
 * pool and maybe a certificate, but no {@code path_prefix} (the config refuses one).
 *
 * <p>TLS ({@link TlsConfig}, {@link CertificateConfig}, {@link UpstreamTlsConfig}):
 * <ul>
 *   <li>listener: {@code "tls": {"mode": "terminate"|"passthrough", "cert_file", "key_file",
 *       "handshake_timeout_ms"}}, all optional; {@code mode} terminate by default, passthrough
 *       for tcp listeners only and without a certificate; {@code key_file} defaults to
 *       {@code cert_file} (one PEM file holding both); {@code handshake_timeout_ms} 10000.</li>
 *   <li>host route: {@code "tls": {"cert_file", "key_file"}}, the certificate for that host.</li>
 *   <li>pool: {@code "tls": {"verify": true, "ca_file", "sni"}}, how HTTP listeners speak to
 *       its {@code https://} upstreams; all optional, verifying against the JDK's trust store by
 *       default.</li>
 * </ul>
 * A relative {@code cert_file}, {@code key_file} or {@code ca_file} is relative to the state
 * file's directory ({@link StateDirectory}), not to the daemon's working directory, which may
 * be anything; the config holds the absolute, normalised path. So do the paths in the kept
 * {@code certificates} and {@code admin_console} sections ({@link KeptPaths}).
 *
 * <p>Rate limits ({@link RateLimitConfig}), in the original Balor's shape: {@code "rate_limit":
 * {"rps": 10, "burst": 20, "per_client": true}} on a listener (http: requests, tcp: new
 * connections) or a host route (http listeners only; the config refuses one on a tcp listener's
 * route). {@code rps} (a number, fractions allowed: 0.5 is one every 2 s) and {@code burst} (a
 * whole number) are required, {@code per_client} is false by default; {@code null} says there is
 * no limit.
 *
 * <p>PROXY protocol: a listener's {@code "proxy_protocol": {"accept": true, "trusted": [...]}}
 * ({@code accept} true when absent; {@code trusted} required while it is true), and a pool's
 * {@code "send_proxy_protocol": "v1"|"v2"} (absent or null: none; any other value is refused);
 * {@code "protocol": "http1"|"h2"|"h2c"} (absent or null: http1; any other value is refused).
 *
 * <p>The original Balor's {@code acme} key (on a listener or a host route) is refused, as any
 * unknown key is, but with a message saying this version does not support it yet: this reader
 * has no way to keep unknown keys below the top level, and dropping it silently would turn off
 * certificate renewal the operator asked for. A later issue maps it.
 */
final class StateReader {

    static final List<String> TOP_KEYS = topKeys();
    static final List<String> LISTENER_KEYS = List.of(
            "name", "listen", "protocol", "enabled", "pool", "upstreams", "max_connections", "timeouts", "tls",
            "host_routes", "sticky", "max_body_bytes", "trust_forwarded", "http_timeouts",
            "websocket_max_frame_bytes", "http2", "rate_limit", "proxy_protocol");
    /** The listener keys that only an http listener may have ({@code host_routes} is for both). */
    static final List<String> HTTP_LISTENER_KEYS = List.of(
            "sticky", "max_body_bytes", "trust_forwarded", "http_timeouts", "websocket_max_frame_bytes", "http2");
    static final List<String> ROUTE_KEYS = List.of("host", "pool", "path_prefix", "tls", "rate_limit", "acme");
    static final List<String> ACME_KEYS = List.of("email", "directory_url", "challenge", "provider", "label",
            "accept_terms");
    static final List<String> STICKY_KEYS = List.of("strategy", "cookie_name");
    static final List<String> HTTP_TIMEOUT_KEYS = List.of("head_ms", "keep_alive_ms", "body_idle_ms",
            "upstream_response_ms");
    static final List<String> LISTENER_TLS_KEYS = List.of("mode", "cert_file", "key_file", "handshake_timeout_ms");
    static final List<String> CERTIFICATE_KEYS = List.of("cert_file", "key_file");
    static final List<String> RATE_LIMIT_KEYS = List.of("rps", "burst", "per_client");
    static final List<String> PROXY_PROTOCOL_KEYS = List.of("accept", "trusted");
    /** The original Balor's keys on listeners that this version does not take there. */
    static final List<String> LISTENER_ONLY_ORIGINAL_KEYS = List.of("acme");
    static final List<String> POOL_KEYS = List.of("name", "upstreams", "host_header", "timeouts", "tls", "health_check",
            "passive_health", "slow_start_ms", "send_proxy_protocol", "protocol");
    static final List<String> POOL_TIMEOUT_KEYS = List.of("connect_ms", "upstream_response_ms");
    static final List<String> POOL_TLS_KEYS = List.of("verify", "ca_file", "sni");
    static final List<String> UPSTREAM_KEYS = List.of("name", "address", "weight", "enabled");
    static final List<String> TIMEOUT_KEYS = List.of("connect_ms", "idle_ms", "drain_ms");

    /** Stands in for a listener that is not an object; the config's complaints about it are dropped. */
    private static final ListenerConfig NO_LISTENER =
            new ListenerConfig(null, null, Protocol.TCP, null, List.of(), true, 0, null);
    private static final UpstreamConfig NO_UPSTREAM = new UpstreamConfig(null, null, 1, true);

    private final StateProblems problems = new StateProblems();
    private final StateFields fields = new StateFields(problems);
    private final HealthSections health = new HealthSections(fields, problems);
    private final StateDirectory directory;

    private StateReader(StateDirectory directory) {
        this.directory = directory;
    }

    /**
     * Reads a whole state document.
     *
     * @param directory what relative file paths in it are relative to
     * @throws InvalidConfigException naming every problem by its path
     */
    static BalorState read(JsonNode root, StateDirectory directory) {
        return new StateReader(directory).readRoot(root);
    }

    private BalorState readRoot(JsonNode root) {
        if (!root.isObject()) {
            problems.add("(top level)", "must be a JSON object {\"version\": 1, \"listeners\": [...], ...}, was "
                    + StateFields.describe(root));
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
        KeptSections.check(extras, directory, problems);
        AcmeSections.check(extras, listeners, directory, problems);
        BalorConfig config = null;
        try {
            config = new BalorConfig(listeners, pools);
        } catch (InvalidConfigException e) {
            problems.addValidation(e.problems());
        }
        problems.throwIfAny();
        return new BalorState(config, KeptPaths.resolve(extras, directory));
    }

    private void readVersion(JsonNode value) {
        if (!value.isIntegralNumber()) {
            problems.add("version", "must be a whole number, was " + StateFields.describe(value));
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
            problems.add(path, "must be an array, was " + StateFields.describe(value));
            return List.of();
        }
        List<T> items = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            items.add(readItem.apply(value.get(i), path + "[" + i + "]"));
        }
        return items;
    }

    private ListenerConfig readListener(JsonNode node, String path) {
        if (!fields.isObject(node, path)) {
            return NO_LISTENER;
        }
        fields.checkKeys(node, path, LISTENER_KEYS, LISTENER_ONLY_ORIGINAL_KEYS);
        Protocol protocol = Protocol.TCP;
        boolean protocolKnown = true;
        String protocolText = fields.string(node, "protocol", path);
        if (protocolText != null) {
            protocol = Protocol.parse(protocolText);
            if (protocol == null) {
                problems.add(path + ".protocol", "must be 'tcp' or 'http', was '" + protocolText + "'");
                protocol = Protocol.TCP;
                protocolKnown = false;
            }
        }
        String name = fields.string(node, "name", path);
        String listen = fields.string(node, "listen", path);
        String pool = fields.string(node, "pool", path);
        List<UpstreamConfig> upstreams = readArray(node.get("upstreams"), path + ".upstreams", this::readUpstream);
        boolean enabled = fields.bool(node, "enabled", path, true);
        int maxConnections = (int) fields.number(node, "max_connections", path, 0, Integer.MIN_VALUE,
                Integer.MAX_VALUE);
        Timeouts timeouts = readTimeouts(node.get("timeouts"), path + ".timeouts");
        // For an unreadable protocol, the HTTP keys are still read so their own problems show.
        HttpSettings http = protocol == Protocol.TCP && protocolKnown
                ? readTcpRoutes(node, path) : readHttp(node, path);
        return new ListenerConfig(name, listen, protocol, pool, upstreams, enabled, maxConnections, timeouts, http,
                readListenerTls(node, path, protocol, http), readRateLimit(node, path), readProxyProtocol(node, path));
    }

    /** A listener's {@code proxy_protocol: {"accept": true, "trusted": [...]}}, or null when absent. */
    private ProxyProtocolConfig readProxyProtocol(JsonNode node, String path) {
        JsonNode section = fields.section(node, "proxy_protocol", path, PROXY_PROTOCOL_KEYS);
        if (section == null) {
            return null;
        }
        String at = path + ".proxy_protocol";
        List<String> trusted = fields.strings(section, "trusted", at,
                "an array of the proxies' addresses or ranges, such as [\"10.0.0.0/8\"]");
        return new ProxyProtocolConfig(fields.bool(section, "accept", at, true), trusted == null ? List.of() : trusted);
    }

    /** A tcp listener's SNI routes; each HTTP-only key it has is a problem. */
    private HttpSettings readTcpRoutes(JsonNode node, String path) {
        for (String key : HTTP_LISTENER_KEYS) {
            JsonNode value = node.get(key);
            if (value != null && !value.isNull() && !(value.isArray() && value.isEmpty())) {
                problems.add(path + "." + key, "only for http listeners (this one has protocol 'tcp')");
            }
        }
        return HttpSettings.DEFAULT.withRoutes(readArray(node.get("host_routes"), path + ".host_routes",
                this::readRoute));
    }

    private HttpSettings readHttp(JsonNode node, String path) {
        return new HttpSettings(
                readArray(node.get("host_routes"), path + ".host_routes", this::readRoute),
                readSticky(node.get("sticky"), path + ".sticky"),
                fields.number(node, "max_body_bytes", path, HttpSettings.DEFAULT_MAX_BODY, Long.MIN_VALUE,
                        Long.MAX_VALUE),
                fields.bool(node, "trust_forwarded", path, false),
                readHttpTimeouts(node.get("http_timeouts"), path + ".http_timeouts"),
                fields.number(node, "websocket_max_frame_bytes", path, HttpSettings.DEFAULT_MAX_FRAME, Long.MIN_VALUE,
                        Long.MAX_VALUE),
                fields.optionalBool(node, "http2", path));
    }

    private RouteConfig readRoute(JsonNode node, String path) {
        if (!fields.isObject(node, path)) {
            return new RouteConfig(null, null, null);
        }
        fields.checkKeys(node, path, ROUTE_KEYS);
        CertificateConfig certificate = null;
        JsonNode tls = fields.section(node, "tls", path, CERTIFICATE_KEYS);
        if (tls != null) {
            certificate = new CertificateConfig(file(tls, "cert_file", path + ".tls"),
                    file(tls, "key_file", path + ".tls"));
        }
        return new RouteConfig(fields.string(node, "host", path), fields.string(node, "path_prefix", path),
                fields.string(node, "pool", path), certificate, readRateLimit(node, path), readAcme(node, path));
    }

    /** A host route's {@code acme}; null when absent. */
    private AcmeConfig readAcme(JsonNode node, String path) {
        return readAcme(fields, problems, node, path);
    }

    /**
     * The {@code acme} of {@code node} (a host route, or an {@code acme_standalone} entry) at
     * {@code path}; null when absent. Its own rules are {@link AcmeConfig}'s, checked with the config.
     */
    static AcmeConfig readAcme(StateFields fields, StateProblems problems, JsonNode node, String path) {
        JsonNode acme = fields.section(node, "acme", path, ACME_KEYS);
        if (acme == null) {
            return null;
        }
        String at = path + ".acme";
        String text = fields.string(acme, "challenge", at);
        AcmeConfig.Challenge challenge = AcmeConfig.Challenge.parse(text);
        if (text != null && challenge == null) {
            problems.add(at + ".challenge", "must be 'http01' or 'dns01', was '" + text + "'");
        }
        return new AcmeConfig(fields.string(acme, "email", at), fields.string(acme, "directory_url", at), challenge,
                fields.string(acme, "provider", at), fields.string(acme, "label", at),
                fields.bool(acme, "accept_terms", at, false));
    }

    /** A listener's or host route's {@code rate_limit}; null (no limit) when absent or not an object. */
    private RateLimitConfig readRateLimit(JsonNode node, String path) {
        JsonNode limit = fields.section(node, "rate_limit", path, RATE_LIMIT_KEYS);
        if (limit == null) {
            return null;
        }
        String at = path + ".rate_limit";
        // A missing or unreadable value gets a valid stand-in: the problem is already named, the config adds none.
        double rps = fields.required(limit, "rps", at) ? fields.decimal(limit, "rps", at, 1) : 1;
        int burst = fields.required(limit, "burst", at)
                ? (int) fields.number(limit, "burst", at, 1, Integer.MIN_VALUE, Integer.MAX_VALUE) : 1;
        return new RateLimitConfig(rps, burst, fields.bool(limit, "per_client", at, false));
    }

    /** A listener's {@code tls}, or null; {@code http} gives the routes already read. */
    private TlsConfig readListenerTls(JsonNode node, String path, Protocol protocol, HttpSettings http) {
        JsonNode tls = fields.section(node, "tls", path, LISTENER_TLS_KEYS);
        if (tls == null) {
            return null;
        }
        String at = path + ".tls";
        String cert = file(tls, "cert_file", at);
        String key = file(tls, "key_file", at);
        CertificateConfig certificate = cert != null || key != null ? new CertificateConfig(cert, key) : null;
        TlsConfig.Mode mode = null;
        String text = fields.string(tls, "mode", at);
        if ("terminate".equals(text)) {
            mode = TlsConfig.Mode.TERMINATE;
        } else if ("passthrough".equals(text)) {
            mode = TlsConfig.Mode.PASSTHROUGH;
        } else if (text != null) {
            problems.add(at + ".mode", "must be 'terminate' or 'passthrough', was '" + text + "'");
            // A stand-in that the rest agrees with, so the config adds no complaint about the mode's effects.
            mode = certificate != null || protocol == Protocol.HTTP || hasCertificates(http)
                    ? TlsConfig.Mode.TERMINATE : TlsConfig.Mode.PASSTHROUGH;
        }
        return new TlsConfig(mode, certificate, fields.millis(tls, "handshake_timeout_ms", at));
    }

    private static boolean hasCertificates(HttpSettings http) {
        for (RouteConfig route : http.routes()) {
            if (route.tls() != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * A file path field, resolved against the state file's directory; null when absent or
     * unreadable (then a problem).
     */
    private String file(JsonNode node, String key, String path) {
        String value = fields.string(node, key, path);
        try {
            return directory.resolve(value);
        } catch (InvalidPathException e) {
            problems.add(path + "." + key, "is not a file path: " + e.getReason());
            return null;
        }
    }

    private StickyConfig readSticky(JsonNode value, String path) {
        if (value == null || value.isNull() || !fields.isObject(value, path)) {
            return null;
        }
        fields.checkKeys(value, path, STICKY_KEYS);
        StickyConfig.Strategy strategy = null;
        String text = fields.string(value, "strategy", path);
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
        String cookieName = fields.string(value, "cookie_name", path);
        if (cookieName != null && strategy == StickyConfig.Strategy.IP_HASH) {
            problems.add(path + ".cookie_name", "only for strategy 'cookie'");
            cookieName = null;
        }
        return new StickyConfig(strategy, cookieName);
    }

    private HttpTimeouts readHttpTimeouts(JsonNode value, String path) {
        if (value == null || value.isNull() || !fields.isObject(value, path)) {
            return null;
        }
        fields.checkKeys(value, path, HTTP_TIMEOUT_KEYS);
        return new HttpTimeouts(fields.millis(value, "head_ms", path), fields.millis(value, "keep_alive_ms", path),
                fields.millis(value, "body_idle_ms", path), fields.millis(value, "upstream_response_ms", path));
    }

    private PoolConfig readPool(JsonNode node, String path) {
        if (!fields.isObject(node, path)) {
            return new PoolConfig(null, List.of());
        }
        fields.checkKeys(node, path, POOL_KEYS);
        String host = fields.string(node, "host_header", path);
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
        if (timeoutsNode != null && !timeoutsNode.isNull() && fields.isObject(timeoutsNode, path + ".timeouts")) {
            fields.checkKeys(timeoutsNode, path + ".timeouts", POOL_TIMEOUT_KEYS);
            timeouts = new UpstreamTimeouts(fields.millis(timeoutsNode, "connect_ms", path + ".timeouts"),
                    fields.millis(timeoutsNode, "upstream_response_ms", path + ".timeouts"));
        }
        return new PoolConfig(fields.string(node, "name", path),
                readArray(node.get("upstreams"), path + ".upstreams", this::readUpstream), hostHeader, timeouts,
                readPoolTls(node, path), health.check(node, path), health.passive(node, path),
                fields.millis(node, "slow_start_ms", path),
                readNamed(node, "send_proxy_protocol", path, PoolConfig.ProxyVersion::parse, "'v1' or 'v2' (or null for none)"),
                readNamed(node, "protocol", path, PoolConfig.UpstreamProtocol::parse, "'http1', 'h2' or 'h2c'"));
    }

    /** The value named by the string {@code key} ({@code parse} gives null for no such name: refused), or null when absent. */
    private <T> T readNamed(JsonNode node, String key, String path, java.util.function.Function<String, T> parse,
                            String names) {
        String text = fields.string(node, key, path);
        T value = text == null ? null : parse.apply(text);
        if (text != null && value == null) {
            problems.add(path + "." + key, "must be " + names + ", was '" + text + "'");
        }
        return value;
    }

    /** A pool's {@code tls}; null (the default: verify against the JDK's trust store) when absent. */
    private UpstreamTlsConfig readPoolTls(JsonNode node, String path) {
        JsonNode tls = fields.section(node, "tls", path, POOL_TLS_KEYS);
        if (tls == null) {
            return null;
        }
        String at = path + ".tls";
        return new UpstreamTlsConfig(fields.bool(tls, "verify", at, true), file(tls, "ca_file", at),
                fields.string(tls, "sni", at));
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
                    + StateFields.describe(node));
            return NO_UPSTREAM;
        }
        fields.checkKeys(node, path, UPSTREAM_KEYS);
        return new UpstreamConfig(
                fields.string(node, "name", path),
                fields.string(node, "address", path),
                (int) fields.number(node, "weight", path, 1, Integer.MIN_VALUE, Integer.MAX_VALUE),
                fields.bool(node, "enabled", path, true));
    }

    private Timeouts readTimeouts(JsonNode value, String path) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!fields.isObject(value, path)) {
            return null;
        }
        fields.checkKeys(value, path, TIMEOUT_KEYS);
        return new Timeouts(fields.millis(value, "connect_ms", path), fields.millis(value, "idle_ms", path),
                fields.millis(value, "drain_ms", path));
    }

    private static List<String> topKeys() {
        List<String> keys = new ArrayList<>(List.of("version", "listeners", "pools"));
        keys.addAll(BalorState.EXTRA_KEYS);
        return List.copyOf(keys);
    }
}
