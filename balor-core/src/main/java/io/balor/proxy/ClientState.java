package io.balor.proxy;

import java.nio.ByteBuffer;

/**
 * What an {@link HttpExchange} reads and moves on of its client side, the same for every kind
 * of client ({@link HttpSession}, {@link StreamClient}): the buffer of the client's bytes and
 * where its unconsumed ones start, the policy and id of the current request, when the client
 * side last moved, and the byte counts each exchange's log line takes. Owned by the client
 * side's loop thread.
 */
final class ClientState {

    /** The client's bytes (the request head, then its body), or null when none wait. */
    ByteBuffer clientIn;
    /** Where the unconsumed bytes of {@code clientIn} start. */
    int clientInStart;
    /** The listener's policy as of the current request. */
    HttpPolicy policy;
    long requestId;
    /** When the client side last moved a byte (ticker time): where the body-idle timeout counts from. */
    long lastActivity;
    long bytesFromClient;
    /** Bytes read from upstreams by the exchanges given back so far. */
    long bytesFromUpstream;
    /** Bytes from and to the client when the previous exchange was logged (each exchange logs those since). */
    private long inLogged;
    private long outLogged;

    /** The client's bytes not yet consumed (0 when there is no buffer). */
    int unread() {
        return clientIn == null ? 0 : clientIn.position() - clientInStart;
    }

    /** Bytes from the client since the last call: what one exchange's log line counts. */
    long takeBytesFromClient() {
        long n = bytesFromClient - inLogged;
        inLogged = bytesFromClient;
        return n;
    }

    /** Bytes to the client ({@code total} so far, written or waiting) since the last call. */
    long takeBytesToClient(long total) {
        long n = total - outLogged;
        outLogged = total;
        return n;
    }

    /** Forgets the last client side's state, for a new one. */
    void reset() {
        clientIn = null;
        clientInStart = 0;
        policy = null;
        requestId = 0;
        lastActivity = 0;
        bytesFromClient = 0;
        bytesFromUpstream = 0;
        inLogged = 0;
        outLogged = 0;
    }
}
