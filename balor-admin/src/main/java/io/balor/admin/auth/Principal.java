package io.balor.admin.auth;

/**
 * Who an authenticated admin-API request acts for. Immutable.
 *
 * @param username  the user, or {@code BALOR_ADMIN_TOKEN} for the configured admin token (which
 *                  is not a user and cannot log in with a password)
 * @param role      what it may do
 * @param sessionId the session's id (the hash of its token; never the token), or null for the
 *                  admin token: what logout revokes
 */
public record Principal(String username, Role role, String sessionId) {

    /** The name audit records give the configured admin token. */
    public static final String ADMIN_TOKEN = "BALOR_ADMIN_TOKEN";
}
