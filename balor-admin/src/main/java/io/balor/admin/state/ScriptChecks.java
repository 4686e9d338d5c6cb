package io.balor.admin.state;

import io.balor.HealthScripts;
import io.balor.config.BalorConfig;
import io.balor.config.ConfigProblem;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The script health checks of a config whose program may not run ({@link HealthScripts}): the
 * daemon refuses to start with them and the admin API refuses to make them, each naming the
 * field and {@code BALOR_HEALTH_SCRIPT_DIR}. Stateless.
 */
public final class ScriptChecks {

    public static final String KNOB = "BALOR_HEALTH_SCRIPT_DIR";

    private ScriptChecks() {
    }

    /** Every script check of {@code config} whose program cannot run from {@code directory} (null: none can). */
    public static List<ConfigProblem> problems(BalorConfig config, Path directory) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (ConfigProblem problem : HealthScripts.problems(config, directory, KNOB)) {
            problems.add(directory != null ? problem : new ConfigProblem(problem.path(), problem.message()
                    + "; the host's owner turns them on by starting balor with " + KNOB
                    + " naming a directory of check programs"));
        }
        return problems;
    }
}
