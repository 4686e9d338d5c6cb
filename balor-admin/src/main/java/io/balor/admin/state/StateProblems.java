package io.balor.admin.state;

import io.balor.config.ConfigProblem;
import io.balor.config.InvalidConfigException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Collects the problems of reading one state document: first those found while reading the
 * JSON (types, unknown keys), then those {@link io.balor.config.BalorConfig} finds in the values.
 * A value that could not be read is replaced by a neutral one so validation can go on; the
 * config's complaints about such a field (or anything under it) are dropped, since the reader
 * already named the real problem there. Confined to the thread that reads.
 */
final class StateProblems {

    private final List<ConfigProblem> read = new ArrayList<>();
    private final List<ConfigProblem> validated = new ArrayList<>();

    /** A problem found while reading the JSON at {@code path}. */
    void add(String path, String message) {
        read.add(new ConfigProblem(path, message));
    }

    /** An unknown key: a typo must never be silently ignored. */
    void unknownKey(String path, String key, Collection<String> known) {
        String closest = closest(key, known);
        add(path, closest != null
                ? "unknown key (did you mean '" + closest + "'?)"
                : "unknown key (known here: " + String.join(", ", known) + ")");
    }

    /** The problems {@link io.balor.config.BalorConfig} found, with their paths in JSON key names. */
    void addValidation(List<ConfigProblem> problems) {
        for (ConfigProblem problem : problems) {
            String path = jsonPath(problem.path());
            if (!coveredByReadProblem(path)) {
                validated.add(new ConfigProblem(path, problem.message()));
            }
        }
    }

    int size() {
        return read.size();
    }

    boolean isEmpty() {
        return read.isEmpty() && validated.isEmpty();
    }

    void throwIfAny() {
        if (!isEmpty()) {
            List<ConfigProblem> all = new ArrayList<>(read);
            all.addAll(validated);
            throw new InvalidConfigException(all);
        }
    }

    private boolean coveredByReadProblem(String path) {
        for (ConfigProblem problem : read) {
            String at = problem.path();
            if (path.equals(at) || (path.startsWith(at)
                    && (path.charAt(at.length()) == '.' || path.charAt(at.length()) == '['))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The config records name timeouts {@code connect}, {@code head} and
     * {@code handshake_timeout}; the file says {@code connect_ms}, {@code head_ms} and
     * {@code handshake_timeout_ms}. Every other path is already in the file's names.
     */
    static String jsonPath(String configPath) {
        if (configPath.endsWith(".tls.handshake_timeout")) {
            return configPath + "_ms";
        }
        for (String timeout : new String[] {"connect", "idle", "drain", "upstream_response"}) {
            if (configPath.endsWith(".timeouts." + timeout)) {
                return configPath + "_ms";
            }
        }
        for (String timeout : new String[] {"head", "keep_alive", "body_idle", "upstream_response"}) {
            if (configPath.endsWith(".http_timeouts." + timeout)) {
                return configPath + "_ms";
            }
        }
        return configPath;
    }

    /** The known key within edit distance 2 of {@code key} or that adds a unit to it ({@code idle_ms}), or null. */
    private static String closest(String key, Collection<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : known) {
            int distance = candidate.startsWith(key + "_") ? 1 : distance(key, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** Levenshtein distance; keys are short. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
