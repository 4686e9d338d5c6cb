package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The file paths inside kept sections ({@link BalorState#extras()}), treated as the config's
 * are: {@code certificates[].cert_file} and {@code key_file}, {@code acme_standalone[].tls}'s
 * (with the original's {@code cert_path}, {@code key_path}), and {@code admin_console}'s
 * {@code cert_file}, {@code key_file} and original {@code tls.cert_path}, {@code tls.key_path}.
 * Reading makes a relative one absolute against the state file's directory
 * ({@link StateDirectory#resolve}); writing makes an absolute one under the written file's
 * directory relative to it ({@link StateDirectory#shorten}), so a state file, and a copy
 * {@code balorctl export} writes elsewhere, name the same files as its listeners do. A relative
 * path that is still relative when written (one the API saved as given) is written as it is: in
 * a kept section it was always relative to the state file's directory. Anything that is not a
 * non-blank string is left for the section's own checks. Stateless.
 */
final class KeptPaths {

    /** The path fields of one certificates[] entry, and of admin_console with its original tls. */
    private static final List<String> FILES = List.of("cert_file", "key_file");
    private static final List<String> ORIGINAL_TLS_FILES = List.of("cert_path", "key_path");

    private KeptPaths() {
    }

    /** {@code extras} with their relative file paths taken against {@code directory}. */
    static Map<String, JsonNode> resolve(Map<String, JsonNode> extras, StateDirectory directory) {
        return rewrite(extras, value -> {
            try {
                return Path.of(value).isAbsolute() ? value : directory.resolve(value);
            } catch (InvalidPathException e) {
                return value;   // the section's own checks name it, if they look at it
            }
        });
    }

    /** {@code extras} with their absolute file paths under {@code directory} made relative to it. */
    static Map<String, JsonNode> shorten(Map<String, JsonNode> extras, StateDirectory directory) {
        return rewrite(extras, value -> {
            try {
                return Path.of(value).isAbsolute() ? directory.shorten(value) : value;
            } catch (InvalidPathException e) {
                return value;
            }
        });
    }

    private static Map<String, JsonNode> rewrite(Map<String, JsonNode> extras,
                                                 java.util.function.UnaryOperator<String> path) {
        Map<String, JsonNode> copy = new LinkedHashMap<>(extras);
        JsonNode certificates = copy.get("certificates");
        if (certificates != null && certificates.isArray()) {
            JsonNode changed = certificates.deepCopy();
            for (JsonNode entry : changed) {
                rewrite(entry, FILES, path);
            }
            copy.put("certificates", changed);
        }
        JsonNode standalone = copy.get(AcmeSections.STANDALONE);
        if (standalone != null && standalone.isArray()) {
            JsonNode changed = standalone.deepCopy();
            for (JsonNode entry : changed) {
                rewrite(entry.get("tls"), FILES, path);
                rewrite(entry.get("tls"), ORIGINAL_TLS_FILES, path);
            }
            copy.put(AcmeSections.STANDALONE, changed);
        }
        JsonNode console = copy.get(ConsoleSettings.KEY);
        if (console != null && console.isObject()) {
            JsonNode changed = console.deepCopy();
            rewrite(changed, FILES, path);
            rewrite(changed.get("tls"), ORIGINAL_TLS_FILES, path);
            copy.put(ConsoleSettings.KEY, changed);
        }
        return copy;
    }

    private static void rewrite(JsonNode node, List<String> keys, java.util.function.UnaryOperator<String> path) {
        if (node == null || !node.isObject()) {
            return;
        }
        for (String key : keys) {
            JsonNode value = node.get(key);
            if (value != null && value.isTextual() && !value.textValue().isBlank()) {
                ((ObjectNode) node).put(key, path.apply(value.textValue()));
            }
        }
    }
}
