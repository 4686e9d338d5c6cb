package io.balor.config;

/**
 * One thing wrong with a configuration: the field it is about, as a path from the top of the
 * config ({@code listeners[1].listen}), and what is wrong with it.
 */
public record ConfigProblem(String path, String message) {

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
