package io.balor.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code scripts/balorctl} as a real process: it passes its arguments through, relative paths
 * are the caller's, and the exit code and output are {@link BalorCtl}'s. It runs on this test's
 * class path ({@code BALORCTL_CLASS_PATH}) and with this JVM's {@code java}, so it builds nothing.
 */
class BalorCtlScriptTest {

    private static final Path SCRIPT = Path.of("..", "scripts", "balorctl").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private record Result(int exit, String out, String err) {
    }

    private Result balorctl(Map<String, String> env, String... args) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        String[] command = new String[args.length + 1];
        command[0] = SCRIPT.toString();
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("BALOR"));
        Path javaBin = Path.of(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString())).getParent();
        builder.environment().put("PATH", javaBin + File.pathSeparator + System.getenv("PATH"));
        builder.environment().put("BALORCTL_CLASS_PATH", System.getProperty("java.class.path"));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("scripts/balorctl still running after 30 s");
        }
        return new Result(process.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void validatesARelativeFileAndExitsWithItsCode() throws Exception {
        Files.writeString(dir.resolve("good.json"), BalorCtlTest.VALID);
        BalorCtlTest.pemBundle(dir.resolve("certs/web.pem"));
        Files.writeString(dir.resolve("bad.json"), "{\"version\": 1, \"listeners\": {}}");

        Result good = balorctl(Map.of(), "validate", "good.json");
        assertEquals(0, good.exit(), good.err());
        assertTrue(good.out().startsWith("good.json: valid (1 listener, 1 pool, 2 users)\n"), good.out());

        Result bad = balorctl(Map.of(), "validate", "bad.json");
        assertEquals(1, bad.exit(), bad.err());
        assertTrue(bad.out().startsWith("bad.json: invalid (1 problem):\n  listeners: "), bad.out());
    }

    @Test
    void aRelativeStateFileIsTheCallersAndUnknownCommandsExitWith2() throws Exception {
        Result missing = balorctl(Map.of("BALOR_STATE_FILE", "state/here.json"), "validate");
        assertEquals(1, missing.exit(), missing.err());
        assertEquals("state/here.json: does not exist\n", missing.out());
        assertFalse(Files.exists(dir.resolve("state")));

        Result unknown = balorctl(Map.of(), "frobnicate");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("unknown command 'frobnicate'"), unknown.err());
    }
}
