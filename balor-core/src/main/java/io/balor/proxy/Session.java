package io.balor.proxy;

import io.balor.SessionInfo;
import io.balor.net.Acceptor;

/**
 * One downstream connection and what Balor does with it: an L4 {@link TcpTunnel} or an L7
 * {@link HttpSession}. Owned by one loop's thread from start to close; linked into that loop's
 * {@link SessionList}.
 */
public abstract class Session {

    /** Links for the loop's {@link SessionList}. */
    Session prevSession;
    Session nextSession;

    /** The acceptor of the listener this session came from. */
    public abstract Acceptor acceptor();

    /** Closes every socket of the session and gives back what it holds; safe to call twice. */
    public abstract void close();

    /**
     * Its listener is draining: finish what is in flight, start nothing new. A tunnel runs on
     * until its end or the drain deadline; an HTTP session closes now if it is between requests,
     * else after the current response (which says {@code Connection: close}).
     */
    public void drain() {
    }

    /** A description for {@link io.balor.Balor#sessions()}. */
    public abstract SessionInfo describe();
}
