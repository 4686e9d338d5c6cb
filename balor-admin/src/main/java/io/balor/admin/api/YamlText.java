package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A JSON tree written as block-style YAML 1.2, for the config export: objects as
 * {@code key: value} lines, arrays as {@code - } items, two spaces a level; every string is
 * double-quoted with JSON's escapes (valid YAML: a YAML double-quoted scalar takes JSON's escapes,
 * and quoting keeps {@code "no"}, {@code "1.0"} or {@code "*.example.com"} strings), numbers,
 * booleans and null plain, an empty object or array as {@code {}} or {@code []}. A key is written
 * plain only when it is a lower-case word ({@code listen}, {@code host_routes}); any other is
 * quoted. Reading the text with a YAML parser gives the tree back. Stateless; any thread.
 */
final class YamlText {

    private static final Pattern PLAIN_KEY = Pattern.compile("[a-z_][a-z0-9_]*");

    private YamlText() {
    }

    /** {@code root} (an object or array) as a YAML document, ending with a newline. */
    static String of(JsonNode root) {
        StringBuilder out = new StringBuilder();
        if (isEmptyOrScalar(root)) {
            return out.append(inline(root)).append('\n').toString();
        }
        block(root, 0, out);
        return out.toString();
    }

    /** Writes the non-empty container {@code node}, each line indented by {@code indent} spaces. */
    private static void block(JsonNode node, int indent, StringBuilder out) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                out.append(" ".repeat(indent)).append(key(field.getKey())).append(':');
                value(field.getValue(), indent + 2, out);
            }
        } else {
            for (JsonNode item : node) {
                out.append(" ".repeat(indent)).append('-');
                if (item.isObject() && !item.isEmpty()) {
                    // The first key on the dash's line, the others under it.
                    StringBuilder nested = new StringBuilder();
                    block(item, indent + 2, nested);
                    out.append(' ').append(nested, indent + 2, nested.length());
                } else {
                    value(item, indent + 2, out);
                }
            }
        }
    }

    /** After a {@code key:} or {@code -}: a scalar or empty container on the line, else the block under it. */
    private static void value(JsonNode value, int indent, StringBuilder out) {
        if (isEmptyOrScalar(value)) {
            out.append(' ').append(inline(value)).append('\n');
        } else {
            out.append('\n');
            block(value, indent, out);
        }
    }

    private static boolean isEmptyOrScalar(JsonNode node) {
        return !node.isContainerNode() || node.isEmpty();
    }

    private static String inline(JsonNode node) {
        if (node.isObject()) {
            return "{}";
        }
        if (node.isArray()) {
            return "[]";
        }
        return node.toString();   // a string JSON-quoted and escaped; a number, boolean or null as JSON writes it
    }

    private static String key(String key) {
        return PLAIN_KEY.matcher(key).matches() && !key.equals("null") && !key.equals("true") && !key.equals("false")
                ? key : com.fasterxml.jackson.databind.node.TextNode.valueOf(key).toString();
    }
}
