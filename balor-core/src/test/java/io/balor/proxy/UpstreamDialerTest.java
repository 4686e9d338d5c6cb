package io.balor.proxy;

import io.balor.loop.IoHandler;
import io.balor.loop.OneLoopTest;
import io.balor.loop.LoopTasks;
import io.balor.loop.Timer;
import io.balor.metrics.TrafficCounters;
import io.balor.net.Connection;
import io.balor.upstream.Balancer;
import io.balor.upstream.Pool;
import io.balor.upstream.Upstream;
import io.balor.upstream.UpstreamError;
import io.balor.upstream.UpstreamHealth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link UpstreamDialer} on a real loop (manual ticker) against loopback: one socket that
 * listens, and ports that refuse. What each attempt counts, the failover order, and the end of a
 * dial when nothing is left.
 */
class UpstreamDialerTest extends OneLoopTest {

    private final SessionCounters counters = new SessionCounters();
    private final List<String> seen = new ArrayList<>();
    private ServerSocketChannel listening;
    private CompletableFuture<Connection> done;
    private UpstreamDialer dialer;
    private IoHandler handler;
    private Timer timer;
    private UpstreamDialer.Outcome outcome;

    @BeforeEach
    void setUp() throws IOException {
        listening = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        handler = new IoHandler() {
            @Override
            public void onReady(int readyOps) {
                dialer.finishConnect();
            }

            @Override
            public void onFailure(Throwable cause) {
                done.completeExceptionally(cause);
            }
        };
        timer = new Timer(() -> dialer.timedOut());
        outcome = new UpstreamDialer.Outcome() {
            @Override
            public void attempting(Upstream target) {
                seen.add(target.name());
            }

            @Override
            public void connected(Connection connection, UpstreamConnection upstream) {
                seen.add("connected");
                done.complete(connection);
            }

            @Override
            public void noSocket(String error) {
                seen.add("noSocket");
                done.complete(null);
            }

            @Override
            public void noUpstream(String error) {
                seen.add("noUpstream " + error);
                done.complete(null);
            }
        };
        dialer = UpstreamDialer.forTunnel(loop, counters, handler, timer, outcome, null);
    }

    @AfterEach
    void tearDown() throws IOException {
        listening.close();   // the loop's group is shut down after it (OneLoopTest)
    }

    @Test
    void aRefusedConnectCountsAndFailsOverToTheNextUntriedUpstream() throws Exception {
        Pool pool = pool(refused("a", 0), live("b", 1), refused("c", 2));
        Connection connection = dial(pool, pool.get(0));
        assertNotNull(connection);
        assertEquals(List.of("a", "b", "connected"), seen);
        assertEquals(1, counters.connectFailures());
        assertEquals(0, counters.unavailable());
        assertEquals(1, pool.get(0).traffic().connections());
        assertEquals(1, pool.get(0).traffic().connectFailures());
        assertEquals(1, pool.get(0).health().trafficFailures(), "passive health counts the refusal");
        assertEquals(1, pool.get(1).traffic().connections());
        assertEquals(0, pool.get(1).traffic().connectFailures());
        onLoop(connection::close);
    }

    @Test
    void whenEveryUpstreamRefusesEachIsTriedOnceThenNoUpstream() throws Exception {
        Pool pool = pool(refused("a", 0), refused("b", 1), refused("c", 2));
        assertNull(dial(pool, pool.get(1)));
        assertEquals(List.of("b", "c", "a", "noUpstream " + UpstreamError.CONNECT_REFUSED), seen);
        assertEquals(3, counters.connectFailures());
        assertEquals(1, counters.unavailable());
    }

    @Test
    void theMarksOfUpstreamsTriedStartAgainWithEachDial() throws Exception {
        Pool pool = pool(refused("a", 0), refused("b", 1));
        assertNull(dial(pool, pool.get(0)));
        assertNull(dial(pool, pool.get(0)));
        assertEquals(List.of("a", "b", "noUpstream " + UpstreamError.CONNECT_REFUSED,
                "a", "b", "noUpstream " + UpstreamError.CONNECT_REFUSED), seen);
        assertEquals(2, counters.unavailable());
    }

    @Test
    void anIneligibleUpstreamIsSkipped() throws Exception {
        Upstream disabled = new Upstream("p/c", "c", (InetSocketAddress) listening.getLocalAddress(), 1, false, 2);
        Pool pool = pool(refused("a", 0), refused("b", 1), disabled);
        assertNull(dial(pool, pool.get(0)));
        assertEquals(List.of("a", "b", "noUpstream " + UpstreamError.CONNECT_REFUSED), seen);
    }

    @Test
    void noPickEndsTheDialAtOnce() throws Exception {
        Pool pool = pool(live("a", 0));
        assertNull(dial(pool, null));
        assertEquals(List.of("noUpstream null"), seen);
        assertEquals(1, counters.unavailable());
        assertEquals(0, pool.get(0).traffic().connections());
    }

    @Test
    void aConnectThatTimesOutCountsAndFailsOver() throws Exception {
        Pool pool = pool(live("a", 0), live("b", 1));
        CompletableFuture<Connection> result = new CompletableFuture<>();
        done = result;
        boolean[] pending = new boolean[1];
        onLoop(() -> {
            dialer.dial(balancer(pool), pool.get(0), TimeUnit.SECONDS.toNanos(1));
            pending[0] = !result.isDone();
            if (pending[0]) {
                dialer.timedOut();   // what the session's timer does when the connect takes too long
            }
        });
        Connection connection = result.get(5, TimeUnit.SECONDS);
        if (!pending[0]) {
            onLoop(connection::close);
        }
        assumeTrue(pending[0], "this stack connected to loopback at once: no connect to time out");
        assertNotNull(connection);
        assertEquals(List.of("a", "b", "connected"), seen);
        assertEquals(1, pool.get(0).traffic().connectFailures());
        assertEquals(UpstreamError.CONNECT_TIMEOUT, pool.get(0).health().trafficError());
        onLoop(connection::close);
    }

    @Test
    void aPoolThatSendsTheProxyProtocolWritesTheHeaderFirstEvenAfterAFailover() throws Exception {
        // The session's client, as a PROXY header it accepted named it: what Balor's header names.
        Connection client = new Connection(java.nio.channels.SocketChannel.open());
        client.speaksFor(new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 5555),
                new InetSocketAddress(InetAddress.getByName("198.51.100.1"), 443));
        dialer = UpstreamDialer.forTunnel(loop, counters, handler, timer, outcome, client);
        for (int version : new int[] {1, 2, 2}) {   // the header is made once per version, then rewound
            Pool pool = new Pool("p", List.of(refused("a", 0), live("b", 1)), false, Pool.LISTENER, Pool.LISTENER,
                    null, TrafficCounters.NONE, version);
            Connection connection = dial(pool, pool.get(0));
            assertNotNull(connection);
            byte[] expected = version == 1
                    ? "PROXY TCP4 192.0.2.7 198.51.100.1 5555 443\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)
                    : new byte[] {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n', 0x21, 0x11, 0, 12,
                            (byte) 192, 0, 2, 7, (byte) 198, 51, 100, 1, 0x15, (byte) 0xb3, 0x01, (byte) 0xbb};
            try (java.nio.channels.SocketChannel accepted = listening.accept()) {
                accepted.socket().setSoTimeout(5_000);
                byte[] got = accepted.socket().getInputStream().readNBytes(expected.length);
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected, got, "version " + version);
            }
            onLoop(connection::close);
        }
        assertEquals(List.of("a", "b", "connected", "a", "b", "connected", "a", "b", "connected"), seen);
        client.close();
    }

    private Connection dial(Pool pool, Upstream first) throws Exception {
        CompletableFuture<Connection> result = new CompletableFuture<>();
        done = result;
        onLoop(() -> dialer.dial(balancer(pool), first, TimeUnit.SECONDS.toNanos(5)));
        return result.get(5, TimeUnit.SECONDS);
    }

    private void onLoop(Runnable task) throws Exception {
        LoopTasks.run(loop, task);
    }

    private Upstream live(String name, int index) throws IOException {
        return upstream(name, index, (InetSocketAddress) listening.getLocalAddress());
    }

    /** An upstream on a loopback port nothing listens on (bound, then closed). */
    private Upstream refused(String name, int index) throws IOException {
        InetSocketAddress address;
        try (ServerSocketChannel closed = ServerSocketChannel.open()) {
            closed.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            address = (InetSocketAddress) closed.getLocalAddress();
        }
        return upstream(name, index, address);
    }

    private Upstream upstream(String name, int index, InetSocketAddress address) {
        UpstreamHealth health = new UpstreamHealth(ticker);
        health.configure(100, TimeUnit.SECONDS.toNanos(10), false, 0);
        return new Upstream("p/" + name, name, address, 1, true, index,
                name.getBytes(java.nio.charset.StandardCharsets.US_ASCII), false, health, new TrafficCounters(1));
    }

    private static Pool pool(Upstream... upstreams) {
        return new Pool("p", List.of(upstreams));
    }

    private static Balancer balancer(Pool pool) {
        return new Balancer() {
            @Override
            public Upstream pick() {
                throw new AssertionError("the dialer does not ask the balancer again");
            }

            @Override
            public Pool pool() {
                return pool;
            }
        };
    }
}
