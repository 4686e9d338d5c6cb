package io.balor.config;

/** The rule for listener and pool names: they appear in URLs, metric labels and upstream ids. */
final class Names {

    static final int MAX_LENGTH = 64;

    private Names() {
    }

    static void check(String name, String path, Problems problems) {
        if (name == null || name.isEmpty()) {
            problems.add(path, "is required");
            return;
        }
        if (name.length() > MAX_LENGTH) {
            problems.add(path, "is longer than " + MAX_LENGTH + " characters");
            return;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.';
            if (!ok) {
                problems.add(path, "'" + name + "' may hold only letters, digits, '-', '_' and '.'");
                return;
            }
        }
    }
}
