package io.balor.proxy;

/**
 * The waits of an {@link HttpSession} and what their ends do: between requests the keep-alive
 * timeout, while a head arrives the head timeout (408), during an exchange the exchange's own
 * ({@link HttpExchange#due()}). The session's one timer is armed for the earliest a wait can end;
 * activity moves most waits on, so a firing first checks the real due time and re-arms if it is
 * not yet. Part of its session; loop thread only.
 */
final class SessionClock {

    private final HttpSession s;

    SessionClock(HttpSession session) {
        this.s = session;
    }

    /** Arms the timer for {@code nanos} from now. */
    void arm(long nanos) {
        s.loop.timers().schedule(s.timer, s.loop.now() + nanos);
    }

    /** When the current wait ends (ticker time); a connect's timer fires when it was armed for. */
    private long due() {
        if (s.forwarding()) {
            return s.exchange.due();
        }
        if (s.idle()) {
            return s.state.unread() == 0
                    ? s.state.lastActivity + s.state.policy.keepAliveTimeoutNanos()
                    : (s.headSince >= 0 ? s.headSince : s.state.lastActivity) + s.state.policy.headTimeoutNanos();
        }
        return s.state.lastActivity + s.state.policy.bodyIdleTimeoutNanos();
    }

    /**
     * The timer is armed for the earliest a wait can end; activity moves most waits on, so a
     * firing first checks the real due time ({@link #due()}) and re-arms for it if not yet.
     */
    void onTimer() {
        if (s.closed) {
            return;
        }
        if (!s.active() || s.forwarding()) {   // a connect's timer fires when it was armed for
            long due = due();
            if (s.loop.now() - due < 0) {
                s.loop.timers().schedule(s.timer, due);
                return;
            }
        }
        if (s.active()) {
            s.exchange.timedOut(s.clientOut != null && s.clientOut.position() > 0);
        } else if (s.idle() && s.state.unread() > 0) {
            s.fail(408);
        } else {
            s.close();
        }
        try {
            s.advance();
        } catch (java.io.IOException e) {
            s.close();
        }
    }
}
