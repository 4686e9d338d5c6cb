package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.config.BalorConfig;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the state file holds: the data-plane {@link BalorConfig} and the other top-level
 * sections of the original Balor's file ({@code users}, {@code certificates}, ...), which this
 * version keeps verbatim so a load and a save never lose them. Later issues give those sections
 * their own types.
 *
 * <p>Immutable, so any thread may read it; changes make a new one with {@code withX(..)}.
 *
 * @param config the listeners and pools
 * @param extras the kept top-level sections by key, in file order; only keys from
 *               {@link #EXTRA_KEYS}; each node is a private copy (do not mutate it)
 */
public record BalorState(BalorConfig config, Map<String, JsonNode> extras) {

    /** The {@code version} this code writes, and the only one it reads. */
    public static final int VERSION = 1;

    /** The top-level keys kept as they are (the original Balor's state file sections). */
    public static final List<String> EXTRA_KEYS = List.of(
            "users", "certificates", "acme_providers", "acme_standalone", "admin_console", "trace_sample");

    public BalorState {
        if (config == null) {
            throw new IllegalArgumentException("config is required");
        }
        Map<String, JsonNode> copy = new LinkedHashMap<>();
        if (extras != null) {
            for (Map.Entry<String, JsonNode> entry : extras.entrySet()) {
                if (!EXTRA_KEYS.contains(entry.getKey())) {
                    throw new IllegalArgumentException("'" + entry.getKey() + "' is not a kept state section "
                            + EXTRA_KEYS);
                }
                if (entry.getValue() != null) {
                    copy.put(entry.getKey(), entry.getValue().deepCopy());
                }
            }
        }
        extras = Collections.unmodifiableMap(copy);
    }

    /** No listeners, no pools, no other sections: what a fresh state file holds. */
    public static BalorState empty() {
        return new BalorState(BalorConfig.empty(), Map.of());
    }

    public BalorState withConfig(BalorConfig value) {
        return new BalorState(value, extras);
    }

    /** A copy with one kept section replaced ({@code null} removes it). */
    public BalorState withExtra(String key, JsonNode value) {
        Map<String, JsonNode> copy = new LinkedHashMap<>(extras);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return new BalorState(config, copy);
    }
}
