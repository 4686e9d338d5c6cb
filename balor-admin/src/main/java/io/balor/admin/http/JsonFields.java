package io.balor.admin.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * Strict, typed reads of the fields of one JSON object in a request body, each refusal a 400
 * naming the field's path ({@code tls.cert_file}, {@code upstreams[1].weight}), so handlers do
 * not repeat that code. Immutable; any thread (the handler's, in practice).
 *
 * <p>Rules: a field that is absent or JSON {@code null} is "absent" (required → 400 "is
 * required", optional → the default); a text must be a JSON string (a number is not a text) and
 * a required one must not be empty; a whole number must be an integral JSON number in range
 * ({@code 1.0} and {@code "1"} are refused); a boolean must be {@code true} or {@code false}.
 * {@link #rejectUnknownKeys} refuses keys the handler does not know, naming the first one.
 */
public final class JsonFields {

    private final JsonNode object;
    private final String path;

    private JsonFields(JsonNode object, String path) {
        this.object = object;
        this.path = path;
    }

    /** The fields of {@code node}, which must be an object; {@code path} is its path ("" for the body). */
    public static JsonFields of(JsonNode node, String path) {
        Objects.requireNonNull(path, "path");
        if (node == null || !node.isObject()) {
            String what = path.isEmpty() ? "the request body" : path;
            throw ApiException.badRequest(path.isEmpty() ? null : path, what + " must be a JSON object",
                    "send {\"key\": value, ...}");
        }
        return new JsonFields(node, path);
    }

    /** The object these fields belong to. */
    public JsonNode node() {
        return object;
    }

    /** The path of {@code key} in the request body. */
    public String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Whether {@code key} is present and not null. */
    public boolean has(String key) {
        JsonNode value = object.get(key);
        return value != null && !value.isNull();
    }

    /** Refuses (400) the first key not in {@code allowed}. */
    public JsonFields rejectUnknownKeys(String... allowed) {
        List<String> known = Arrays.asList(allowed);
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw ApiException.badRequest(path(name), "unknown key " + path(name),
                        allowed.length == 0 ? "this object takes no keys" : "known keys: " + String.join(", ", allowed));
            }
        }
        return this;
    }

    /** A non-empty string. */
    public String requireText(String key) {
        String text = optionalText(key);
        if (text == null) {
            throw missing(key, "a string");
        }
        if (text.isEmpty()) {
            throw ApiException.badRequest(path(key), path(key) + " must not be empty", "give a value");
        }
        return text;
    }

    /** A string (maybe empty), or null when absent. */
    public String optionalText(String key) {
        JsonNode value = present(key);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw wrongType(key, "a string");
        }
        return value.textValue();
    }

    /** A string, or {@code defaultValue} when absent. */
    public String optionalText(String key, String defaultValue) {
        String text = optionalText(key);
        return text == null ? defaultValue : text;
    }

    /** A whole number in int range. */
    public int requireInt(String key) {
        Integer value = optionalInt(key);
        if (value == null) {
            throw missing(key, "a whole number");
        }
        return value;
    }

    /** A whole number in int range, or null when absent. */
    public Integer optionalInt(String key) {
        JsonNode value = present(key);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber()) {
            throw wrongType(key, "a whole number");
        }
        if (!value.canConvertToInt()) {
            throw ApiException.badRequest(path(key), path(key) + " is out of range", "give a smaller number");
        }
        return value.intValue();
    }

    /** A whole number in int range, or {@code defaultValue} when absent. */
    public int optionalInt(String key, int defaultValue) {
        Integer value = optionalInt(key);
        return value == null ? defaultValue : value;
    }

    /** A whole number in long range, or {@code defaultValue} when absent. */
    public long optionalLong(String key, long defaultValue) {
        JsonNode value = present(key);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isIntegralNumber()) {
            throw wrongType(key, "a whole number");
        }
        if (!value.canConvertToLong()) {
            throw ApiException.badRequest(path(key), path(key) + " is out of range", "give a smaller number");
        }
        return value.longValue();
    }

    /** true or false, or {@code defaultValue} when absent. */
    public boolean optionalBoolean(String key, boolean defaultValue) {
        JsonNode value = present(key);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isBoolean()) {
            throw wrongType(key, "true or false");
        }
        return value.booleanValue();
    }

    /** The fields of the object under {@code key}. */
    public JsonFields requireObject(String key) {
        JsonFields fields = optionalObject(key);
        if (fields == null) {
            throw missing(key, "an object");
        }
        return fields;
    }

    /** The fields of the object under {@code key}, or null when absent. */
    public JsonFields optionalObject(String key) {
        JsonNode value = present(key);
        return value == null ? null : of(value, path(key));
    }

    /** The objects of the array under {@code key} ({@code key[0]}, ...); empty when absent. */
    public List<JsonFields> objectList(String key) {
        JsonNode value = present(key);
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            throw wrongType(key, "an array");
        }
        List<JsonFields> list = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            list.add(of(value.get(i), path(key) + "[" + i + "]"));
        }
        return List.copyOf(list);
    }

    /** The strings of the array under {@code key}; empty when absent. */
    public List<String> textList(String key) {
        JsonNode value = present(key);
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            throw wrongType(key, "an array of strings");
        }
        List<String> list = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
                String at = path(key) + "[" + i + "]";
                throw ApiException.badRequest(at, at + " must be a string", "give a JSON string");
            }
            list.add(value.get(i).textValue());
        }
        return List.copyOf(list);
    }

    private JsonNode present(String key) {
        JsonNode value = object.get(key);
        return value == null || value.isNull() ? null : value;
    }

    private ApiException missing(String key, String what) {
        return ApiException.badRequest(path(key), path(key) + " is required", "give " + what);
    }

    private ApiException wrongType(String key, String what) {
        return ApiException.badRequest(path(key), path(key) + " must be " + what, "give " + what);
    }
}
