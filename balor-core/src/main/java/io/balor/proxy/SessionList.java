package io.balor.proxy;

import java.util.function.Consumer;

/**
 * The live sessions of one loop, as an intrusive list (no allocation per session), so the loop
 * can describe them, drain a listener's sessions or close them all. Loop thread only.
 */
public final class SessionList {

    private Session head;
    private int size;
    private Runnable whenEmpty;

    void add(Session session) {
        session.nextSession = head;
        session.prevSession = null;
        if (head != null) {
            head.prevSession = session;
        }
        head = session;
        size++;
    }

    void remove(Session session) {
        if (session.prevSession != null) {
            session.prevSession.nextSession = session.nextSession;
        } else if (head == session) {
            head = session.nextSession;
        } else {
            return;
        }
        if (session.nextSession != null) {
            session.nextSession.prevSession = session.prevSession;
        }
        session.prevSession = null;
        session.nextSession = null;
        size--;
        if (size == 0 && whenEmpty != null) {
            Runnable task = whenEmpty;
            whenEmpty = null;
            task.run();
        }
    }

    public int size() {
        return size;
    }

    /** Runs {@code task} once the list is empty: now if it is, else when the last session ends. */
    public void whenEmpty(Runnable task) {
        if (size == 0) {
            task.run();
        } else {
            whenEmpty = task;
        }
    }

    /** Calls {@code action} for each session; the action may close the session it is given. */
    public void forEach(Consumer<Session> action) {
        Session session = head;
        while (session != null) {
            Session following = session.nextSession;
            action.accept(session);
            session = following;
        }
    }
}
