package io.balor.admin.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.config.UpstreamConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Upstreams and health probes of an original Balor file, in this version's shape, with what
 * changed on the way in the {@link MigrationReport}:
 * <ul>
 *   <li>an upstream {@code {id, name, address, enabled, weight}} becomes {@code {name, address,
 *       weight, enabled}}: the id is dropped (this version knows an upstream by its address), a
 *       weight of 0 (which the original read as 1) is written 1, one above {@value
 *       UpstreamConfig#MAX_WEIGHT} is not carried over exactly, and a path after an HTTP
 *       upstream's address is not carried over (this version forwards the request's path as it is);</li>
 *   <li>a listener's {@code health_probe {path, headers, script}} becomes the {@code health_check}
 *       of the pools it sends to: {@code http} (or {@code https} for {@code https://} upstreams)
 *       with the path and headers; {@code tcp} for a TCP listener without a path, and for the
 *       script {@code nc -z $BALOR_HEALTH_TARGET} (a connect, which is what it tested); any other
 *       script is not carried over, since this version runs no shell line (only programs in
 *       {@code BALOR_HEALTH_SCRIPT_DIR}).</li>
 * </ul>
 * Not thread-safe: one migration, the caller's thread.
 */
final class OriginalUpstreams {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> UPSTREAM_KEYS = List.of("id", "name", "address", "enabled", "weight", "healthy");
    private static final List<String> PROBE_KEYS = List.of("path", "headers", "script");
    /** {@code nc} with {@code -z} (and maybe {@code -v}, {@code -w N}) on the target the original gave the script. */
    private static final Pattern NC_ZERO_IO = Pattern.compile(
            "\\s*nc(?:\\s+-[vnz]+|\\s+-w\\s*\\d+)*\\s+-[vn]*z[vn]*(?:\\s+-[vnz]+|\\s+-w\\s*\\d+)*"
                    + "\\s+(\"?)\\$\\{?BALOR_HEALTH_TARGET}?\\1\\s*");
    private static final Pattern SCHEME_AND_REST = Pattern.compile("(https?://)([^/]*)(/.*)?");

    private final MigrationReport report;

    OriginalUpstreams(MigrationReport report) {
        this.report = report;
    }

    /** The upstreams of {@code list} (at {@code path}) in this version's shape; null items are skipped. */
    List<ObjectNode> upstreams(JsonNode list, String path) {
        List<ObjectNode> upstreams = new ArrayList<>();
        if (list == null || list.isNull()) {
            return upstreams;
        }
        if (!list.isArray()) {
            report.lost(path, "not a list of upstreams");
            return upstreams;
        }
        int ids = 0;
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            String at = path + "[" + i + "]";
            if (!item.isObject() || !item.path("address").isTextual() || item.path("address").asText().isBlank()) {
                report.lost(at, "an upstream without an address");
                continue;
            }
            ids += item.has("id") ? 1 : 0;
            ObjectNode upstream = upstream(item, at);
            ObjectNode same = upstreams.stream().filter(u -> u.get("address").equals(upstream.get("address")))
                    .findFirst().orElse(null);
            if (same == null) {
                upstreams.add(upstream);
                continue;
            }
            // Listed twice (the original allowed it, a way to double a share): one upstream, the weights added.
            long sum = same.get("weight").asLong() + upstream.get("weight").asLong();
            if (sum > UpstreamConfig.MAX_WEIGHT) {
                report.lost(at, upstream.get("address").asText() + " is listed again; its weights add up to " + sum
                        + ", above this version's most, " + UpstreamConfig.MAX_WEIGHT + ": written "
                        + UpstreamConfig.MAX_WEIGHT);
                sum = UpstreamConfig.MAX_WEIGHT;
            } else {
                report.changed(at, upstream.get("address").asText() + " is listed again: written once, with the"
                        + " weights added (" + sum + ")");
            }
            same.put("weight", sum);
        }
        if (ids > 0) {
            report.changed(path, "the ids of " + ids + (ids == 1 ? " upstream" : " upstreams") + " are dropped (an"
                    + " upstream is known by its address here)");
        }
        return upstreams;
    }

    private ObjectNode upstream(JsonNode item, String at) {
        unknownKeys(item, at, UPSTREAM_KEYS, "upstream");
        ObjectNode out = NODES.objectNode();
        String name = item.path("name").asText("");
        if (!name.isEmpty()) {
            out.put("name", name);
        }
        out.put("address", address(item.path("address").asText().strip(), at + ".address"));
        long weight = item.path("weight").canConvertToLong() ? item.path("weight").asLong() : 1;
        if (item.has("weight") && !item.path("weight").canConvertToLong()) {
            report.lost(at + ".weight", "'" + item.get("weight") + "' is not a weight; written 1");
        }
        if (weight == 0) {
            report.changed(at + ".weight", "0, which the original read as 1, is written 1 (0 takes no traffic here)");
            weight = 1;
        } else if (weight > UpstreamConfig.MAX_WEIGHT) {
            report.lost(at + ".weight", weight + " is above this version's most, " + UpstreamConfig.MAX_WEIGHT
                    + "; written " + UpstreamConfig.MAX_WEIGHT + " (the shares of this pool change)");
            weight = UpstreamConfig.MAX_WEIGHT;
        } else if (weight < 0) {
            report.lost(at + ".weight", weight + " is not a weight; written 1");
            weight = 1;
        }
        out.put("weight", weight);
        out.put("enabled", !item.has("enabled") || item.path("enabled").asBoolean(true));
        if (item.has("healthy")) {
            report.changed(at + ".healthy", "dropped: live state, which health checks find again");
        }
        return out;
    }

    /**
     * An HTTP upstream URL without its path (not carried over) and with its scheme's port when it
     * had none (the original used the default port), or a TCP {@code host:port} as it is.
     */
    private String address(String address, String at) {
        Matcher url = SCHEME_AND_REST.matcher(address);
        if (!url.matches()) {
            return address;
        }
        String authority = url.group(2);
        if (url.group(3) != null && !url.group(3).equals("/")) {
            report.lost(at, "the path " + url.group(3) + " after " + url.group(1) + authority + " is not carried"
                    + " over: this version sends the request's path as it is");
        }
        if (!authority.matches(".*:[0-9]+")) {
            String port = url.group(1).startsWith("https") ? "443" : "80";
            report.changed(at, url.group(1) + authority + " has no port: written with " + port + ", the port the"
                    + " original used");
            authority = authority + ":" + port;
        }
        return url.group(1) + authority;
    }

    /**
     * The {@code health_check} a listener's {@code probe} (at {@code path}; null: none) gives a
     * pool of {@code upstreams}; null when there is none. {@code http}: whether the listener is.
     * Reports what it says about the probe only when {@code reportIt} (once per listener).
     */
    ObjectNode healthCheck(JsonNode probe, String path, boolean http, List<ObjectNode> upstreams, boolean reportIt) {
        if (probe == null || probe.isNull() || !probe.isObject()) {
            return null;
        }
        if (reportIt) {
            unknownKeys(probe, path, PROBE_KEYS, "health probe");
        }
        String script = probe.path("script").asText("");
        if (!script.isBlank()) {
            if (NC_ZERO_IO.matcher(script).matches()) {
                if (reportIt) {
                    report.changed(path + ".script", "'" + script + "' is a connect check: written as the pools'"
                            + " health_check {\"type\": \"tcp\"}");
                    pathIgnored(probe, path);
                }
                return NODES.objectNode().put("type", "tcp");
            }
            if (reportIt) {
                report.lost(path + ".script", "'" + script + "' is a shell line; this version runs no shell, only"
                        + " a program in BALOR_HEALTH_SCRIPT_DIR given as a list (health_check {\"type\": \"script\","
                        + " \"command\": [...]}): write that script and set it on the pools");
                pathIgnored(probe, path);
            }
            return null;
        }
        String probePath = probe.path("path").asText("");
        if (!http && probePath.isEmpty()) {
            if (reportIt) {
                report.changed(path, "a TCP listener's probe: written as the pools' health_check {\"type\": \"tcp\"}");
            }
            return NODES.objectNode().put("type", "tcp");
        }
        boolean https = !upstreams.isEmpty() && upstreams.stream()
                .allMatch(u -> u.path("address").asText().startsWith("https://"));
        ObjectNode check = NODES.objectNode().put("type", https ? "https" : "http")
                .put("path", probePath.isEmpty() ? "/" : probePath);
        ObjectNode headers = headers(probe.get("headers"), path + ".headers", reportIt);
        if (!headers.isEmpty()) {
            check.set("headers", headers);
        }
        if (reportIt) {
            report.changed(path, "the listener's probe is the health_check of the pools it sends to (GET "
                    + check.get("path").asText() + ", healthy on 200-399)");
        }
        return check;
    }

    private void pathIgnored(JsonNode probe, String path) {
        if (probe.hasNonNull("path") || probe.hasNonNull("headers")) {
            report.lost(path + ".path", "the original ran the script instead of the HTTP probe; the path and headers"
                    + " are not carried over");
        }
    }

    /** {@code [["Name", "value"], ...]} as {@code {"Name": "value"}}. */
    private ObjectNode headers(JsonNode list, String path, boolean reportIt) {
        ObjectNode headers = NODES.objectNode();
        if (list == null || list.isNull()) {
            return headers;
        }
        if (!list.isArray()) {
            if (reportIt) {
                report.lost(path, "not a list of [name, value] pairs");
            }
            return headers;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode pair = list.get(i);
            if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual() || !pair.get(1).isTextual()) {
                if (reportIt) {
                    report.lost(path + "[" + i + "]", "not a [name, value] pair");
                }
                continue;
            }
            if (headers.has(pair.get(0).asText()) && reportIt) {
                report.lost(path + "[" + i + "]", "a second " + pair.get(0).asText() + " header; the last is kept");
            }
            headers.put(pair.get(0).asText(), pair.get(1).asText());
        }
        if (reportIt) {
            report.changed(path, "the [name, value] pairs are written as an object {\"Name\": \"value\"}");
        }
        return headers;
    }

    /** Reports each key of {@code node} not in {@code known} as not carried over. */
    void unknownKeys(JsonNode node, String path, List<String> known, String what) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!known.contains(field.getKey())) {
                report.lost(path + "." + field.getKey(), "not a key of the original's " + what + ", nor of this"
                        + " version's");
            }
        }
    }

    /** An array of {@code upstreams}, as a pool writes them. */
    static ArrayNode array(List<ObjectNode> upstreams) {
        ArrayNode array = NODES.arrayNode();
        upstreams.forEach(array::add);
        return array;
    }
}
