package io.balor.config;

import java.util.ArrayList;
import java.util.List;

/** Collects the problems of one validation pass; confined to the thread that validates. */
final class Problems {

    private final List<ConfigProblem> list = new ArrayList<>();

    void add(String path, String message) {
        list.add(new ConfigProblem(path, message));
    }

    List<ConfigProblem> list() {
        return List.copyOf(list);
    }

    void throwIfAny() {
        if (!list.isEmpty()) {
            throw new InvalidConfigException(list);
        }
    }
}
