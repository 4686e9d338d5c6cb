package io.balor.admin.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The listeners and pools of an original Balor file, in this version's shape. The original kept
 * listeners in an object keyed by UUID and copied a pool's upstreams into each route (and into a
 * TCP listener) when it was saved; this version keeps listeners in an array and has routes and
 * listeners name a pool. So each route's (and listener's) copy of upstreams is sent to a pool:
 * <ul>
 *   <li>the pool the route names, or any other, when the copy is still equal to its upstreams
 *       (name, address, weight, enabled) and the pool has the same health check or none yet;</li>
 *   <li>else a pool made from the copy, named after the listener and the route's host
 *       ({@code web-https-shop.example.com}; {@code *} written {@code wildcard}): what the original
 *       really sent traffic to.</li>
 * </ul>
 * A listener's {@code health_probe} becomes the {@code health_check} of the pools it sends to
 * ({@link OriginalUpstreams}); a pool two listeners with different probes send to is made twice.
 * Route keys are renamed ({@code tls.cert_path} to {@code tls.cert_file}), paths resolved
 * ({@link OriginalPaths}); a route's {@code acme} is kept (its {@code cache_dir} is not), its
 * {@code acme_status} dropped. What has no equivalent is reported as not carried over: a disabled
 * route, a host with a port (neither ever matched a request), a listener-level {@code acme}.
 * Not thread-safe: one migration, the caller's thread.
 */
final class OriginalListeners {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> POOL_KEYS = List.of("name", "upstreams");
    private static final List<String> LISTENER_KEYS = List.of("id", "name", "listen", "protocol", "health_probe",
            "rate_limit", "enabled", "upstreams", "host_routes", "tls", "sticky", "acme");
    private static final List<String> ROUTE_KEYS = List.of("host", "upstreams", "enabled", "rate_limit", "pool", "tls",
            "acme", "acme_status");
    private static final List<String> ACME_KEYS = List.of("email", "directory_url", "challenge", "provider", "label");

    /** A pool of the migrated file; its health check is fixed by the first listener that sends to it. */
    private static final class Pool {
        final String name;
        final List<ObjectNode> upstreams;
        ObjectNode health;
        boolean used;

        Pool(String name, List<ObjectNode> upstreams) {
            this.name = name;
            this.upstreams = upstreams;
        }
    }

    private final MigrationReport report;
    private final OriginalPaths paths;
    private final OriginalUpstreams upstreams;
    private final NameSet poolNames = new NameSet();
    private final NameSet listenerNames = new NameSet();
    /** By the original's name (for a route's {@code pool}) and then in order, the made ones last. */
    private final Map<String, Pool> originalPools = new LinkedHashMap<>();
    private final List<Pool> pools = new ArrayList<>();
    private final ArrayNode listeners = NODES.arrayNode();
    private final Set<String> enabledAddresses = new HashSet<>();

    OriginalListeners(MigrationReport report, OriginalPaths paths) {
        this.report = report;
        this.paths = paths;
        this.upstreams = new OriginalUpstreams(report);
    }

    /** Reads the original's {@code pools} (call first, then {@link #listeners}). */
    void pools(JsonNode list) {
        if (list == null || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            report.lost("pools", "not a list of pools");
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode pool = list.get(i);
            String at = "pools[" + i + "]";
            if (!pool.isObject()) {
                report.lost(at, "not a pool");
                continue;
            }
            upstreams.unknownKeys(pool, at, POOL_KEYS, "pool");
            String original = pool.path("name").asText("");
            String name = name(poolNames, original, "pool", at);
            Pool made = new Pool(name, upstreams.upstreams(pool.get("upstreams"), at + ".upstreams"));
            pools.add(made);
            originalPools.putIfAbsent(original, made);
        }
    }

    /** Reads the original's {@code listeners} object. */
    void listeners(JsonNode map) {
        report.changed("listeners", "the object keyed by id is written as an array; each listener's id is dropped (a"
                + " listener is known by its name here)");
        for (Map.Entry<String, JsonNode> entry : map.properties()) {
            String at = "listeners." + entry.getKey();
            if (!entry.getValue().isObject()) {
                report.lost(at, "not a listener");
                continue;
            }
            ObjectNode listener = listener(entry.getValue(), at);
            if (listener != null) {
                listeners.add(listener);
            }
        }
    }

    ArrayNode listenersOut() {
        return listeners;
    }

    /** The pools, original ones first in their order, then the made ones. */
    ArrayNode poolsOut() {
        ArrayNode out = NODES.arrayNode();
        for (Pool pool : pools) {
            ObjectNode node = out.addObject().put("name", pool.name);
            node.set("upstreams", OriginalUpstreams.array(pool.upstreams));
            if (pool.health != null) {
                node.set("health_check", pool.health);
            }
        }
        return out;
    }

    private ObjectNode listener(JsonNode in, String at) {
        upstreams.unknownKeys(in, at, LISTENER_KEYS, "listener");
        String name = name(listenerNames, in.path("name").asText(""), "listener", at);
        String protocol = in.path("protocol").asText("");
        if (!protocol.equals("http") && !protocol.equals("tcp")) {
            report.lost(at, "listener '" + name + "' has protocol '" + protocol + "' (http or tcp): not carried over");
            return null;
        }
        boolean http = protocol.equals("http");
        ObjectNode out = NODES.objectNode().put("name", name).put("listen", in.path("listen").asText(""))
                .put("protocol", protocol);
        boolean enabled = in.path("enabled").asBoolean(true);
        String listen = out.get("listen").asText();
        if (enabled && !listen.endsWith(":0") && !enabledAddresses.add(listen)) {
            report.lost(at + ".enabled", "another enabled listener has " + listen + " (the"
                    + " original could not bind both): written disabled");
            enabled = false;
        }
        if (!enabled) {
            out.put("enabled", false);
        }
        JsonNode probe = in.get("health_probe");
        boolean probeReported = false;
        List<ObjectNode> fallback = upstreams.upstreams(in.get("upstreams"), at + ".upstreams");
        if (!fallback.isEmpty()) {
            ObjectNode health = upstreams.healthCheck(probe, at + ".health_probe", http, fallback, true);
            probeReported = true;
            out.put("pool", pool(fallback, health, null, name, at + ".upstreams"));
        }
        rateLimit(in.get("rate_limit"), at + ".rate_limit", out);
        if (http) {
            tls(in.get("tls"), at + ".tls", out);
            sticky(in.get("sticky"), at + ".sticky", out);
        } else {
            for (String key : List.of("tls", "sticky", "host_routes")) {
                if (in.hasNonNull(key) && !(in.get(key).isArray() && in.get(key).isEmpty())) {
                    report.lost(at + "." + key, "the original ignored it on a tcp listener");
                }
            }
        }
        if (in.hasNonNull("acme")) {
            report.lost(at + ".acme", "the original issued certificates for host routes only; put acme on a route");
        }
        ArrayNode routes = NODES.arrayNode();
        JsonNode list = http ? in.get("host_routes") : null;
        Set<String> hosts = new HashSet<>();
        for (int i = 0; list != null && list.isArray() && i < list.size(); i++) {
            String routeAt = at + ".host_routes[" + i + "]";
            JsonNode route = list.get(i);
            List<ObjectNode> copy = route.isObject() ? upstreams.upstreams(route.get("upstreams"), routeAt + ".upstreams")
                    : List.of();
            ObjectNode health = upstreams.healthCheck(probe, at + ".health_probe", true, copy, !probeReported);
            probeReported |= probe != null;
            ObjectNode made = route(route, routeAt, name, copy, health, hosts);
            if (made != null) {
                routes.add(made);
            }
        }
        if (!routes.isEmpty()) {
            out.set("host_routes", routes);
        }
        if (!out.has("pool") && routes.isEmpty()) {
            report.lost(at, "listener '" + name + "' has no upstream and no route it could send to: not carried over");
            return null;
        }
        if (!out.has("pool")) {
            report.note(at, "a request whose Host no route matches gets 404 here (the original answered 502)");
        }
        return out;
    }

    /** A valid, unique name from {@code names} for {@code original} (at {@code at}), reported when it differs. */
    private String name(NameSet names, String original, String fallback, String at) {
        String name = names.take(original, fallback);
        if (!name.equals(original)) {
            report.changed(at + ".name", "'" + original + "' is written '" + name + "' (names are letters, digits,"
                    + " '.', '_' and '-', unique)");
        }
        return name;
    }

    private ObjectNode route(JsonNode in, String at, String listener, List<ObjectNode> copy, ObjectNode health,
                             Set<String> hosts) {
        if (!in.isObject()) {
            report.lost(at, "not a host route");
            return null;
        }
        upstreams.unknownKeys(in, at, ROUTE_KEYS, "host route");
        String host = in.path("host").asText("").strip().toLowerCase(Locale.ROOT);
        if (!in.path("enabled").asBoolean(true)) {
            report.lost(at, "a disabled route (" + host + "), which matched nothing: not carried over");
            return null;
        }
        if (host.isEmpty() || host.indexOf(':') >= 0) {
            report.lost(at + ".host", "'" + host + "' never matched a request (the original stripped the port from"
                    + " Host): the route is not carried over");
            return null;
        }
        if (!hosts.add(host)) {
            report.lost(at, "a second route for " + host + ", which the first one always took: not carried over");
            return null;
        }
        String named = in.path("pool").asText(null);
        String pool;
        if (copy.isEmpty()) {
            Pool existing = named == null ? null : originalPools.get(named);
            if (existing == null) {
                report.lost(at, "a route to " + host + " with no upstreams and no known pool: not carried over");
                return null;
            }
            if (use(existing, health)) {
                pool = existing.name;
                report.changed(at + ".upstreams", "none copied: the route sends to pool '" + pool + "', which it named");
            } else {
                pool = pool(existing.upstreams, health, named, listener + "-" + host, at);
            }
        } else {
            pool = pool(copy, health, named, listener + "-" + host.replace("*", "wildcard"), at + ".upstreams");
        }
        ObjectNode out = NODES.objectNode().put("host", host).put("pool", pool);
        tls(in.get("tls"), at + ".tls", out);
        rateLimit(in.get("rate_limit"), at + ".rate_limit", out);
        acme(in.get("acme"), at + ".acme", out);
        if (in.hasNonNull("acme_status")) {
            report.changed(at + ".acme_status", "dropped: the original's issuance status, which it reset at every"
                    + " save (the certificate's own dates say when it ends)");
        }
        return out;
    }

    /**
     * The name of the pool a copy of {@code copy} with {@code health} goes to: an equal one
     * (the one the route named first), else one made for it and named {@code wanted}.
     */
    private String pool(List<ObjectNode> copy, ObjectNode health, String named, String wanted, String at) {
        Pool preferred = named == null ? null : originalPools.get(named);
        if (preferred != null && preferred.upstreams.equals(copy) && use(preferred, health)) {
            report.changed(at, "this copy of pool '" + preferred.name + "' is written as the pool's name");
            return preferred.name;
        }
        for (Pool pool : pools) {
            if (pool.upstreams.equals(copy) && use(pool, health)) {
                report.changed(at, "these upstreams are pool '" + pool.name + "' (the same ones): written as its name");
                return pool.name;
            }
        }
        Pool made = new Pool(poolNames.take(wanted, "pool"), copy);
        use(made, health);
        pools.add(made);
        Pool same = pools.stream().filter(pool -> pool != made && pool.upstreams.equals(copy)).findFirst().orElse(null);
        String why = same != null ? " (pool '" + same.name + "' has the same upstreams, and another listener's health"
                + " check)" : preferred != null ? " (the original copied pool '" + preferred.name + "' here when it was"
                + " saved; they differ now)" : named != null ? " (no pool '" + named + "' in the file)" : "";
        report.changed(at, "these upstreams are pool '" + made.name + "', made for them" + why);
        return made.name;
    }

    /** Whether {@code pool} can have {@code health}: it has it, or is not used yet (then it gets it). */
    private static boolean use(Pool pool, ObjectNode health) {
        if (!pool.used) {
            pool.used = true;
            pool.health = health;
            return true;
        }
        return Objects.equals(pool.health, health);
    }

    private void rateLimit(JsonNode limit, String at, ObjectNode out) {
        if (limit == null || limit.isNull() || !limit.isObject()) {
            return;
        }
        double rps = limit.path("rps").asDouble(0);
        long burst = limit.path("burst").asLong(0);
        if (rps <= 0) {
            report.changed(at, "rps 0, which the original read as no limit: no rate_limit is written");
            return;
        }
        if (burst < 1) {
            report.changed(at + ".burst", "0, which the original read as 1, is written 1");
            burst = 1;
        }
        out.putObject("rate_limit").put("rps", rps).put("burst", burst);
    }

    private void tls(JsonNode tls, String at, ObjectNode out) {
        if (tls == null || tls.isNull() || !tls.isObject()) {
            return;
        }
        String cert = paths.written(tls.path("cert_path").asText(""));
        String key = paths.written(tls.path("key_path").asText(""));
        if (cert == null || tls.path("cert_path").asText("").isBlank()) {
            report.lost(at, "a tls without a cert_path: not carried over");
            return;
        }
        ObjectNode node = out.putObject("tls").put("cert_file", cert);
        if (key != null && !tls.path("key_path").asText("").isBlank()) {
            node.put("key_file", key);
        }
        report.changed(at, "cert_path and key_path are cert_file and key_file (" + paths.absolute(
                tls.path("cert_path").asText()) + ")");
    }

    private void sticky(JsonNode sticky, String at, ObjectNode out) {
        if (sticky == null || sticky.isNull() || !sticky.isObject()) {
            return;
        }
        String strategy = sticky.path("strategy").asText("");
        ObjectNode node = out.putObject("sticky").put("strategy", strategy);
        String cookie = sticky.path("cookie_name").asText("");
        if (strategy.equals("cookie") && !cookie.isBlank()) {
            node.put("cookie_name", cookie);
        } else if (!cookie.isBlank()) {
            report.changed(at + ".cookie_name", "dropped: only the cookie strategy has a cookie");
        }
    }

    private void acme(JsonNode acme, String at, ObjectNode out) {
        if (acme == null || acme.isNull() || !acme.isObject()) {
            return;
        }
        if (acme.path("email").asText("").isBlank()) {
            report.lost(at, "an acme without an email (this version needs the contact address the CA is given):"
                    + " not carried over; set it on the route again");
            return;
        }
        ObjectNode node = out.putObject("acme");
        for (String key : ACME_KEYS) {
            if (acme.hasNonNull(key)) {
                node.set(key, acme.get(key));
            }
        }
        if (!"dns01".equals(acme.path("challenge").asText("http01")) && node.has("provider")) {
            node.remove("provider");
            report.changed(at + ".provider", "dropped: only a dns01 challenge uses a DNS provider, and this one is "
                    + acme.path("challenge").asText("http01"));
        }
        if (acme.hasNonNull("cache_dir")) {
            report.lost(at + ".cache_dir", "this version keeps its ACME account in BALOR_ACME_DIR; the account in "
                    + paths.absolute(acme.get("cache_dir").asText()) + " is not used (a new one is registered)");
        }
        upstreams.unknownKeys(acme, at, concat(ACME_KEYS, "cache_dir"), "acme");
        acceptTerms(node, at, report);
        report.note(at, "the certificate in the route's tls files, if any, is kept and renewed in place when due");
    }

    /**
     * Sets {@code accept_terms} on a migrated {@code acme}: the original accepted the CA's terms
     * on the admin's behalf whenever it asked for a certificate, and this version asks for the
     * acceptance to be written down.
     */
    static void acceptTerms(ObjectNode acme, String at, MigrationReport report) {
        acme.put("accept_terms", true);
        report.changed(at + ".accept_terms", "set to true: the original accepted the CA's terms of service for you"
                + " when it asked for a certificate; this version needs it said (set false to stop issuance)");
    }

    private static List<String> concat(List<String> list, String more) {
        List<String> all = new ArrayList<>(list);
        all.add(more);
        return all;
    }
}
