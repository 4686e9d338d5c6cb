package io.balor.health;

import io.balor.upstream.Upstream;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/** Healthy when a TCP connect to the upstream's address completes within the timeout. Stateless. */
final class TcpProbe implements Probe {

    @Override
    public String run(Upstream upstream, long timeoutNanos) {
        if (upstream.address().isUnresolved()) {
            return "unresolved host " + upstream.address().getHostString();
        }
        try (Socket socket = new Socket()) {
            socket.connect(upstream.address(), millis(timeoutNanos));
            return null;
        } catch (IOException e) {
            return Probe.reason("connect", e);
        }
    }

    /** A socket timeout in whole milliseconds, at least 1 (0 would mean none). */
    static int millis(long nanos) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(nanos)));
    }
}
