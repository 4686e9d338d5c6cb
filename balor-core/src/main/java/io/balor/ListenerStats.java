package io.balor;

/**
 * Counters of one listener, summed over the event loops at the time of the call.
 *
 * @param name            the listener
 * @param address         where it is bound ({@code ip:port}), or null when it is not
 * @param accepted        connections accepted since it was bound
 * @param active          sessions open now
 * @param connectFailures upstream connects that failed (refused, reset or timed out); each
 *                        failure moves on to the next upstream
 * @param unavailable     sessions closed (L4) or requests answered 502 (L7) because no upstream
 *                        could be reached
 * @param retries         HTTP requests sent again on a new connection after a kept-alive one
 *                        turned out closed
 * @param paused          the listener is at its connection limit and has stopped accepting
 * @param rateLimited     requests answered 429 (L7) or new connections closed (L4) by a rate limit
 * @param requests        HTTP responses sent (0 on a TCP listener)
 */
public record ListenerStats(String name, String address, long accepted, long active,
                            long connectFailures, long unavailable, long retries, boolean paused,
                            long rateLimited, long requests) {
}
