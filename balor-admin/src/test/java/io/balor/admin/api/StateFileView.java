package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * What the fixture's state file holds, read from disk: its bytes (to show a refused change left
 * it untouched) and its listener and pool objects (to show it holds what the API answered).
 */
final class StateFileView {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The keys the API adds to a state object: what runs, not what is saved. */
    private static final String[] LIVE_KEYS = {"id", "bound", "upstream_health", "used_by"};

    private StateFileView() {
    }

    static byte[] bytes(AdminFixture admin) throws Exception {
        return Files.readAllBytes(admin.store.file());
    }

    static JsonNode root(AdminFixture admin) throws Exception {
        return JSON.readTree(bytes(admin));
    }

    /** The object named {@code name} in the state file's {@code section}, or null. */
    static JsonNode item(AdminFixture admin, String section, String name) throws Exception {
        for (JsonNode item : root(admin).path(section)) {
            if (name.equals(item.path("name").asText(null))) {
                return item;
            }
        }
        return null;
    }

    /** Asserts the state file's object is exactly {@code apiItem} without its live keys. */
    static void assertSaved(AdminFixture admin, String section, JsonNode apiItem) throws Exception {
        ObjectNode saved = apiItem.deepCopy();
        saved.remove(java.util.List.of(LIVE_KEYS));
        JsonNode inFile = item(admin, section, saved.path("name").asText());
        assertNotNull(inFile, section + " " + saved.path("name") + " is not in the state file");
        assertEquals(saved, inFile, "the state file holds what the API answered");
    }
}
