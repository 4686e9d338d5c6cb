package io.balor.admin.http;

import io.balor.admin.auth.Principal;

/**
 * Turns a request's credentials (a bearer token, a session cookie ...) into a {@link Principal}.
 * Called once per request on the {@link ApiServer}'s worker threads, several at once, so an
 * implementation is thread-safe; it should be quick (a lookup, not a password hash).
 *
 * <p>It runs before routing, for every request (so audit records of refused requests name who
 * sent them), and sees the method, path, query, headers and client address: not the body and not
 * path parameters ({@link ApiRequest#pathParams()} is empty). It never throws for missing or bad
 * credentials: it returns null, and the server answers 401 only if the route needs a principal.
 * It may throw an {@link ApiException} for other reasons (429 after too many bad tokens from one
 * address, say).
 */
@FunctionalInterface
public interface Authentication {

    /** The principal the request's credentials stand for, or null when it has none or they are invalid. */
    Principal authenticate(ApiRequest request) throws ApiException;

    /** Authentication that admits nobody: only {@link Access#PUBLIC} routes can be called. */
    static Authentication nobody() {
        return request -> null;
    }
}
