package io.balor.admin.auth;

import java.util.Locale;

/**
 * What an admin-API caller may do, from most to least: {@code admin} everything; {@code operator}
 * creates, changes, drains and deletes listeners and pools and reads everything but users and
 * secrets; {@code viewer} only reads (not users, not secrets). Constants; any thread.
 */
public enum Role {
    ADMIN, OPERATOR, VIEWER;

    /** The name the API and the state file use: {@code admin}, {@code operator}, {@code viewer}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code text} (as {@link #wire()} writes it), or null if none is. */
    public static Role parse(String text) {
        for (Role role : values()) {
            if (role.wire().equals(text)) {
                return role;
            }
        }
        return null;
    }

    /** Whether this role may do what {@code needed} may (admin ⊇ operator ⊇ viewer). */
    public boolean covers(Role needed) {
        return ordinal() <= needed.ordinal();
    }
}
