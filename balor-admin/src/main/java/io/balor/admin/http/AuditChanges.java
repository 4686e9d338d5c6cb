package io.balor.admin.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a change did, for its audit record: the leaf fields of an object before and after, by
 * path ({@code upstreams[1].weight}, {@code health_check.command[0]}), only those that differ,
 * as {@code [{"field", "before", "after"}]} (a side that has no such field is JSON null; an empty
 * object or array is a leaf of its own). The value of a secret field ({@code password},
 * {@code password_hash}, {@code key}, {@code pem}, {@code token} and other names that hold one)
 * is never written: it reads {@code "(secret)"}, so the record still says that it changed.
 * Stateless.
 */
public final class AuditChanges {

    static final Set<String> SECRET_KEYS = Set.of("password", "password_hash", "key", "pem", "token", "secret",
            "api_token", "secret_key", "access_key", "private_key");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final TextNode SECRET = NODES.textNode("(secret)");

    private AuditChanges() {
    }

    /**
     * The differing fields of {@code before} and {@code after} (either may be null: a creation or
     * a deletion lists every field).
     */
    public static ArrayNode between(JsonNode before, JsonNode after) {
        Map<String, JsonNode> old = new LinkedHashMap<>();
        Map<String, JsonNode> now = new LinkedHashMap<>();
        Set<String> secrets = new HashSet<>();
        flatten(before, "", false, old, secrets);
        flatten(after, "", false, now, secrets);
        Set<String> fields = new LinkedHashSet<>(old.keySet());
        fields.addAll(now.keySet());
        ArrayNode changes = NODES.arrayNode();
        for (String field : fields) {
            JsonNode a = old.get(field);
            JsonNode b = now.get(field);
            if (a == null ? b != null : !a.equals(b)) {
                boolean secret = secrets.contains(field);
                ObjectNode change = changes.addObject().put("field", field);
                change.set("before", a == null || a.isNull() ? NODES.nullNode() : secret ? SECRET : a);
                change.set("after", b == null || b.isNull() ? NODES.nullNode() : secret ? SECRET : b);
            }
        }
        return changes;
    }

    private static void flatten(JsonNode node, String path, boolean secret, Map<String, JsonNode> into,
                                Set<String> secrets) {
        if (node == null || node.isMissingNode()) {
            return;
        }
        if (node.isObject() && !node.isEmpty()) {
            node.properties().forEach(field -> flatten(field.getValue(),
                    path.isEmpty() ? field.getKey() : path + "." + field.getKey(),
                    secret || SECRET_KEYS.contains(field.getKey()), into, secrets));
        } else if (node.isArray() && !node.isEmpty()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(node.get(i), path + "[" + i + "]", secret, into, secrets);
            }
        } else {
            into.put(path, node);
            if (secret) {
                secrets.add(path);
            }
        }
    }
}
