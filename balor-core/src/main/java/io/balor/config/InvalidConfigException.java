package io.balor.config;

import java.util.List;

/**
 * Thrown when a configuration is refused. It carries every problem found, each named by its
 * field path, so one round trip shows the operator all that must be fixed. Nothing was changed.
 */
public final class InvalidConfigException extends IllegalArgumentException {

    private final List<ConfigProblem> problems;

    public InvalidConfigException(List<ConfigProblem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem, in the order the config was read. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String describe(List<ConfigProblem> problems) {
        StringBuilder text = new StringBuilder("invalid configuration (")
                .append(problems.size()).append(problems.size() == 1 ? " problem)" : " problems)");
        for (ConfigProblem problem : problems) {
            text.append("\n  ").append(problem);
        }
        return text.toString();
    }
}
