package io.balor.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up paths that end before anything is bound or any signal handler is installed, run
 * in this JVM. Paths that run the daemon are in {@link DaemonProcessTest}.
 */
class MainTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env) {
        return Main.run(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void invalidKnobExitsWithCode2() {
        assertEquals(2, run(Map.of("BALOR_LOOPS", "zero", "BALOR_STATE_FILE", dir.resolve("s.json").toString())));
        assertTrue(err().contains("BALOR_LOOPS"), err());
        assertTrue(Files.notExists(dir.resolve("s.json")), "nothing is created before the knobs are valid");
    }

    @Test
    void invalidStateExitsWithCode1AndNamesTheField() throws Exception {
        Path file = dir.resolve("balor_state.json");
        byte[] bytes = """
                {"version": 1, "pools": [],
                 "listeners": [{"name": "api", "listen": "127.0.0.1:1", "pool": "masters", "weight": 2}]}
                """.getBytes(StandardCharsets.UTF_8);
        Files.write(file, bytes);
        assertEquals(1, run(Map.of("BALOR_STATE_FILE", file.toString())));
        assertTrue(err().contains(file.toString()), err());
        assertTrue(err().contains("listeners[0].weight: unknown key"), err());
        assertTrue(err().contains("listeners[0].pool: no pool named 'masters'"), err());
        assertArrayEquals(bytes, Files.readAllBytes(file));
    }
}
