package io.balor.health;

import io.balor.HealthScripts;
import io.balor.upstream.Upstream;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external program from the directory of check programs ({@link HealthScripts}: the
 * program is resolved again before every run, and the resolved file is what runs, so a link
 * changed after the config was applied cannot lead outside it): healthy on exit status 0. The command is a list (program, then
 * arguments), started directly with {@link ProcessBuilder}, never through a shell, so nothing in
 * it is interpreted. The upstream's IP address and port are appended as the last two arguments
 * (as HAProxy's {@code external-check} passes the server's), and the environment is only
 * {@code PATH}, {@code LANG} and {@code BALOR_UPSTREAM_ID}, {@code BALOR_UPSTREAM_HOST} (as
 * written in the config), {@code BALOR_UPSTREAM_ADDRESS} and {@code BALOR_UPSTREAM_PORT}: none of
 * the daemon's own (which may hold secrets). Its output is discarded (a
 * pipe nobody reads could block it), stdin is empty.
 *
 * <p>A program still running at the timeout is killed ({@code destroyForcibly}, its descendants
 * first, so a shell script's children do not linger) and the probe fails. So is one whose
 * waiting thread is interrupted (the checker closing). Immutable.
 */
final class ScriptProbe implements Probe {

    private final List<String> command;
    private final Path directory;

    /** @param directory where the program must be, or null: script checks are off and every run fails */
    ScriptProbe(List<String> command, Path directory) {
        this.command = List.copyOf(command);
        this.directory = directory;
    }

    @Override
    public String run(Upstream upstream, long timeoutNanos) {
        String address = upstream.address().isUnresolved()
                ? upstream.address().getHostString() : upstream.address().getAddress().getHostAddress();
        String port = Integer.toString(upstream.address().getPort());
        HealthScripts.Resolved program = HealthScripts.resolve(directory, command.get(0), "the health script directory");
        if (program.problem() != null) {
            // What is wrong stays with the config's check (its apply said it); a probe's error is shown widely.
            return "not run: " + command.get(0) + " is not a program of the health script directory now";
        }
        List<String> arguments = new ArrayList<>(command);
        arguments.set(0, program.program().toString());
        arguments.add(address);
        arguments.add(port);
        ProcessBuilder builder = new ProcessBuilder(arguments)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        // Not the daemon's own environment: it may hold BALOR_ADMIN_TOKEN and the like.
        Map<String, String> environment = builder.environment();
        String path = environment.get("PATH");
        String lang = environment.get("LANG");
        environment.clear();
        environment.put("PATH", path == null ? "/usr/local/bin:/usr/bin:/bin" : path);
        if (lang != null) {
            environment.put("LANG", lang);
        }
        environment.put("BALOR_UPSTREAM_ID", upstream.id());
        environment.put("BALOR_UPSTREAM_HOST", upstream.address().getHostString());
        environment.put("BALOR_UPSTREAM_ADDRESS", address);
        environment.put("BALOR_UPSTREAM_PORT", port);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return Probe.reason("start " + command.get(0), e);
        }
        boolean exited = false;
        try {
            exited = process.waitFor(timeoutNanos, TimeUnit.NANOSECONDS);
            if (!exited) {
                return "timed out after " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms, killed";
            }
            int status = process.exitValue();
            return status == 0 ? null : "exit status " + status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted, killed";
        } finally {
            if (!exited) {
                kill(process);
            }
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
