package io.balor.control;

import io.balor.config.ListenerConfig;
import io.balor.config.Protocol;
import io.balor.net.Acceptor;
import io.balor.proxy.SessionCounters;

/**
 * A listener's bound socket and the counters of its sessions. It outlives config changes that
 * keep its address and protocol, so such a listener keeps its socket and its sessions. Created
 * and retired by the supervisor thread; the counters are written by the loops (one shard each)
 * and readable from any thread.
 */
final class BoundListener {

    final String name;
    final String listen;
    final Protocol protocol;
    final Acceptor acceptor;
    final SessionCounters[] counters;

    BoundListener(ListenerConfig config, Acceptor acceptor, int loops) {
        this.name = config.name();
        this.listen = config.listen();
        this.protocol = config.protocol();
        this.acceptor = acceptor;
        this.counters = new SessionCounters[loops];
        for (int i = 0; i < loops; i++) {
            counters[i] = new SessionCounters();
        }
    }

    /** Whether {@code config} can keep this socket: same address, same protocol. */
    boolean fits(ListenerConfig config) {
        return listen.equals(config.listen()) && protocol == config.protocol();
    }
}
