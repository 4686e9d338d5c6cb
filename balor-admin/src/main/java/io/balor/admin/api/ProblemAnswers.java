package io.balor.admin.api;

import io.balor.admin.http.ApiException;
import io.balor.admin.state.SecretHeaders;
import io.balor.admin.state.StateFileException;
import io.balor.config.ConfigProblem;
import io.balor.config.InvalidConfigException;

import java.util.List;

/**
 * How the API answers a config that was refused or a state file that could not be written: the
 * first problem as {@code error} and {@code field}, every problem in {@code problems}. Stateless.
 */
final class ProblemAnswers {

    private ProblemAnswers() {
    }

    /** 400: the body (or what it does to the rest of the config) is invalid. */
    static ApiException invalid(InvalidConfigException e) {
        return ApiException.invalid(400, e.problems(), "fix every field listed in problems and send it again");
    }

    /**
     * 409: valid, but the running Balor could not take it; nothing changed. The hint is about what
     * the problems are about: an address in use ({@code listen}), a certificate, key or CA file
     * that does not load ({@code .cert_file}, {@code .key_file}, {@code .ca_file}), or both.
     */
    static ApiException notApplied(InvalidConfigException e) {
        boolean address = false;
        boolean file = false;
        for (ConfigProblem problem : e.problems()) {
            address |= problem.path().equals("listen") || problem.path().endsWith(".listen");
            file |= problem.path().endsWith("_file");
        }
        String hint = address && file ? "nothing was changed; free the addresses and fix the files that problems lists"
                : address ? "nothing was changed; free the address (another listener or program holds it) or listen"
                        + " on another one"
                : file ? "nothing was changed; the file must exist, be readable by balor and hold PEM (a certificate"
                        + " chain, leaf first, and the key that matches it); relative paths are taken from the state"
                        + " file's directory"
                : "nothing was changed; fix what problems lists";
        return ApiException.invalid(409, e.problems(), hint);
    }

    /**
     * 500: the state file could not be written, so nothing was applied (or, when only the final
     * rename failed, the runtime was put back).
     */
    static ApiException notSaved(StateFileException e) {
        return new ApiException(500, "the state file could not be written, so nothing was changed",
                "check the disk and the permissions of " + e.file(), null);
    }

    /**
     * 400: credential headers sent as {@value SecretHeaders#REDACTED} that have no running value
     * to keep (a new pool, or a header the pool does not have), each named by its path.
     */
    static ApiException redactedWithoutValue(List<SecretHeaders.Missing> missing) {
        List<ConfigProblem> problems = missing.stream().map(header -> new ConfigProblem(header.path(), "is \""
                + SecretHeaders.REDACTED + "\" but pool '" + header.pool() + "' has no such header whose value it"
                + " could keep")).toList();
        return ApiException.invalid(400, problems, SecretHeaders.HINT);
    }

    static List<ConfigProblem> one(String path, String message) {
        return List.of(new ConfigProblem(path, message));
    }
}
