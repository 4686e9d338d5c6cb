package io.balor.admin.state;

import io.balor.config.BalorConfig;
import io.balor.config.ConfigProblem;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What the state-file tests share: a file in a temporary directory, reads, refusals and round trips. */
abstract class StateFileTestBase {

    /** Two pools the documents under test refer to. */
    static final String POOLS = """
            "pools": [{"name": "web", "upstreams": ["http://10.0.0.1:80"]},
                      {"name": "api", "upstreams": ["http://10.0.0.2:80"]}]""";

    @TempDir
    Path dir;

    Path file() {
        return dir.resolve("balor_state.json");
    }

    BalorState read(String json) throws StateFileException {
        return StateFile.parse(file(), json.getBytes(StandardCharsets.UTF_8));
    }

    StateFileException refused(String json) {
        return assertThrows(StateFileException.class, () -> read(json));
    }

    static List<String> paths(StateFileException e) {
        return e.problems().stream().map(ConfigProblem::path).toList();
    }

    static String messageAt(StateFileException e, String path) {
        for (ConfigProblem problem : e.problems()) {
            if (problem.path().equals(path)) {
                return problem.message();
            }
        }
        throw new AssertionError("no problem at " + path + ": " + e.getMessage());
    }

    /** Saves, loads, checks equality and that a second save writes the same bytes; returns the bytes. */
    byte[] saveAndReload(BalorConfig config) throws Exception {
        StateFile.save(file(), new BalorState(config, Map.of()));
        byte[] first = Files.readAllBytes(file());
        BalorState loaded = StateFile.load(file());
        assertEquals(config, loaded.config());
        StateFile.save(file(), loaded);
        assertArrayEquals(first, Files.readAllBytes(file()), "a save of what was loaded writes the same bytes");
        return first;
    }
}
