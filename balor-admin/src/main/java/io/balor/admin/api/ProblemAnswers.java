package io.balor.admin.api;

import io.balor.admin.http.ApiException;
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

    /** 409: valid, but the running Balor could not take it (an address in use, say); nothing changed. */
    static ApiException notApplied(InvalidConfigException e) {
        return ApiException.invalid(409, e.problems(), "nothing was changed; free the address or change the config");
    }

    /** 500: applied, but the state file could not be written; the runtime was put back. */
    static ApiException notSaved(StateFileException e) {
        return new ApiException(500, "the state file could not be written, so nothing was changed",
                "check the disk and the permissions of " + e.file(), null);
    }

    static List<ConfigProblem> one(String path, String message) {
        return List.of(new ConfigProblem(path, message));
    }
}
