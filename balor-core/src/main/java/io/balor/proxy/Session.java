package io.balor.proxy;

import io.balor.SessionInfo;
import io.balor.net.Acceptor;

/**
 * One client connection and what Balor does with it: an L4 {@link TcpTunnel} or an L7
 * {@link HttpSession}. Owned by one loop's thread from start to close; linked into that loop's
 * {@link SessionList} while it lives, and counted by its listener's {@link Acceptor} until it
 * ends (a session that hands its sockets over, as HTTP does to a WebSocket tunnel, hands that
 * count over too).
 */
public abstract class Session {

    /** Links for the loop's {@link SessionList}. */
    Session prevSession;
    Session nextSession;

    final Acceptor acceptor;
    final SessionList sessions;
    boolean closed;

    Session(Acceptor acceptor, SessionList sessions) {
        this.acceptor = acceptor;
        this.sessions = sessions;
    }

    /** The acceptor of the listener this session came from. */
    public final Acceptor acceptor() {
        return acceptor;
    }

    /**
     * Closes every socket of the session and gives back what it holds; safe to call twice. The
     * listener counts the session as ended.
     */
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        releaseAll();
        sessions.remove(this);
        acceptor.sessionEnded();
    }

    /** Closes the sockets, cancels the timers and returns the buffers. Called once, by {@link #close()}. */
    abstract void releaseAll();

    /**
     * Lets go of the session without closing its sockets or ending it for its listener: another
     * session took them over and counts as the listener's session from now on.
     */
    final void handedOver() {
        closed = true;
        sessions.remove(this);
    }

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
