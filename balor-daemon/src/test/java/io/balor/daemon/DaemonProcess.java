package io.balor.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A real {@code balor} process for tests: the same java and class path as the test JVM, a clean
 * {@code BALOR_*} environment, a working directory of the test's choosing. Its stdout lines are
 * queued by a reader thread so a test can wait for one with a deadline; stderr is collected by
 * another. Used by one test thread; {@link #close()} kills the process if it is still alive.
 */
final class DaemonProcess implements AutoCloseable {

    private static final String EOF = "\0eof";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final StringBuffer stderr = new StringBuffer();
    private final Thread stderrReader;

    private DaemonProcess(Process process) {
        this.process = process;
        Thread stdoutReader = new Thread(() -> pump(process.getInputStream(), lines::add, () -> lines.add(EOF)),
                "daemon-stdout");
        stdoutReader.setDaemon(true);
        stdoutReader.start();
        stderrReader = new Thread(
                () -> pump(process.getErrorStream(), line -> stderr.append(line).append('\n'), () -> { }),
                "daemon-stderr");
        stderrReader.setDaemon(true);
        stderrReader.start();
    }

    static DaemonProcess start(Path workDir, Map<String, String> env) throws IOException {
        return start(workDir, env, List.of());
    }

    /** As {@link #start(Path, Map)}, the command run by {@code launcher} (e.g. {@code prlimit --nofile=256:256 --}). */
    static DaemonProcess start(Path workDir, Map<String, String> env, List<String> launcher) throws IOException {
        return start(workDir, env, launcher, List.of());
    }

    /** As {@link #start(Path, Map, List)}, with {@code javaOptions} for its JVM (e.g. the launchers' -Xmx64m). */
    static DaemonProcess start(Path workDir, Map<String, String> env, List<String> launcher, List<String> javaOptions)
            throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(launcher);
        command.add(java);
        command.addAll(javaOptions);
        // The daemon's jar opens jdk.httpserver in its manifest; a class path launch says it here.
        command.addAll(List.of("--add-opens", "jdk.httpserver/sun.net.httpserver=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("BALOR_"));
        builder.environment().putAll(env);
        return new DaemonProcess(builder.start());
    }

    private static void pump(InputStream stream, Consumer<String> sink, Runnable atEnd) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                sink.accept(line);
            }
        } catch (IOException e) {
            // The process is gone; the test sees what was read.
        } finally {
            atEnd.run();
        }
    }

    /** Waits up to {@code timeout} for a stdout line that matches; fails with the transcript if none does. */
    String awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null || line.equals(EOF)) {
                throw new AssertionError((line == null ? "no such line within " + timeout : "stdout ended")
                        + "\nstdout:\n" + String.join("\n", seen) + "\nstderr:\n" + stderr());
            }
            seen.add(line);
            if (wanted.test(line)) {
                return line;
            }
        }
    }

    /** Waits up to {@code timeout} until stderr so far contains {@code text}; fails with the transcript if it does not. */
    void awaitStderr(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stderr().contains(text)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no '" + text + "' on stderr within " + timeout + "\nstdout:\n"
                        + String.join("\n", seen) + "\nstderr:\n" + stderr());
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Waits for the process to end and returns its exit code; fails if it does not end in time. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + timeout + "\nstderr:\n" + stderr());
        }
        stderrReader.join(timeout.toMillis());
        return process.exitValue();
    }

    /**
     * Sends SIGTERM. Through the process handle: {@code Process.destroy()} would also close our
     * ends of its stdout and stderr, and what it prints while it drains would be lost.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** Sends SIGHUP (through kill(1): the JDK sends only TERM and KILL) and waits for kill to finish. */
    void hangUp() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -HUP " + process.pid() + " failed");
        }
    }

    String stderr() {
        return stderr.toString();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
