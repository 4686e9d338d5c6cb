package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.config.AcmeConfig;
import io.balor.config.CertificateConfig;
import io.balor.config.HttpSettings;
import io.balor.config.HttpTimeouts;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.HealthCheckConfig;
import io.balor.config.Protocol;
import io.balor.config.RateLimitConfig;
import io.balor.config.RouteConfig;
import io.balor.config.StickyConfig;
import io.balor.config.Timeouts;
import io.balor.config.TlsConfig;
import io.balor.config.UpstreamConfig;
import io.balor.config.UpstreamTlsConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link BalorState} into the state document {@link StateReader} reads back to an equal
 * state. Upstreams are always written as objects (the one-line text form is only read), an
 * upstream's {@code name} only when it differs from its address, and timeouts only when they
 * differ from the defaults, so a file does not pin defaults that a later version may improve.
 * The same goes for an http listener's settings ({@code host_routes} when there are some,
 * {@code sticky} when set, {@code max_body_bytes}, {@code trust_forwarded}, {@code http_timeouts}
 * when not the defaults); a tcp listener gets only its {@code host_routes} (it ignores the
 * others, and the reader refuses them there), nor does an {@code ip_hash} sticky get a
 * {@code cookie_name}.
 *
 * <p>TLS likewise: a listener's {@code tls} when it has one, with {@code mode} only for
 * passthrough (or alone, {@code {"mode": "terminate"}}, when nothing else would be written, which
 * reads better than {@code {}}), {@code key_file} only when it is not the {@code cert_file},
 * {@code handshake_timeout_ms} only when not 10 s; a route's {@code tls} when it has a
 * certificate; a pool's {@code tls} only when not {@link UpstreamTlsConfig#DEFAULT}, with
 * {@code verify} only when false. File paths under the state file's directory are written
 * relative to it, others absolute ({@link StateDirectory#shorten}); those of the kept
 * {@code certificates} and {@code admin_console} sections too ({@link KeptPaths}).
 *
 * <p>A listener's or route's {@code rate_limit} when it has one: {@code rps} as a whole number
 * when it is one ({@code 10}, not {@code 10.0}), else as a decimal that reads back to the same
 * double ({@code 0.5}); {@code burst}; {@code per_client} only when true. A listener's
 * {@code proxy_protocol} with {@code accept} always written, {@code trusted} when not empty; a
 * pool's {@code send_proxy_protocol} when it sends one, its {@code protocol} when not {@code http1}.
 * Stateless.
 */
final class StateWriter {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StateWriter() {
    }

    /** @param directory the state file's directory, which relative file paths are written against */
    static ObjectNode write(BalorState state, StateDirectory directory) {
        ObjectNode root = NODES.objectNode();
        root.put("version", BalorState.VERSION);
        ArrayNode listeners = root.putArray("listeners");
        for (ListenerConfig listener : state.config().listeners()) {
            listeners.add(listener(listener, directory));
        }
        ArrayNode pools = root.putArray("pools");
        for (PoolConfig pool : state.config().pools()) {
            ObjectNode node = pools.addObject();
            node.put("name", pool.name());
            node.set("upstreams", upstreams(pool.upstreams()));
            if (pool.hostHeader() == PoolConfig.HostHeader.UPSTREAM) {
                node.put("host_header", "upstream");
            }
            if (pool.timeouts().connect() != null || pool.timeouts().response() != null) {
                ObjectNode timeouts = node.putObject("timeouts");
                if (pool.timeouts().connect() != null) {
                    timeouts.put("connect_ms", pool.timeouts().connect().toMillis());
                }
                if (pool.timeouts().response() != null) {
                    timeouts.put("upstream_response_ms", pool.timeouts().response().toMillis());
                }
            }
            if (!pool.tls().equals(UpstreamTlsConfig.DEFAULT)) {
                node.set("tls", upstreamTls(pool.tls(), directory));
            }
            if (pool.healthCheck() != null) {
                node.set("health_check", healthCheck(pool.healthCheck()));
            }
            if (pool.passiveHealth() != null) {
                ObjectNode passive = node.putObject("passive_health");
                passive.put("failures", pool.passiveHealth().consecutiveFailures());
                passive.put("eject_ms", pool.passiveHealth().ejectFor().toMillis());
                passive.put("count_5xx", pool.passiveHealth().count5xx());
            }
            if (!pool.slowStart().isZero()) {
                node.put("slow_start_ms", pool.slowStart().toMillis());
            }
            if (pool.sendProxyProtocol() != null) {
                node.put("send_proxy_protocol", pool.sendProxyProtocol().wireName());
            }
            if (pool.protocol() != PoolConfig.UpstreamProtocol.HTTP1) {
                node.put("protocol", pool.protocol().wireName());
            }
        }
        for (Map.Entry<String, JsonNode> extra : KeptPaths.shorten(state.extras(), directory).entrySet()) {
            root.set(extra.getKey(), extra.getValue().deepCopy());
        }
        return root;
    }

    private static ObjectNode listener(ListenerConfig listener, StateDirectory directory) {
        ObjectNode node = NODES.objectNode();
        node.put("name", listener.name());
        node.put("listen", listener.listen());
        node.put("protocol", listener.protocol().wireName());
        node.put("enabled", listener.enabled());
        if (listener.pool() != null) {
            node.put("pool", listener.pool());
        }
        if (!listener.upstreams().isEmpty()) {
            node.set("upstreams", upstreams(listener.upstreams()));
        }
        node.put("max_connections", listener.maxConnections());
        ObjectNode timeouts = timeouts(listener.timeouts());
        if (!timeouts.isEmpty()) {
            node.set("timeouts", timeouts);
        }
        if (listener.tls() != null) {
            node.set("tls", tls(listener.tls(), directory));
        }
        if (listener.rateLimit() != null) {
            node.set("rate_limit", rateLimit(listener.rateLimit()));
        }
        if (listener.proxyProtocol() != null) {
            ObjectNode proxy = node.putObject("proxy_protocol");
            proxy.put("accept", listener.proxyProtocol().accept());
            if (!listener.proxyProtocol().trusted().isEmpty()) {
                listener.proxyProtocol().trusted().forEach(proxy.putArray("trusted")::add);
            }
        }
        routes(node, listener.http(), directory);
        if (listener.protocol() == Protocol.HTTP) {
            http(node, listener.http());
        }
        return node;
    }

    private static void routes(ObjectNode node, HttpSettings http, StateDirectory directory) {
        if (!http.routes().isEmpty()) {
            ArrayNode routes = node.putArray("host_routes");
            for (RouteConfig route : http.routes()) {
                ObjectNode item = routes.addObject();
                item.put("host", route.host());
                if (route.pathPrefix() != null) {
                    item.put("path_prefix", route.pathPrefix());
                }
                item.put("pool", route.pool());
                if (route.tls() != null) {
                    ObjectNode certificate = item.putObject("tls");
                    certificate(certificate, route.tls(), directory);
                }
                if (route.rateLimit() != null) {
                    item.set("rate_limit", rateLimit(route.rateLimit()));
                }
                if (route.acme() != null) {
                    item.set("acme", acme(route.acme()));
                }
            }
        }
    }

    private static ObjectNode tls(TlsConfig tls, StateDirectory directory) {
        ObjectNode node = NODES.objectNode();
        if (tls.mode() == TlsConfig.Mode.PASSTHROUGH) {
            node.put("mode", "passthrough");
        }
        if (tls.certificate() != null) {
            certificate(node, tls.certificate(), directory);
        }
        putIfChanged(node, "handshake_timeout_ms", tls.handshakeTimeout(), TlsConfig.DEFAULT_HANDSHAKE_TIMEOUT);
        if (node.isEmpty()) {
            node.put("mode", "terminate");
        }
        return node;
    }

    private static void certificate(ObjectNode node, CertificateConfig certificate, StateDirectory directory) {
        node.put("cert_file", directory.shorten(certificate.certFile()));
        if (!certificate.keyFile().equals(certificate.certFile())) {
            node.put("key_file", directory.shorten(certificate.keyFile()));
        }
    }

    /** A route's {@code acme}: {@code email} and {@code challenge}, the rest when set. */
    private static ObjectNode acme(AcmeConfig acme) {
        ObjectNode node = NODES.objectNode().put("email", acme.email());
        if (acme.directoryUrl() != null) {
            node.put("directory_url", acme.directoryUrl());
        }
        node.put("challenge", acme.challenge().wire());
        if (acme.provider() != null) {
            node.put("provider", acme.provider());
        }
        if (acme.label() != null) {
            node.put("label", acme.label());
        }
        if (acme.acceptTerms()) {
            node.put("accept_terms", true);
        }
        return node;
    }

    private static ObjectNode rateLimit(RateLimitConfig limit) {
        ObjectNode node = NODES.objectNode();
        double rps = limit.rps();
        // Whole rates as integers; a valid rps is at most 1000000, far below where a long loses whole numbers.
        if (rps == Math.rint(rps) && Math.abs(rps) <= 1e15) {
            node.put("rps", (long) rps);
        } else {
            node.put("rps", rps);
        }
        node.put("burst", limit.burst());
        if (limit.perClient()) {
            node.put("per_client", true);
        }
        return node;
    }

    /**
     * A pool's {@code health_check}: {@code type}, an http check's {@code path}, a script's
     * {@code command}; the rest only when not the defaults.
     */
    private static ObjectNode healthCheck(HealthCheckConfig check) {
        ObjectNode node = NODES.objectNode();
        node.put("type", check.type().name().toLowerCase(java.util.Locale.ROOT));
        putIfChanged(node, "interval_ms", check.interval(), HealthCheckConfig.DEFAULT_INTERVAL);
        putIfChanged(node, "timeout_ms", check.timeout(), HealthCheckConfig.DEFAULT_TIMEOUT);
        if (check.rise() != HealthCheckConfig.DEFAULT_RISE) {
            node.put("rise", check.rise());
        }
        if (check.fall() != HealthCheckConfig.DEFAULT_FALL) {
            node.put("fall", check.fall());
        }
        if (check.path() != null) {
            node.put("path", check.path());
        }
        if (check.method() != null && !check.method().equals(HealthCheckConfig.DEFAULT_METHOD)) {
            node.put("method", check.method());
        }
        if (!check.headers().isEmpty()) {
            ObjectNode headers = node.putObject("headers");
            check.headers().forEach(headers::put);
        }
        if ((check.statusMin() != 0 || check.statusMax() != 0) && (check.statusMin() != HealthCheckConfig.DEFAULT_STATUS_MIN
                || check.statusMax() != HealthCheckConfig.DEFAULT_STATUS_MAX)) {
            node.putArray("expect_status").add(check.statusMin()).add(check.statusMax());
        }
        if (!check.command().isEmpty()) {
            ArrayNode command = node.putArray("command");
            check.command().forEach(command::add);
        }
        return node;
    }

    private static ObjectNode upstreamTls(UpstreamTlsConfig tls, StateDirectory directory) {
        ObjectNode node = NODES.objectNode();
        if (!tls.verify()) {
            node.put("verify", false);
        }
        if (tls.caFile() != null) {
            node.put("ca_file", directory.shorten(tls.caFile()));
        }
        if (tls.serverName() != null) {
            node.put("sni", tls.serverName());
        }
        return node;
    }

    private static void http(ObjectNode node, HttpSettings http) {
        StickyConfig sticky = http.sticky();
        if (sticky != null) {
            ObjectNode item = node.putObject("sticky");
            item.put("strategy", sticky.strategy() == StickyConfig.Strategy.IP_HASH ? "ip_hash" : "cookie");
            if (sticky.strategy() == StickyConfig.Strategy.COOKIE
                    && !StickyConfig.DEFAULT_COOKIE.equals(sticky.cookieName())) {
                item.put("cookie_name", sticky.cookieName());
            }
        }
        if (http.maxBodyBytes() != HttpSettings.DEFAULT_MAX_BODY) {
            node.put("max_body_bytes", http.maxBodyBytes());
        }
        if (http.trustForwarded()) {
            node.put("trust_forwarded", true);
        }
        if (http.websocketMaxFrameBytes() != HttpSettings.DEFAULT_MAX_FRAME) {
            node.put("websocket_max_frame_bytes", http.websocketMaxFrameBytes());
        }
        if (http.http2() != null) {
            node.put("http2", http.http2());
        }
        HttpTimeouts timeouts = http.timeouts();
        ObjectNode item = NODES.objectNode();
        putIfChanged(item, "head_ms", timeouts.head(), HttpTimeouts.DEFAULT.head());
        putIfChanged(item, "keep_alive_ms", timeouts.keepAlive(), HttpTimeouts.DEFAULT.keepAlive());
        putIfChanged(item, "body_idle_ms", timeouts.bodyIdle(), HttpTimeouts.DEFAULT.bodyIdle());
        putIfChanged(item, "upstream_response_ms", timeouts.upstreamResponse(),
                HttpTimeouts.DEFAULT.upstreamResponse());
        if (!item.isEmpty()) {
            node.set("http_timeouts", item);
        }
    }

    private static ArrayNode upstreams(List<UpstreamConfig> upstreams) {
        ArrayNode array = NODES.arrayNode();
        for (UpstreamConfig upstream : upstreams) {
            ObjectNode node = array.addObject();
            if (upstream.name() != null && !upstream.name().equals(upstream.address())) {
                node.put("name", upstream.name());
            }
            node.put("address", upstream.address());
            node.put("weight", upstream.weight());
            node.put("enabled", upstream.enabled());
        }
        return array;
    }

    private static ObjectNode timeouts(Timeouts timeouts) {
        ObjectNode node = NODES.objectNode();
        putIfChanged(node, "connect_ms", timeouts.connect(), Timeouts.DEFAULT.connect());
        putIfChanged(node, "idle_ms", timeouts.idle(), Timeouts.DEFAULT.idle());
        putIfChanged(node, "drain_ms", timeouts.drain(), Timeouts.DEFAULT.drain());
        return node;
    }

    private static void putIfChanged(ObjectNode node, String key, Duration value, Duration standard) {
        if (!value.equals(standard)) {
            node.put(key, value.toMillis());
        }
    }
}
