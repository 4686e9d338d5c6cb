package io.balor.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.balor.daemon.AdminClient.WAIT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Script health checks in a real daemon: a state file with one stops the start (exit 1, naming
 * {@code pools[N].health_check.command[0]} and {@code BALOR_HEALTH_SCRIPT_DIR}) when the knob is
 * unset or the program is not inside the directory it names; with the program inside it, the
 * daemon starts and runs it (the script leaves a marker file with the arguments it got).
 */
class DaemonScriptCheckTest {

    @TempDir
    Path dir;

    private Map<String, String> env(Path stateFile, String... extra) {
        Map<String, String> env = AdminClient.env(dir, stateFile, extra);
        env.putIfAbsent("BALOR_HTTP_ADDR", "127.0.0.1:0");
        env.putIfAbsent("BALOR_DEFAULT_ADMIN_PASSWORD", "first-password");
        return env;
    }

    /** A state file with one pool per command, each checked by a script every 50 ms. */
    private Path stateFile(String... commands) throws Exception {
        StringBuilder pools = new StringBuilder();
        for (int i = 0; i < commands.length; i++) {
            pools.append(i == 0 ? "" : ",\n").append("""
                    {"name": "p%d", "upstreams": ["127.0.0.1:%d"],
                     "health_check": {"type": "script", "interval_ms": 50, "timeout_ms": 5000, "rise": 1, "fall": 1,
                                      "command": %s}}""".formatted(i, 9000 + i, commands[i]));
        }
        Path file = dir.resolve("balor_state.json");
        Files.writeString(file, "{\"version\": 1, \"listeners\": [], \"pools\": [\n" + pools + "]}\n");
        AdminClient.chmod(file, "rw-------");
        return file;
    }

    /** An executable shell script {@code name} in {@code directory} that appends its arguments to its first one. */
    private static Path script(Path directory, String name) throws Exception {
        Path script = Files.createDirectories(directory).resolve(name);
        Files.writeString(script, "#!/bin/sh\nmarker=\"$1\"\nshift\necho \"$@\" >> \"$marker\"\n");
        AdminClient.chmod(script, "rwx------");
        return script;
    }

    @Test
    void withoutTheKnobAScriptCheckStopsTheStart() throws Exception {
        script(dir.resolve("checks"), "check.sh");
        Path stateFile = stateFile("[\"" + dir.resolve("checks/check.sh") + "\", \"" + dir.resolve("marker") + "\"]");
        byte[] before = Files.readAllBytes(stateFile);
        try (DaemonProcess daemon = DaemonProcess.start(dir, env(stateFile))) {
            assertEquals(1, daemon.awaitExit(WAIT));
            String stderr = daemon.stderr();
            assertTrue(stderr.contains("cannot start with " + stateFile), stderr);
            assertTrue(stderr.contains("pools[0].health_check.command[0]: script health checks are off"), stderr);
            assertTrue(stderr.contains("BALOR_HEALTH_SCRIPT_DIR"), stderr);
        }
        assertFalse(Files.exists(dir.resolve("marker")), "the script never ran");
        assertArrayEquals(before, Files.readAllBytes(stateFile));
    }

    @Test
    void programsOutsideTheDirectoryStopTheStartEachNamed() throws Exception {
        Path checks = Files.createDirectories(dir.resolve("checks"));
        Path outside = script(dir.resolve("elsewhere"), "outside.sh");
        Files.createSymbolicLink(checks.resolve("link.sh"), outside);
        script(checks, "fine.sh");
        String marker = dir.resolve("marker").toString();
        Path stateFile = stateFile(
                "[\"" + outside + "\", \"" + marker + "\"]",                 // absolute, outside
                "[\"../elsewhere/outside.sh\", \"" + marker + "\"]",          // relative, climbing out
                "[\"link.sh\", \"" + marker + "\"]",                          // inside, but a link to outside
                "[\"fine.sh\", \"" + marker + "\"]");                         // allowed
        try (DaemonProcess daemon = DaemonProcess.start(dir, env(stateFile,
                "BALOR_HEALTH_SCRIPT_DIR", checks.toString()))) {
            assertEquals(1, daemon.awaitExit(WAIT));
            String stderr = daemon.stderr();
            String inside = "must be a program inside " + checks.toRealPath() + " (BALOR_HEALTH_SCRIPT_DIR)";
            assertTrue(stderr.contains("pools[0].health_check.command[0]: " + inside), stderr);
            assertTrue(stderr.contains("pools[1].health_check.command[0]: " + inside), stderr);
            assertTrue(stderr.contains("pools[2].health_check.command[0]: " + inside
                    + "; 'link.sh' is a link to a file outside it"), stderr);
            assertFalse(stderr.contains("pools[3]"), stderr);
        }
        assertFalse(Files.exists(dir.resolve("marker")), "no script ran, not even the allowed one");
    }

    @Test
    void aScriptInsideTheDirectoryRunsWithTheUpstreamsAddress() throws Exception {
        script(dir.resolve("checks"), "check.sh");
        Path marker = dir.resolve("marker");
        Path stateFile = stateFile("[\"check.sh\", \"" + marker + "\"]");
        // Relative, like the other paths: to the daemon's working directory.
        try (DaemonProcess daemon = DaemonProcess.start(dir, env(stateFile, "BALOR_HEALTH_SCRIPT_DIR", "checks"))) {
            daemon.awaitLine(line -> line.startsWith("ready:"), WAIT);
            AdminClient.awaitFile(marker, text -> text.lines().count() >= 2);
            assertEquals("127.0.0.1 9000", Files.readString(marker).lines().findFirst().orElseThrow(),
                    "the upstream's address and port follow the command's own arguments");
            daemon.terminate();
            assertEquals(0, daemon.awaitExit(WAIT), daemon.stderr());
        }
    }
}
