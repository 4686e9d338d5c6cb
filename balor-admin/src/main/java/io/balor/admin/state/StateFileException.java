package io.balor.admin.state;

import io.balor.config.ConfigProblem;

import java.nio.file.Path;
import java.util.List;

/**
 * The state file could not be read, understood or written. The message is meant for an
 * operator: it names the file, where in it the problem is (line and column for JSON syntax, a
 * field path such as {@code listeners[1].listen} for the rest) and what is wrong. A file that
 * failed to load was left exactly as it was.
 */
public final class StateFileException extends Exception {

    private final Path file;
    private final int line;
    private final int column;
    private final List<ConfigProblem> problems;

    private StateFileException(Path file, String message, int line, int column, List<ConfigProblem> problems,
                               Throwable cause) {
        super(message, cause);
        this.file = file;
        this.line = line;
        this.column = column;
        this.problems = List.copyOf(problems);
    }

    /** The JSON is malformed at {@code line}:{@code column} (both from 1). */
    static StateFileException syntax(Path file, int line, int column, String problem, Throwable cause) {
        return new StateFileException(file, "state file " + file + ", line " + line + ", column " + column + ": "
                + problem + " (the file was not changed)", line, column, List.of(), cause);
    }

    /** The JSON is well formed but its content is not a valid state; every problem by field path. */
    static StateFileException invalid(Path file, List<ConfigProblem> problems, Throwable cause) {
        StringBuilder text = new StringBuilder("state file ").append(file).append(" is invalid (")
                .append(problems.size()).append(problems.size() == 1 ? " problem" : " problems")
                .append("; the file was not changed):");
        for (ConfigProblem problem : problems) {
            text.append("\n  ").append(problem.path()).append(": ").append(problem.message());
        }
        return new StateFileException(file, text.toString(), 0, 0, problems, cause);
    }

    /** The file is the original Balor's ({@link OriginalFormat}): it needs {@code balorctl migrate}. */
    static StateFileException original(Path file) {
        return new StateFileException(file, "state file " + file + " " + OriginalFormat.refusal(file)
                + "; the file was not changed", 0, 0, List.of(), null);
    }

    /** The file could not be read or written. */
    static StateFileException io(Path file, String what, Throwable cause) {
        return new StateFileException(file, "state file " + file + ": " + what + ": " + cause, 0, 0, List.of(), cause);
    }

    /** The file concerned (absolute). */
    public Path file() {
        return file;
    }

    /** The line of a JSON syntax error (from 1), or 0. */
    public int line() {
        return line;
    }

    /** The column of a JSON syntax error (from 1), or 0. */
    public int column() {
        return column;
    }

    /** The content problems by field path; empty for syntax and I/O errors. */
    public List<ConfigProblem> problems() {
        return problems;
    }
}
