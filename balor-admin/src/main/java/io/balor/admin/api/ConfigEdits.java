package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.StateDocument;
import io.balor.config.ConfigProblem;
import io.balor.config.InvalidConfigException;
import io.balor.config.ListenerConfig;
import io.balor.config.RouteConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Edits of the state's listeners and pools from API bodies in the state file's JSON shape. Each
 * edit splices the body into the whole document and reads the document back with the state
 * file's strict reader, so a body is checked exactly as the file is, references to other
 * listeners and pools included; problems come back with paths relative to the body
 * ({@code host_routes[0].pool}), or from the top ({@code pools[1].name}) when they are about
 * something else the edit broke. Stateless; any thread.
 */
final class ConfigEdits {

    /** The section an edit is in: {@code listeners} or {@code pools}. */
    enum Section {
        LISTENERS("listeners"), POOLS("pools");

        final String key;

        Section(String key) {
            this.key = key;
        }
    }

    private final Path stateFile;

    ConfigEdits(Path stateFile) {
        this.stateFile = stateFile;
    }

    /** The state document's object for the item {@code name} of {@code section}, or null. */
    ObjectNode item(BalorState state, Section section, String name) {
        ArrayNode items = (ArrayNode) StateDocument.toJson(state, stateFile).get(section.key);
        int index = indexOf(items, name);
        return index < 0 ? null : (ObjectNode) items.get(index);
    }

    /** Every item of {@code section} as the state document writes it. */
    ArrayNode items(BalorState state, Section section) {
        return (ArrayNode) StateDocument.toJson(state, stateFile).get(section.key);
    }

    /**
     * {@code state} with {@code body} added at the end of {@code section}, or in place of the item
     * named {@code replacing} (null: add).
     *
     * @throws InvalidConfigException with the problems (paths relative to the body where they are in it)
     */
    BalorState put(BalorState state, Section section, String replacing, JsonNode body) {
        ObjectNode root = StateDocument.toJson(state, stateFile);
        ArrayNode items = (ArrayNode) root.get(section.key);
        int index = replacing == null ? items.size() : indexOf(items, replacing);
        if (index == items.size()) {
            items.add(body);
        } else {
            items.set(index, body);
        }
        return read(root, section.key + "[" + index + "]");
    }

    /**
     * {@code state} with all its listeners and pools replaced by {@code listeners} and
     * {@code pools} (the state file's arrays; null: missing, which the reader names).
     *
     * @throws InvalidConfigException with every problem, named by its path from the top ({@code listeners[1].listen})
     */
    BalorState replaceAll(BalorState state, JsonNode listeners, JsonNode pools) {
        ObjectNode root = StateDocument.toJson(state, stateFile);
        root.set(Section.LISTENERS.key, listeners == null ? com.fasterxml.jackson.databind.node.NullNode.instance
                : listeners.deepCopy());
        root.set(Section.POOLS.key, pools == null ? com.fasterxml.jackson.databind.node.NullNode.instance
                : pools.deepCopy());
        return read(root, null);
    }

    /** {@code {"listeners": [...], "pools": [...]}} of {@code state}, as the state file holds them. */
    ObjectNode listenersAndPools(BalorState state) {
        ObjectNode root = StateDocument.toJson(state, stateFile);
        ObjectNode both = root.objectNode();
        both.set(Section.LISTENERS.key, root.get(Section.LISTENERS.key));
        both.set(Section.POOLS.key, root.get(Section.POOLS.key));
        return both;
    }

    /** Where the item {@code name} of {@code section} is in {@code state}'s document, or -1. */
    int indexOf(BalorState state, Section section, String name) {
        return indexOf(items(state, section), name);
    }

    /** {@code state} without the item {@code name} of {@code section} (which must exist). */
    BalorState remove(BalorState state, Section section, String name) {
        ObjectNode root = StateDocument.toJson(state, stateFile);
        ArrayNode items = (ArrayNode) root.get(section.key);
        items.remove(indexOf(items, name));
        return read(root, null);
    }

    /** The listeners that use pool {@code name} (as their pool or a route's), sorted. */
    static List<String> poolUsers(io.balor.config.BalorConfig config, String name) {
        TreeSet<String> users = new TreeSet<>();
        for (ListenerConfig listener : config.listeners()) {
            if (name.equals(listener.pool())) {
                users.add(listener.name());
            }
            if (listener.http() != null) {
                for (RouteConfig route : listener.http().routes()) {
                    if (name.equals(route.pool())) {
                        users.add(listener.name());
                    }
                }
            }
        }
        return List.copyOf(users);
    }

    private BalorState read(ObjectNode root, String bodyPath) {
        try {
            return StateDocument.fromJson(root, stateFile);
        } catch (InvalidConfigException e) {
            throw relative(e, bodyPath);
        }
    }

    /** The problems under {@code bodyPath} made relative to it; the others keep their full path. */
    static InvalidConfigException relative(InvalidConfigException e, String bodyPath) {
        if (bodyPath == null) {
            return e;
        }
        List<ConfigProblem> problems = new ArrayList<>();
        for (ConfigProblem problem : e.problems()) {
            String path = problem.path();
            if (path.equals(bodyPath)) {
                path = "(body)";
            } else if (path.startsWith(bodyPath + ".")) {
                path = path.substring(bodyPath.length() + 1);
            }
            problems.add(new ConfigProblem(path, problem.message()));
        }
        return new InvalidConfigException(problems);
    }

    private static int indexOf(ArrayNode items, String name) {
        for (int i = 0; i < items.size(); i++) {
            if (name.equals(items.get(i).path("name").asText(null))) {
                return i;
            }
        }
        return -1;
    }
}
