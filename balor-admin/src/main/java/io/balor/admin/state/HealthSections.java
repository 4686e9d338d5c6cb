package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.config.HealthCheckConfig;
import io.balor.config.PassiveHealthConfig;

import java.util.List;
import java.util.Map;

/**
 * Reads a pool's health sections of the state document, {@code health_check} and
 * {@code passive_health}, for {@link StateReader}: problems go to the reader's list by field
 * path. Confined to the reading thread, as the reader.
 */
final class HealthSections {

    static final List<String> PASSIVE_HEALTH_KEYS = List.of("failures", "eject_ms", "count_5xx");
    static final List<String> HEALTH_CHECK_KEYS = List.of("type", "interval_ms", "timeout_ms", "rise", "fall", "path",
            "method", "headers", "expect_status", "command");

    private final StateFields fields;
    private final StateProblems problems;

    HealthSections(StateFields fields, StateProblems problems) {
        this.fields = fields;
        this.problems = problems;
    }

    /**
     * A pool's {@code passive_health}, or null: {@code {"failures": 5, "eject_ms": 30000,
     * "count_5xx": true}}, each optional (those are the defaults).
     */
    PassiveHealthConfig passive(JsonNode node, String path) {
        JsonNode passive = fields.section(node, "passive_health", path, PASSIVE_HEALTH_KEYS);
        if (passive == null) {
            return null;
        }
        String at = path + ".passive_health";
        return new PassiveHealthConfig(
                (int) fields.number(passive, "failures", at, PassiveHealthConfig.DEFAULT_FAILURES, Integer.MIN_VALUE,
                        Integer.MAX_VALUE),
                fields.millis(passive, "eject_ms", at), fields.bool(passive, "count_5xx", at, true));
    }

    /**
     * A pool's {@code health_check}, or null: {@code {"type": "tcp"|"http"|"https"|"script",
     * "interval_ms", "timeout_ms", "rise", "fall", "path", "method", "headers": {name: value},
     * "expect_status": [min, max], "command": [program, args...]}}; the config checks which keys
     * belong to which type.
     */
    HealthCheckConfig check(JsonNode node, String path) {
        JsonNode check = fields.section(node, "health_check", path, HEALTH_CHECK_KEYS);
        if (check == null) {
            return null;
        }
        String at = path + ".health_check";
        HealthCheckConfig.Type type = null;
        String text = fields.string(check, "type", at);
        if (text == null) {
            problems.add(at + ".type", "is required: 'tcp', 'http', 'https' or 'script'");
        } else {
            for (HealthCheckConfig.Type each : HealthCheckConfig.Type.values()) {
                if (each.name().toLowerCase(java.util.Locale.ROOT).equals(text)) {
                    type = each;
                }
            }
            if (type == null) {
                problems.add(at + ".type", "must be 'tcp', 'http', 'https' or 'script', was '" + text + "'");
            }
        }
        Map<String, String> headers = null;
        JsonNode headersNode = fields.object(check, "headers", at);
        if (headersNode != null) {
            headers = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> header : headersNode.properties()) {
                String value = fields.string(headersNode, header.getKey(), at + ".headers");
                if (value != null) {
                    headers.put(header.getKey(), value);
                }
            }
        }
        int statusMin = 0;
        int statusMax = 0;
        JsonNode status = check.get("expect_status");
        if (status != null && !status.isNull()) {
            if (status.isArray() && status.size() == 2 && status.get(0).canConvertToInt() && status.get(0).isIntegralNumber()
                    && status.get(1).canConvertToInt() && status.get(1).isIntegralNumber()) {
                statusMin = status.get(0).intValue();
                statusMax = status.get(1).intValue();
            } else {
                problems.add(at + ".expect_status", "must be [min, max], two status codes, was "
                        + StateFields.describe(status));
            }
        }
        List<String> command = fields.strings(check, "command", at,
                "an array of strings [program, arguments...] (never a shell line)");
        return new HealthCheckConfig(type, fields.millis(check, "interval_ms", at), fields.millis(check, "timeout_ms", at),
                (int) fields.number(check, "rise", at, HealthCheckConfig.DEFAULT_RISE, Integer.MIN_VALUE, Integer.MAX_VALUE),
                (int) fields.number(check, "fall", at, HealthCheckConfig.DEFAULT_FALL, Integer.MIN_VALUE, Integer.MAX_VALUE),
                fields.string(check, "path", at), fields.string(check, "method", at), headers, statusMin, statusMax,
                command);
    }
}
