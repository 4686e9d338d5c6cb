package io.balor.admin.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * One admin-console user as the state file's {@code users} section keeps it. Immutable; any
 * thread. {@link #toString()} leaves the password hash out so a logged user never leaks it.
 *
 * @param username     1..{@value #MAX_USERNAME_LENGTH} characters of {@code A-Z a-z 0-9 . _ -}, a letter or digit first;
 *                     compared exactly (case-sensitive). The admin token's audit name
 *                     {@link Principal#ADMIN_TOKEN} is reserved, so no user can pose as the token
 * @param role         what the user may do
 * @param passwordHash a {@link PasswordHasher} string (PBKDF2, or the original Balor's Argon2id,
 *                     replaced at the first login), or one in another format that cannot be
 *                     verified until the password is reset
 * @param createdAt    when the user was created, or null if unknown (the original Balor did not
 *                     record it, and making one up on import would be a lie)
 */
public record User(String username, Role role, String passwordHash, Instant createdAt) {

    public static final int MAX_USERNAME_LENGTH = 64;

    public User {
        String problem = usernameProblem(username);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        Objects.requireNonNull(role, "role");
        if (passwordHash == null || passwordHash.isEmpty()) {
            throw new IllegalArgumentException("a user needs a password hash");
        }
    }

    /**
     * What is wrong with {@code username}, or null if it is a valid one: the rule of every name in
     * the admin API ({@link io.balor.config.Names}: {@code ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$}).
     */
    public static String usernameProblem(String username) {
        String problem = io.balor.config.Names.problem(username);
        if (problem != null) {
            return "a username is 1 to " + MAX_USERNAME_LENGTH + " letters, digits, '.', '_' or '-', starting with a"
                    + " letter or a digit" + (username == null || username.isEmpty() || username.length() > MAX_USERNAME_LENGTH
                    ? "" : ", was '" + username + "'");
        }
        if (username.equals(Principal.ADMIN_TOKEN)) {
            return "'" + Principal.ADMIN_TOKEN + "' is reserved: audit records use it for the admin token";
        }
        return null;
    }

    public User withRole(Role newRole) {
        return new User(username, newRole, passwordHash, createdAt);
    }

    public User withPasswordHash(String newHash) {
        return new User(username, role, newHash, createdAt);
    }

    @Override
    public String toString() {
        return "User[username=" + username + ", role=" + role.wire() + ", createdAt=" + createdAt + "]";
    }
}
