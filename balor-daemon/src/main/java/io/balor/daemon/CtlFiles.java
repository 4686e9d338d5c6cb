package io.balor.daemon;

import io.balor.CertificateFiles;
import io.balor.CertificateStatus;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.ConsoleSettings;
import io.balor.admin.state.ScriptChecks;
import io.balor.config.ConfigProblem;
import io.balor.config.InvalidConfigException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code balorctl validate} and {@code import} check beyond a state file's content, as a
 * start of balor checks it and refuses to start over it: the certificate, key and CA files the
 * listeners and pools name load ({@link CertificateFiles#problems}: they exist, are PEM, the key
 * matches), the admin console's certificate too when {@code admin_console} names one, and, when
 * {@code BALOR_HEALTH_SCRIPT_DIR} is set for balorctl, that every script check's program runs
 * from there. Paths are the ones the state was read with: relative ones taken from the file's
 * directory, as the daemon takes them from its state file's. Left to the start, and said so:
 * whether the addresses are free (only binding tells), and the script checks when that variable
 * is not set here (the daemon's may differ). Stateless; the caller's thread.
 */
final class CtlFiles {

    private CtlFiles() {
    }

    /** Every problem of {@code state}'s files (read from {@code file}), by field path; empty when all load. */
    static List<String> problems(BalorState state, Path file, Path scriptDir) {
        List<ConfigProblem> problems = new ArrayList<>(CertificateFiles.problems(state.config()));
        try {
            ConsoleSettings console = ConsoleSettings.of(state, file);
            if (console.tls()) {
                CertificateStatus status = CertificateFiles.check(console.certFile(), console.keyFile());
                if (status.problem() != null) {
                    problems.add(new ConfigProblem(console.certPath(), status.problem()));
                }
            }
        } catch (InvalidConfigException e) {
            problems.addAll(e.problems());   // already refused by the content checks
        }
        if (scriptDir != null) {
            problems.addAll(ScriptChecks.problems(state.config(), scriptDir.toAbsolutePath()));
        }
        List<String> lines = new ArrayList<>();
        for (ConfigProblem problem : problems) {
            lines.add(problem.path() + ": " + problem.message());
        }
        return lines;
    }

    /** The line {@code validate} adds to a valid verdict: what was checked beyond the content, and what was not. */
    static String checked(Path file, Path scriptDir) {
        return "  files: every certificate, key and CA file it names loads (relative paths taken from "
                + file.toAbsolutePath().getParent() + ")" + (scriptDir != null ? "; every script check's program is in "
                + scriptDir.toAbsolutePath() : "")
                + "\n  left to balor's start: whether the listen addresses are free"
                + (scriptDir == null ? "; script checks' programs (set " + DaemonEnv.HEALTH_SCRIPT_DIR
                + " as balor has it to check them here)" : "");
    }
}
