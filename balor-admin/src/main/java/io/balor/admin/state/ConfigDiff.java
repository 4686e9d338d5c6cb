package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The field-level difference of two configs in the state file's JSON shape
 * ({@code {"listeners": [...], "pools": [...]}}), as the change history shows it. Stateless; any
 * thread.
 *
 * <p>Rules, written once here:
 * <ul>
 *   <li>Objects are compared key by key (keys of either side, the newer side's order first); a
 *       key on one side only is a change with {@code null} on the other.</li>
 *   <li>An array whose elements are all objects with distinct textual {@code name}s (listeners,
 *       pools, named upstreams) is matched by name: {@code listeners[web].listen}. An element
 *       on one side only is one change, the whole object against {@code null}.</li>
 *   <li>Any other array is matched by index: {@code pools[app].upstreams[1]}; a longer side's
 *       extra elements are changes against {@code null}.</li>
 *   <li>Where the two sides differ in kind (object, array, value), or are different values, the
 *       change is the whole value at that path.</li>
 * </ul>
 * {@code before} null (no previous version) makes every listener and pool a change from
 * {@code null}.
 */
public final class ConfigDiff {

    /** One changed field: its path and its two values ({@link NullNode} where absent). */
    public record Change(String path, JsonNode before, JsonNode after) {
    }

    /** What the first version is compared with: no listeners and no pools, so each is a change by name. */
    private static final JsonNode NOTHING = JsonNodeFactory.instance.objectNode()
            .<ObjectNode>set("listeners", JsonNodeFactory.instance.arrayNode())
            .set("pools", JsonNodeFactory.instance.arrayNode());

    private ConfigDiff() {
    }

    /** What changed from {@code before} (null: nothing) to {@code after}, in document order. */
    public static List<Change> between(JsonNode before, JsonNode after) {
        List<Change> changes = new ArrayList<>();
        compare("", before == null ? NOTHING : before, after == null ? NOTHING : after, changes);
        return changes;
    }

    private static void compare(String path, JsonNode before, JsonNode after, List<Change> changes) {
        if (before.equals(after)) {
            return;
        }
        if (before.isObject() && after.isObject()) {
            Set<String> keys = new LinkedHashSet<>();
            after.fieldNames().forEachRemaining(keys::add);
            before.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                compare(path.isEmpty() ? key : path + "." + key, value(before.get(key)), value(after.get(key)),
                        changes);
            }
        } else if (before.isArray() && after.isArray()) {
            if (named(before) && named(after)) {
                Set<String> names = new LinkedHashSet<>();
                names(after).forEachRemaining(names::add);
                names(before).forEachRemaining(names::add);
                for (String name : names) {
                    compare(path + "[" + name + "]", value(byName(before, name)), value(byName(after, name)), changes);
                }
            } else {
                for (int i = 0; i < Math.max(before.size(), after.size()); i++) {
                    compare(path + "[" + i + "]", value(before.get(i)), value(after.get(i)), changes);
                }
            }
        } else {
            changes.add(new Change(path, before, after));
        }
    }

    private static JsonNode value(JsonNode node) {
        return node == null ? NullNode.instance : node;
    }

    /** Whether every element of {@code array} is an object with a distinct textual name (an empty one counts). */
    private static boolean named(JsonNode array) {
        Set<String> seen = new HashSet<>();
        for (JsonNode item : array) {
            if (!item.isObject() || !item.path("name").isTextual() || !seen.add(item.get("name").asText())) {
                return false;
            }
        }
        return true;
    }

    private static Iterator<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(item -> names.add(item.get("name").asText()));
        return names.iterator();
    }

    private static JsonNode byName(JsonNode array, String name) {
        for (JsonNode item : array) {
            if (name.equals(item.get("name").asText())) {
                return item;
            }
        }
        return null;
    }
}
