package io.balor.admin.http;

/**
 * What a {@link Endpoint} does: turns a request that has passed routing, authentication, access,
 * media type and size checks into a response. Runs on one of the {@link ApiServer}'s worker
 * threads, one request at a time per call; several calls may run at once on different threads,
 * so an implementation keeps no unguarded mutable state.
 *
 * <p>Refuse with an {@link ApiException} (its status and JSON are sent as they are). Any other
 * runtime exception is a bug: the client gets a 500 without its message, the log gets the stack.
 */
@FunctionalInterface
public interface Handler {

    ApiResponse handle(ApiRequest request) throws ApiException;
}
