package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.HealthCheckConfig;
import io.balor.config.InvalidConfigException;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Script health checks run programs from the owner's directory only: without one they are
 * refused, a program outside it (by path or through a link) is refused from its name without
 * looking at the file, and a running Balor refuses such a config with the field's path.
 */
class HealthScriptsTest {

    @TempDir
    Path dir;

    private Path program(Path where, String name) throws Exception {
        Path file = where.resolve(name);
        Files.writeString(file, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    @Test
    void theRule() throws Exception {
        Path scripts = Files.createDirectory(dir.resolve("scripts"));
        Path inside = program(scripts, "ok.sh");
        Path outside = program(dir, "elsewhere.sh");
        Files.createSymbolicLink(scripts.resolve("escape"), outside);
        Files.writeString(scripts.resolve("plain.txt"), "not executable");
        String real = scripts.toRealPath().toString();

        assertNull(HealthScripts.problem(scripts, inside.toString(), "K"));
        assertNull(HealthScripts.problem(scripts, "ok.sh", "K"), "relative to the directory");
        assertEquals(inside.toRealPath(), HealthScripts.resolve(scripts, "./ok.sh", "K").program());
        assertEquals("script health checks are off: no directory of check programs is set (K)",
                HealthScripts.problem(null, inside.toString(), "K"));
        assertEquals("must be a program inside " + real + " (K)", HealthScripts.problem(scripts, "/bin/sh", "K"));
        assertEquals("must be a program inside " + real + " (K)", HealthScripts.problem(scripts, "../elsewhere.sh", "K"));
        assertEquals("must be a program inside " + real + " (K)", HealthScripts.problem(scripts, "/no/such/file", "K"),
                "outside: the same answer whether the file exists or not");
        assertEquals("must be a program inside " + real + " (K); 'escape' is a link to a file outside it",
                HealthScripts.problem(scripts, "escape", "K"));
        assertEquals("there is no program missing.sh in " + real, HealthScripts.problem(scripts, "missing.sh", "K"));
        assertEquals("'plain.txt' is not executable", HealthScripts.problem(scripts, "plain.txt", "K"));
        assertEquals("must be a program inside " + real + " (K)", HealthScripts.problem(scripts, ".", "K"));
    }

    @Test
    void aDirectoryThatIsALinkTakesProgramsNamedThroughIt() throws Exception {
        Path scripts = Files.createDirectory(dir.resolve("scripts"));
        Path program = program(scripts, "check.sh");
        Path linked = Files.createSymbolicLink(dir.resolve("checks"), scripts);
        assertEquals(program.toRealPath(), HealthScripts.resolve(linked, linked.resolve("check.sh").toString(), "K")
                .program(), "named through the configured path");
        assertNull(HealthScripts.problem(linked, program.toString(), "K"), "or through the real one");
        assertNull(HealthScripts.problem(linked, "check.sh", "K"));
        assertTrue(HealthScripts.problem(linked, dir.resolve("elsewhere").toString(), "K")
                .startsWith("must be a program inside " + linked), "outside both");
    }

    @Test
    void aRunningBalorRefusesAScriptOutsideItsDirectory() throws Exception {
        Path scripts = Files.createDirectory(dir.resolve("scripts"));
        program(scripts, "ok.sh");
        BalorConfig outside = config("/bin/sh");
        InvalidConfigException off = assertThrows(InvalidConfigException.class, () -> Balor.start(outside,
                BalorOptions.defaults().withLoops(1)));
        assertEquals("pools[0].health_check.command[0]", off.problems().get(0).path());
        assertTrue(off.problems().get(0).message().startsWith("script health checks are off"));

        BalorOptions options = BalorOptions.defaults().withLoops(1).withHealthScriptDir(scripts);
        InvalidConfigException refused = assertThrows(InvalidConfigException.class, () -> Balor.start(outside, options));
        assertTrue(refused.problems().get(0).message().startsWith("must be a program inside "), refused.getMessage());
        try (Balor balor = Balor.start(config("ok.sh"), options)) {
            InvalidConfigException apply = assertThrows(InvalidConfigException.class, () -> balor.apply(outside));
            assertEquals("pools[0].health_check.command[0]", apply.problems().get(0).path());
            assertEquals(config("ok.sh"), balor.config(), "nothing changed");
        }
    }

    private static BalorConfig config(String program) {
        return new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")),
                List.of(PoolConfig.of("app", UpstreamConfig.of("127.0.0.1:9")).withHealthCheck(
                        HealthCheckConfig.script(program))));
    }
}
