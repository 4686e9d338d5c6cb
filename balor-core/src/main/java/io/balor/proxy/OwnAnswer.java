package io.balor.proxy;

import io.balor.http.HttpHead;

import java.nio.ByteBuffer;

/**
 * A request Balor answers itself instead of forwarding it: the seam on the request path after
 * the head is parsed and the listener's rate limit taken, before routing. A listener's policy
 * lists its answers ({@link HttpPolicy#answers()}); the first that {@link #answers} a request
 * writes the whole response, and the exchange ends without an upstream. Balor's own answers
 * by method are {@link MethodAnswers}; ACME's HTTP-01 challenge answers are {@link Http01Answers},
 * asked before the rate limits ({@link #beforeLimits()}).
 *
 * <p>Implementations are immutable or thread-safe (a policy is shared by every loop), called on
 * a loop thread, and allocate nothing for a request they let go.
 */
public interface OwnAnswer {

    /** What {@link #write} returns when the answer does not fit in the client's buffer (nothing written). */
    int NO_ROOM = -1;

    /**
     * Whether this answer is asked before the listener's rate limit (no limit holds it back)
     * rather than after it. Most are asked after: a limit counts them like any request.
     */
    default boolean beforeLimits() {
        return false;
    }

    /** Whether this is the request's answer; {@code in} holds the bytes the head's offsets index. */
    boolean answers(HttpHead request, ByteBuffer in);

    /**
     * Writes the whole response at {@code out}'s position and returns its status, or
     * {@link #NO_ROOM}. An answer of 400 or more closes the connection after it (it says
     * {@code Connection: close}); one below keeps it open unless {@code close}, which asks for
     * {@code Connection: close}.
     *
     * @param requestId the request's id, for error bodies
     */
    int write(HttpHead request, ByteBuffer in, ByteBuffer out, long requestId, boolean close);
}
