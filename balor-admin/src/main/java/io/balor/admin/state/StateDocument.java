package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.config.InvalidConfigException;

import java.nio.file.Path;

/**
 * The state file's JSON shape as a tree, for the admin API: its listener and pool objects are the
 * state file's, so an API body is checked by the same strict reader with the same field paths.
 * Relative certificate paths are relative to {@code stateFile}'s directory. Stateless; any thread.
 */
public final class StateDocument {

    private StateDocument() {
    }

    /** The whole document {@code state} is saved as (a fresh tree the caller may change). */
    public static ObjectNode toJson(BalorState state, Path stateFile) {
        return StateWriter.write(state, StateDirectory.of(stateFile.toAbsolutePath()));
    }

    /**
     * Reads a whole document strictly.
     *
     * @throws InvalidConfigException naming every problem by its path ({@code listeners[2].pool})
     */
    public static BalorState fromJson(JsonNode root, Path stateFile) {
        return StateReader.read(root, StateDirectory.of(stateFile.toAbsolutePath()));
    }
}
