package io.balor.admin.auth;

/**
 * What {@link Authenticator#login} decided. Immutable; any thread. The admin API maps each to a
 * response: {@link Ok} 200 with the token, {@link BadCredentials} and {@link UnsupportedHash} the
 * same 401 (the client must not learn which, nor whether the user exists), {@link Throttled} 429
 * and {@link Busy} 503, both with {@code Retry-After}.
 */
public sealed interface LoginResult {

    /** What a client is told for a wrong username or password, and for an unsupported hash. */
    String BAD_CREDENTIALS = "wrong username or password";

    /** Logged in. */
    record Ok(SessionStore.Issued issued) implements LoginResult {
    }

    /** No such user, or the wrong password. */
    record BadCredentials() implements LoginResult {
    }

    /**
     * The user exists but its password hash is in a format this version cannot verify (not PBKDF2,
     * not the original Balor's Argon2id): tell the client {@link #BAD_CREDENTIALS}; the authenticator has
     * logged that an admin must reset this user's password with balorctl.
     */
    record UnsupportedHash(String username) implements LoginResult {
    }

    /** Too many failures for this user or address: try again in {@code retryAfterSeconds}. */
    record Throttled(long retryAfterSeconds) implements LoginResult {
    }

    /** Every hashing permit was taken for the whole wait: try again in {@code retryAfterSeconds}. */
    record Busy(long retryAfterSeconds) implements LoginResult {
    }
}
