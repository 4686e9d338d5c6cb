package io.balor.admin.migrate;

import io.balor.config.Names;

import java.util.HashSet;
import java.util.Set;

/**
 * The names given out in one section of a migrated file (listeners, pools, users or
 * certificates): each valid by this version's rule ({@link Names}) and unique. The original
 * checked neither, so a name is made valid (other characters become {@code -}, a leading one is
 * dropped, at most 64 characters) and, when taken, numbered ({@code web-2}). Not thread-safe:
 * one migration, the caller's thread.
 */
final class NameSet {

    private final Set<String> taken = new HashSet<>();

    /** Takes {@code wanted} when it is valid and free, else the nearest valid free name ({@code fallback} if nothing is left). */
    String take(String wanted, String fallback) {
        String base = valid(wanted == null ? "" : wanted);
        if (base.isEmpty()) {
            base = fallback;
        }
        String name = base;
        for (int n = 2; taken.contains(name); n++) {
            String suffix = "-" + n;
            name = base.substring(0, Math.min(base.length(), Names.MAX_LENGTH - suffix.length())) + suffix;
        }
        taken.add(name);
        return name;
    }

    /** {@code text} with what the rule refuses replaced or dropped; possibly empty. */
    static String valid(String text) {
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < text.length() && name.length() < Names.MAX_LENGTH; i++) {
            char c = text.charAt(i);
            boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (name.isEmpty() && !alphanumeric) {
                continue;
            }
            name.append(alphanumeric || c == '.' || c == '_' || c == '-' ? c : '-');
        }
        return name.toString();
    }
}
