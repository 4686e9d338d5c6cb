package io.balor.control;

import io.balor.config.Protocol;
import io.balor.net.Acceptor;
import io.balor.metrics.TrafficCounters;
import io.balor.proxy.SessionCounters;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A listener's bound socket and the counters of its sessions. It outlives config changes that
 * keep its address and protocol (even under another name or another spelling of the address),
 * so such a listener keeps its socket and its sessions. Sessions find their listener's config by
 * this object's identity. Created, matched and retired on the supervisor thread; the counters
 * are written by the loops (one shard each) and readable from any thread.
 */
final class BoundListener {

    final Protocol protocol;
    final Acceptor acceptor;
    final SessionCounters[] counters;
    /** Its request durations and client bytes, one shard per loop (the {@code counters} record into them). */
    final TrafficCounters traffic;
    /** The address as the config last wrote it; supervisor thread only. */
    String listen;

    BoundListener(String listen, Protocol protocol, Acceptor acceptor, int loops) {
        this.listen = listen;
        this.protocol = protocol;
        this.acceptor = acceptor;
        this.traffic = new TrafficCounters(loops);
        this.counters = new SessionCounters[loops];
        for (int i = 0; i < loops; i++) {
            counters[i] = new SessionCounters(traffic, i);
        }
    }

    /**
     * Whether a listener configured with {@code listen} ({@code wanted} once resolved) can keep
     * this socket: same protocol, and the same text or the same bound address (a wildcard
     * address matches the wildcard of either IP family; port 0 only matches its own text).
     */
    boolean fits(String text, InetSocketAddress wanted, Protocol wantedProtocol) {
        if (wantedProtocol != protocol) {
            return false;
        }
        if (listen.equals(text)) {
            return true;
        }
        InetSocketAddress local = acceptor.localAddress();
        if (wanted == null || wanted.isUnresolved() || wanted.getPort() == 0 || wanted.getPort() != local.getPort()) {
            return false;
        }
        InetAddress want = wanted.getAddress();
        InetAddress have = local.getAddress();
        return want.equals(have) || (want.isAnyLocalAddress() && have.isAnyLocalAddress());
    }
}
