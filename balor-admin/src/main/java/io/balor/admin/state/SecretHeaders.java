package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The health-check headers that carry a credential, and the one rule for keeping their values
 * out of what the admin API shows: every read, the export, the audit record of a change and the
 * change history show such a value as {@value #REDACTED}; only the state file (which Balor sends
 * the headers from) holds it. Stateless; any thread.
 *
 * <p>A header carries a credential when its name is {@code Authorization},
 * {@code Proxy-Authorization} or {@code Cookie}, or has token, secret, password, api-key, auth or
 * session in it, in any case ({@link #secret}). A write that sends {@value #REDACTED} back as
 * such a header's value (a body read and sent back, an export imported, a version rolled back)
 * means "the value Balor has": {@link #restore} puts back the running value of the same header
 * (names compared ignoring case, as HTTP does) in the running pool it names, and lists the
 * headers that have none there, which the caller refuses. A header of another name whose value
 * happens to be {@value #REDACTED} was never redacted and is kept as it is.
 *
 * <p>Objects are the state file's JSON shape: a pool is {@code {"name", ..., "health_check":
 * {"headers": {NAME: VALUE}}}}, a config {@code {"listeners", "pools"}} (listeners have no
 * health checks). The methods change the tree they are given; copy it first when it is shared.
 */
public final class SecretHeaders {

    /** What a credential is shown as. */
    public static final String REDACTED = "<redacted>";
    /** What a refusal of a {@value #REDACTED} that has no running value to keep tells the caller. */
    public static final String HINT = "send the real value; " + REDACTED + " stands for the one Balor already has";

    private static final Pattern SECRET_NAME = Pattern.compile(
            "authorization|proxy-authorization|cookie|.*(token|secret|password|passwd|api-?key|auth|session).*");

    /**
     * A credential header sent as {@value #REDACTED} with no running value to keep.
     *
     * @param pool the name of its pool
     * @param path where it is ({@code pools[0].health_check.headers.Authorization})
     */
    public record Missing(String pool, String path) {
    }

    private SecretHeaders() {
    }

    /** Whether a header named {@code name} carries a credential (see the class comment). */
    public static boolean secret(String name) {
        return SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches();
    }

    /** {@code pool} with the value of each of its credential headers replaced by {@value #REDACTED}. */
    public static ObjectNode redactPool(ObjectNode pool) {
        JsonNode headers = pool.path("health_check").path("headers");
        if (headers.isObject()) {
            for (String name : names(headers)) {
                if (secret(name)) {
                    ((ObjectNode) headers).put(name, REDACTED);
                }
            }
        }
        return pool;
    }

    /** {@code config} ({@code {"listeners", "pools"}}) with every pool redacted ({@link #redactPool}). */
    public static ObjectNode redact(ObjectNode config) {
        for (JsonNode pool : config.path("pools")) {
            if (pool.isObject()) {
                redactPool((ObjectNode) pool);
            }
        }
        return config;
    }

    /**
     * Gives each credential header of {@code pool} whose value is {@value #REDACTED} the value of
     * the same header in {@code running} (the pool as it runs now; null when there is none).
     *
     * @return the paths, relative to the pool ({@code health_check.headers.Authorization}), of the
     *         headers {@code running} has no value for (they are left {@value #REDACTED})
     */
    public static List<String> restorePool(JsonNode pool, JsonNode running) {
        List<String> missing = new ArrayList<>();
        JsonNode headers = pool.path("health_check").path("headers");
        if (!headers.isObject()) {
            return missing;
        }
        JsonNode now = running == null ? null : running.path("health_check").path("headers");
        for (String name : names(headers)) {
            if (!secret(name) || !REDACTED.equals(headers.get(name).textValue())) {
                continue;
            }
            JsonNode value = now == null ? null : header(now, name);
            if (value == null) {
                missing.add("health_check.headers." + name);
            } else {
                ((ObjectNode) headers).set(name, value);
            }
        }
        return missing;
    }

    /**
     * {@link #restorePool} for each pool of {@code config} ({@code {"pools": [...]}}) from the pool
     * of the same name in {@code runningPools} (the state file's {@code pools} array).
     *
     * @return the headers left {@value #REDACTED}, by their path from the top
     */
    public static List<Missing> restore(JsonNode config, JsonNode runningPools) {
        List<Missing> missing = new ArrayList<>();
        JsonNode pools = config.path("pools");
        for (int i = 0; i < pools.size(); i++) {
            JsonNode pool = pools.get(i);
            String name = pool.path("name").asText(null);
            for (String path : restorePool(pool, named(runningPools, name))) {
                missing.add(new Missing(name, "pools[" + i + "]." + path));
            }
        }
        return missing;
    }

    private static JsonNode named(JsonNode pools, String name) {
        for (JsonNode pool : pools) {
            if (name != null && name.equals(pool.path("name").asText(null))) {
                return pool;
            }
        }
        return null;
    }

    /** The text value of header {@code name} in {@code headers}, the name's case ignored; null if none. */
    private static JsonNode header(JsonNode headers, String name) {
        JsonNode exact = headers.get(name);
        if (exact != null) {
            return exact.isTextual() ? exact : null;
        }
        for (Map.Entry<String, JsonNode> field : headers.properties()) {
            if (field.getKey().equalsIgnoreCase(name) && field.getValue().isTextual()) {
                return field.getValue();
            }
        }
        return null;
    }

    private static List<String> names(JsonNode headers) {
        List<String> names = new ArrayList<>();
        headers.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
