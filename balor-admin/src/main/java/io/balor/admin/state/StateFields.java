package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed reads of single fields of a state document for {@link StateReader}: a field that is
 * absent or JSON {@code null} gets its default, one of the wrong type is a problem named by its
 * path and also gets the default (so reading goes on and every problem is found in one pass).
 * Confined to the thread that reads, like the {@link StateProblems} it adds to.
 */
final class StateFields {

    private final StateProblems problems;

    StateFields(StateProblems problems) {
        this.problems = problems;
    }

    /** Whether {@code node} is an object; if not, that is a problem at {@code path}. */
    boolean isObject(JsonNode node, String path) {
        if (node.isObject()) {
            return true;
        }
        problems.add(path, "must be an object, was " + describe(node));
        return false;
    }

    /** An object field; null when absent, JSON null, or not an object (then a problem). */
    JsonNode object(JsonNode node, String key, String path) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull() || !isObject(value, path + "." + key)) {
            return null;
        }
        return value;
    }

    /** The object under {@code key}, its keys checked against {@code known}; null when absent or not an object. */
    JsonNode section(JsonNode node, String key, String path, List<String> known) {
        JsonNode value = object(node, key, path);
        if (value != null) {
            checkKeys(value, path + "." + key, known);
        }
        return value;
    }

    void checkKeys(JsonNode node, String path, List<String> known) {
        checkKeys(node, path, known, List.of());
    }

    /** Unknown keys are problems; those in {@code routeOnly} (the original's) say they belong on a host route. */
    void checkKeys(JsonNode node, String path, List<String> known, List<String> routeOnly) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = field.getKey();
            if (known.contains(key)) {
                continue;
            }
            if (routeOnly.contains(key)) {
                problems.add(path + "." + key, "the original Balor's '" + key + "' is not taken here: put it on a"
                        + " host route (host_routes[].acme), or remove it");
            } else {
                problems.unknownKey(path + "." + key, key, known);
            }
        }
    }

    /**
     * An array of strings under {@code key}; null when absent or JSON null. Not an array is a
     * problem saying it must be {@code shape}; each item that is not a string is a problem of its own
     * (and stands in the list as its JSON text, so later checks name the items by their real index).
     */
    java.util.List<String> strings(JsonNode node, String key, String path, String shape) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        java.util.List<String> items = new java.util.ArrayList<>();
        if (!value.isArray()) {
            problems.add(path + "." + key, "must be " + shape + ", was " + describe(value));
            return items;
        }
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (item.isTextual()) {
                items.add(item.textValue());
            } else {
                problems.add(path + "." + key + "[" + i + "]", "must be a string, was " + describe(item));
                items.add(item.toString());   // keeps the indices of later items true; the file is refused anyway
            }
        }
        return items;
    }

    /** A string field; null when absent, JSON null, or not a string (then a problem). */
    String string(JsonNode node, String key, String path) {
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

    /** A boolean field, or null when absent (the config's default applies). */
    Boolean optionalBool(JsonNode node, String key, String path) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : bool(node, key, path, false);
    }

    boolean bool(JsonNode node, String key, String path, boolean absent) {
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
    long number(JsonNode node, String key, String path, long absent, long min, long max) {
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

    /**
     * Whether a required field is there (neither absent nor JSON {@code null}); if not, that is a
     * problem. For fields whose config value is a primitive, which the config cannot say is missing.
     */
    boolean required(JsonNode node, String key, String path) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            problems.add(path + "." + key, "is required");
            return false;
        }
        return true;
    }

    /** A number field that may have a fraction; {@code absent} when absent or not a number. */
    double decimal(JsonNode node, String key, String path, double absent) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isNumber()) {
            problems.add(path + "." + key, "must be a number, was " + describe(value));
            return absent;
        }
        return value.doubleValue();
    }

    /** A duration in whole milliseconds ({@code ..._ms}); null when absent or unreadable. */
    Duration millis(JsonNode node, String key, String path) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        long ms = number(node, key, path, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE);
        return ms == Long.MIN_VALUE ? null : Duration.ofMillis(ms);
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
            default -> value.getNodeType().toString().toLowerCase(Locale.ROOT);
        };
        if (value.isValueNode() && !value.isNull()) {
            String text = value.toString();
            return type + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
        }
        return type;
    }
}
