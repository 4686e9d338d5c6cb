package io.balor.config;

/**
 * The rule for listener and pool names: they appear in URLs, metric labels and upstream ids, so
 * they are {@code ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$}: a letter or digit first (no {@code .},
 * {@code ..} or a leading {@code -} that a path or a command line would read otherwise), then up
 * to 63 letters, digits, {@code .}, {@code _} or {@code -}. The admin API uses the same rule for
 * users and certificates ({@link #problem}). Stateless.
 */
public final class Names {

    public static final int MAX_LENGTH = 64;

    private Names() {
    }

    /** Why {@code name} breaks the rule, or null when it follows it. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "is required";
        }
        if (name.length() > MAX_LENGTH) {
            return "is longer than " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (i == 0 && !alphanumeric) {
                return "'" + name + "' must start with a letter or a digit";
            }
            if (!alphanumeric && c != '-' && c != '_' && c != '.') {
                return "'" + name + "' may hold only letters, digits, '.', '_' and '-'";
            }
        }
        return null;
    }

    static void check(String name, String path, Problems problems) {
        String problem = problem(name);
        if (problem != null) {
            problems.add(path, problem);
        }
    }
}
