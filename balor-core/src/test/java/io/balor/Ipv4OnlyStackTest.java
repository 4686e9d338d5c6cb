package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs in its own JVM with {@code -Djava.net.preferIPv4Stack=true} (a surefire execution of its
 * own in this module's pom): an IPv6 upstream is then an address the stack cannot use at all.
 */
class Ipv4OnlyStackTest {

    private Balor balor;

    @AfterEach
    void close() {
        if (balor != null) {
            balor.close();
        }
    }

    /**
     * TcpTunnel.connectNext (now UpstreamDialer.attempt) caught IOException,
     * UnresolvedAddressException and SecurityException only. SocketChannel.connect throws UnsupportedAddressTypeException (a RuntimeException) for
     * an IPv6 upstream on an IPv4-only stack (-Djava.net.preferIPv4Stack=true, or a host without
     * IPv6). From start() it escapes into EventLoop.runTasks, which logs it: the session stays in
     * the SessionList as "connecting" forever with no timer armed, the client is never closed and
     * the acceptor's active count never goes down (a listener with max_connections eventually
     * stops accepting for good). From onConnectTimeout it escapes TimerWheel.expire and kills the
     * loop thread. Run with: mvn ... test -Dtest=ReviewFindingsTest -DargLine=-Djava.net.preferIPv4Stack=true
     */
    @Test
    void anUpstreamAddressTheStackCannotUseCountsAsAFailedConnect() throws Exception {
        assumeTrue(Boolean.getBoolean("java.net.preferIPv4Stack"), "needs -Djava.net.preferIPv4Stack=true");
        balor = Balor.start(new BalorConfig(List.of(ListenerConfig.tcp("front", "127.0.0.1:0", "pool")),
                List.of(PoolConfig.of("pool", UpstreamConfig.of("[::1]:9")))), BalorOptions.defaults().withLoops(1));
        try (Socket client = Clients.connect(balor.boundAddress("front"))) {
            client.setSoTimeout(5_000);
            try {
                assertEquals(-1, client.getInputStream().read(), "no upstream: the client is closed");
            } catch (java.net.SocketTimeoutException e) {
                fail("the session hangs: " + balor.sessions());
            }
        }
        Await.until("the session has ended", () -> balor.listenerStats().get(0).active() == 0);
        assertEquals(1, balor.listenerStats().get(0).unavailable());
    }
}
