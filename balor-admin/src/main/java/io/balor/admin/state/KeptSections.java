package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.config.ConfigProblem;
import io.balor.config.Names;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks the kept top-level sections ({@link BalorState#extras()}) that this version uses itself,
 * for {@link StateReader}: {@code admin_console} ({@link ConsoleSettings}), {@code trace_sample}
 * (a whole number from 1 to 10000: the access log's sampling per 10,000) and the names of the
 * {@code certificates} ({@link Names}). {@code users} has its own reader; the rest are kept as
 * they are. Stateless.
 */
final class KeptSections {

    private KeptSections() {
    }

    /** Adds every problem of those sections of {@code extras} to {@code problems}, by path. */
    static void check(Map<String, JsonNode> extras, StateDirectory directory, StateProblems problems) {
        List<ConfigProblem> console = new ArrayList<>();
        ConsoleSettings.read(extras.get(ConsoleSettings.KEY), directory, console);
        console.forEach(problem -> problems.add(problem.path(), problem.message()));
        JsonNode sample = extras.get("trace_sample");
        if (sample != null && !sample.isNull() && (!sample.isIntegralNumber() || !sample.canConvertToInt()
                || sample.intValue() < 1 || sample.intValue() > 10_000)) {
            problems.add("trace_sample", "must be a whole number from 1 to 10000 (exchanges per 10,000 the access log"
                    + " keeps), was " + StateFields.describe(sample));
        }
        JsonNode certificates = extras.get("certificates");
        if (certificates != null && certificates.isArray()) {
            for (int i = 0; i < certificates.size(); i++) {
                JsonNode name = certificates.get(i).get("name");
                String problem = Names.problem(name == null || !name.isTextual() ? null : name.textValue());
                if (problem != null) {
                    problems.add("certificates[" + i + "].name", problem);
                }
            }
        }
    }
}
