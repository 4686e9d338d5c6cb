package io.balor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where script health checks may run programs from: only a directory the host's owner named at
 * start ({@link BalorOptions#healthScriptDir()}; as HAProxy's {@code external-check}, off unless
 * turned on). A check's program ({@code command[0]}: an absolute path, or one relative to the
 * directory) must resolve, symbolic links followed, to an executable regular file inside the
 * directory's own real path; no shell is ever involved. The rule is checked when a config is
 * applied and again before every run, and the program run is the resolved file, so a link
 * swapped afterwards cannot point a check outside.
 *
 * <p>A program named outside the directory is refused from its name alone, before any file is
 * looked at, so the answer never tells whether a file exists elsewhere. Stateless; any thread
 * (blocking file-system reads).
 */
public final class HealthScripts {

    private HealthScripts() {
    }

    /**
     * The script checks of {@code config} whose program cannot run from {@code directory}, each a
     * problem at {@code pools[i].health_check.command[0]}.
     */
    public static java.util.List<io.balor.config.ConfigProblem> problems(io.balor.config.BalorConfig config,
                                                                         Path directory, String named) {
        java.util.List<io.balor.config.ConfigProblem> problems = new java.util.ArrayList<>();
        for (int i = 0; i < config.pools().size(); i++) {
            io.balor.config.HealthCheckConfig check = config.pools().get(i).healthCheck();
            if (check != null && check.type() == io.balor.config.HealthCheckConfig.Type.SCRIPT) {
                String problem = problem(directory, check.command().get(0), named);
                if (problem != null) {
                    problems.add(new io.balor.config.ConfigProblem("pools[" + i + "].health_check.command[0]", problem));
                }
            }
        }
        return problems;
    }

    /** What {@link #resolve} found: the file to run, or why there is none. */
    public record Resolved(Path program, String problem) {
    }

    /**
     * Why {@code program} cannot run from {@code directory}, or null when it can.
     *
     * @param directory the directory of check programs, or null when script checks are off
     * @param named     how the directory is named in messages ({@code BALOR_HEALTH_SCRIPT_DIR})
     */
    public static String problem(Path directory, String program, String named) {
        return resolve(directory, program, named).problem();
    }

    /** The real path of {@code program} inside {@code directory}, or the problem (see {@link #problem}). */
    public static Resolved resolve(Path directory, String program, String named) {
        if (directory == null) {
            return refused("script health checks are off: no directory of check programs is set (" + named + ")");
        }
        if (program == null || program.isBlank()) {
            return refused("must name the program to run");
        }
        Path root;
        try {
            root = directory.toRealPath();
        } catch (IOException e) {
            return refused("the directory of check programs " + directory + " (" + named + ") cannot be read");
        }
        Path given = directory.toAbsolutePath().normalize();
        Path candidate;
        try {
            candidate = given.resolve(program).normalize();
        } catch (InvalidPathException e) {
            return refused("'" + program + "' is not a path");
        }
        String inside = "must be a program inside " + given + (given.equals(root) ? "" : " (" + root + ")")
                + " (" + named + ")";
        // By name first, through the directory as configured or its real path (it may be a link).
        if (!(candidate.startsWith(given) && !candidate.equals(given)) && !(candidate.startsWith(root)
                && !candidate.equals(root))) {
            return refused(inside);
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (NoSuchFileException e) {
            return refused("there is no program " + program + " in " + root);
        } catch (IOException e) {
            return refused("'" + program + "' cannot be read in " + root);
        }
        if (!real.startsWith(root)) {
            return refused(inside + "; '" + program + "' is a link to a file outside it");
        }
        if (!Files.isRegularFile(real)) {
            return refused("'" + program + "' is not a regular file");
        }
        if (!Files.isExecutable(real)) {
            return refused("'" + program + "' is not executable");
        }
        return new Resolved(real, null);
    }

    private static Resolved refused(String problem) {
        return new Resolved(null, problem);
    }
}
