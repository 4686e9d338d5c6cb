package io.balor.control;

import io.balor.config.BalorConfig;
import io.balor.config.ConfigProblem;
import io.balor.config.HostPort;
import io.balor.config.InvalidConfigException;
import io.balor.config.ListenerConfig;
import io.balor.net.Acceptor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The first step of an apply: which listener sockets a new config keeps, which it must bind and
 * which it leaves behind. A socket is kept when a listener of the same name fits it, else when
 * any listener fits it (a renamed listener, two listeners swapping addresses); only then are new
 * sockets bound, so a config never fails on an address it already holds. Supervisor thread only.
 *
 * @param kept    by listener name, the sockets of every enabled listener (kept or new)
 * @param opened  the sockets bound by this step, not yet accepting
 * @param retired the old sockets no listener kept
 */
record ListenerSockets(Map<String, BoundListener> kept, List<BoundListener> opened, List<BoundListener> retired) {

    private static final int BACKLOG = 1024;

    /**
     * Matches and binds. On any bind failure the sockets bound here are closed and the config is
     * refused with every failing listener's path; the current sockets are untouched.
     */
    static ListenerSockets match(BalorConfig next, Map<String, BoundListener> current, int loops) {
        List<ListenerConfig> listeners = next.listeners();
        InetSocketAddress[] wanted = new InetSocketAddress[listeners.size()];
        BoundListener[] chosen = new BoundListener[listeners.size()];
        Set<BoundListener> claimed = new HashSet<>();
        for (int i = 0; i < listeners.size(); i++) {
            ListenerConfig listener = listeners.get(i);
            if (listener.enabled()) {
                wanted[i] = resolve(listener);
                BoundListener same = current.get(listener.name());
                if (same != null && same.fits(listener.listen(), wanted[i], listener.protocol())) {
                    chosen[i] = same;
                    claimed.add(same);
                }
            }
        }
        for (int i = 0; i < listeners.size(); i++) {
            ListenerConfig listener = listeners.get(i);
            for (BoundListener other : current.values()) {
                if (listener.enabled() && chosen[i] == null && !claimed.contains(other)
                        && other.fits(listener.listen(), wanted[i], listener.protocol())) {
                    chosen[i] = other;
                    claimed.add(other);
                }
            }
        }

        List<BoundListener> opened = new ArrayList<>();
        List<ConfigProblem> problems = new ArrayList<>();
        for (int i = 0; i < listeners.size(); i++) {
            ListenerConfig listener = listeners.get(i);
            if (!listener.enabled() || chosen[i] != null) {
                continue;
            }
            try {
                if (wanted[i] == null || wanted[i].isUnresolved()) {
                    throw new IOException("cannot resolve the host");
                }
                Acceptor acceptor = Acceptor.bind(wanted[i], BACKLOG);
                chosen[i] = new BoundListener(listener.listen(), listener.protocol(), acceptor, loops);
                opened.add(chosen[i]);
            } catch (IOException | RuntimeException e) {
                problems.add(new ConfigProblem("listeners[" + i + "].listen",
                        "cannot listen on " + listener.listen() + ": " + e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            for (BoundListener fresh : opened) {
                fresh.acceptor.close();
            }
            throw new InvalidConfigException(problems);
        }

        Map<String, BoundListener> kept = new LinkedHashMap<>();
        for (int i = 0; i < listeners.size(); i++) {
            if (chosen[i] != null) {
                chosen[i].listen = listeners.get(i).listen();
                kept.put(listeners.get(i).name(), chosen[i]);
            }
        }
        List<BoundListener> retired = new ArrayList<>();
        for (BoundListener old : current.values()) {
            if (!claimed.contains(old)) {
                retired.add(old);
            }
        }
        return new ListenerSockets(kept, opened, retired);
    }

    private static InetSocketAddress resolve(ListenerConfig listener) {
        HostPort address = HostPort.parseListen(listener.listen()).value();
        return address == null ? null : address.toSocketAddress();
    }
}
