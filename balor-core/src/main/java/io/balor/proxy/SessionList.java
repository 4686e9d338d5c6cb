package io.balor.proxy;

import java.util.function.Consumer;

/**
 * The live tunnels of one loop, as an intrusive list (no allocation per session), so the loop
 * can describe them, drain a listener's sessions or close them all. Loop thread only.
 */
public final class SessionList {

    private TcpTunnel head;
    private int size;
    private Runnable whenEmpty;

    void add(TcpTunnel tunnel) {
        tunnel.nextSession = head;
        tunnel.prevSession = null;
        if (head != null) {
            head.prevSession = tunnel;
        }
        head = tunnel;
        size++;
    }

    void remove(TcpTunnel tunnel) {
        if (tunnel.prevSession != null) {
            tunnel.prevSession.nextSession = tunnel.nextSession;
        } else if (head == tunnel) {
            head = tunnel.nextSession;
        } else {
            return;
        }
        if (tunnel.nextSession != null) {
            tunnel.nextSession.prevSession = tunnel.prevSession;
        }
        tunnel.prevSession = null;
        tunnel.nextSession = null;
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
    public void forEach(Consumer<TcpTunnel> action) {
        TcpTunnel tunnel = head;
        while (tunnel != null) {
            TcpTunnel following = tunnel.nextSession;
            action.accept(tunnel);
            tunnel = following;
        }
    }
}
