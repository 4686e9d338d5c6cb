package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.admin.api.ConfigEdits.Section;
import io.balor.admin.http.ApiException;
import io.balor.admin.http.ApiRequest;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.ConsoleSettings;
import io.balor.admin.state.StateFile;
import io.balor.admin.state.StateFileException;
import io.balor.admin.state.StateStore;
import io.balor.config.ConfigProblem;
import io.balor.config.InvalidConfigException;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The one way the admin API changes listeners and pools: the {@link ConfigEdits} of a body, the
 * {@link ConfigRules} for the caller's role, and the store's apply-and-save with who and a
 * summary for the change history, answering a refusal as 400 (invalid), 403 (not the caller's to
 * make), 409 (valid, but the running Balor could not take it: nothing changed) or 500 (the state
 * file could not be written). Used by {@link ConfigApi} for one object, and by {@link HistoryApi}
 * and {@link ConfigTransferApi} for the whole set. Immutable; the API server's worker threads.
 */
final class ConfigChanges {

    private final AdminContext context;
    private final ConfigEdits edits;
    private final ConfigRules rules;

    ConfigChanges(AdminContext context) {
        this.context = context;
        this.edits = new ConfigEdits(context.store().file());
        this.rules = new ConfigRules(context.healthScriptDir(),
                List.of(context.certDir(), StateFile.directory(context.store().file())));
    }

    ConfigEdits edits() {
        return edits;
    }

    ConfigRules rules() {
        return rules;
    }

    /**
     * Applies and saves {@code change}, recorded in the history as the caller's with
     * {@code summary}; a refusal of the apply names the fields of the item {@code name} of
     * {@code section} (when given) relative to it, as a 400 does; else by their whole path.
     */
    StateStore.Applied apply(ApiRequest request, String summary, UnaryOperator<BalorState> change, Section section,
                             String name) {
        BalorState[] tried = new BalorState[1];
        try {
            return context.store().change(request.principal().username(), summary, state -> {
                try {
                    return tried[0] = change.apply(state);
                } catch (InvalidConfigException e) {
                    throw ProblemAnswers.invalid(e);   // invalid before any apply: 400
                }
            });
        } catch (InvalidConfigException e) {
            // valid but not applied (an address in use): 409
            InvalidConfigException shown = rules.hideOutsideFiles(e, tried[0] == null ? null : tried[0].config(),
                    request.principal());
            throw ProblemAnswers.notApplied(section == null || tried[0] == null ? shown
                    : ConfigEdits.relative(shown, section.key + "[" + edits.indexOf(tried[0], section, name) + "]"));
        } catch (StateFileException e) {
            throw ProblemAnswers.notSaved(e);
        }
    }

    /**
     * {@code before} with all its listeners and pools replaced by {@code listeners} and
     * {@code pools} (arrays in the state file's shape), if it is valid and {@link ConfigRules} let
     * the caller make it: the problems are named by their path in the whole set
     * ({@code listeners[1].listen}), every one of them.
     */
    BalorState replaceAll(ApiRequest request, BalorState before, JsonNode listeners, JsonNode pools) {
        List<ConfigProblem> problems = new ArrayList<>();
        missingKeys(Section.LISTENERS, listeners, problems);
        missingKeys(Section.POOLS, pools, problems);
        BalorState after;
        try {
            after = edits.replaceAll(before, listeners, pools);
        } catch (InvalidConfigException e) {
            for (ConfigProblem problem : e.problems()) {
                if (problems.stream().noneMatch(p -> p.path().equals(problem.path()))) {
                    problems.add(problem);
                }
            }
            throw ApiException.invalid(400, problems, "fix every field listed in problems and send the whole set again");
        }
        if (!problems.isEmpty()) {
            throw ApiException.invalid(400, problems, "each listener needs name and listen, each pool name and upstreams");
        }
        // The role first: an operator learns nothing of the script directory or of files outside.
        rules.checkCertificatePaths(before.config(), after.config(), request.principal(), null, consoleFiles(before));
        ConfigRules.checkAcmeChange(before.config(), after.config(), request.principal());
        for (PoolConfig pool : after.config().pools()) {
            ConfigRules.checkScriptChange(before.config().pool(pool.name()), pool, request.principal());
        }
        List<ConfigProblem> scripts = rules.scriptProblems(after.config());
        if (!scripts.isEmpty()) {
            throw ProblemAnswers.invalid(new InvalidConfigException(scripts));
        }
        List<ListenerConfig> all = after.config().listeners();
        for (int i = 0; i < all.size(); i++) {
            ConfigRules.checkListenerPools(after.config(), all.get(i).name(), "listeners[" + i + "].");
        }
        return after;
    }

    private static void missingKeys(Section section, JsonNode items, List<ConfigProblem> problems) {
        if (items == null || !items.isArray()) {
            return;   // the reader names it
        }
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).isObject()) {
                for (ConfigProblem missing : ConfigRules.missingKeys(section, items.get(i))) {
                    problems.add(new ConfigProblem(section.key + "[" + i + "]." + missing.path(), missing.message()));
                }
            }
        }
    }

    /** The admin console's certificate and key files in {@code state}, if it serves HTTPS. */
    List<Path> consoleFiles(BalorState state) {
        try {
            ConsoleSettings console = ConsoleSettings.of(state, context.store().file());
            return console.tls() ? List.of(console.certFile(), console.keyFile()) : List.of();
        } catch (InvalidConfigException e) {
            return List.of();   // not loadable, so not served either
        }
    }
}
