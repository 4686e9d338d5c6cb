package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Recognises a state file of the original Balor (0.1.3), which this version does not load as it
 * is: its {@code listeners} and {@code users} are objects keyed by UUID where this version's are
 * arrays. Such a file is refused with one line saying what it is and which command converts it
 * ({@code balorctl migrate}), and left as it was. Stateless.
 */
public final class OriginalFormat {

    private OriginalFormat() {
    }

    /** Whether {@code root} is an original Balor state document. */
    public static boolean isOriginal(JsonNode root) {
        return root != null && root.isObject() && !root.has("version")
                && (root.path("listeners").isObject() || root.path("users").isObject());
    }

    /** The line that says so, for the state file {@code file}. */
    public static String refusal(java.nio.file.Path file) {
        return "is a state file of the original Balor 0.1.3 (listeners and users keyed by id); convert it with:"
                + " balorctl migrate " + file + " (see the README's migration section)";
    }
}
