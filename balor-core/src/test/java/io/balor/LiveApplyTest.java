package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.ConfigProblem;
import io.balor.config.InvalidConfigException;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.Timeouts;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link Balor#apply} on a running Balor: what changes, what keeps running, what is refused. */
class LiveApplyTest extends ApplyTestBase {

    @Test
    void addingAListenerLeavesTheSessionsOfAnotherAlone() throws Exception {
        TestServer echo = track(TestServer.echo());
        ListenerConfig first = ListenerConfig.tcp("first", "127.0.0.1:0", "echo");
        Balor balor = start(config("echo", List.of(first), UpstreamConfig.of(echo.address())));
        InetSocketAddress firstAddress = balor.boundAddress("first");

        try (Socket carrying = Clients.connect(firstAddress)) {
            assertEquals("before", Clients.roundTrip(carrying, "before"));
            long generation = balor.apply(config("echo",
                    List.of(first, ListenerConfig.tcp("second", "127.0.0.1:0", "echo")),
                    UpstreamConfig.of(echo.address())));

            assertEquals(2, generation);
            assertEquals(firstAddress, balor.boundAddress("first"), "an unchanged listener keeps its socket");
            try (Socket added = Clients.connect(balor.boundAddress("second"))) {
                assertEquals("added", Clients.roundTrip(added, "added"));
            }
            assertEquals("after", Clients.roundTrip(carrying, "after"));
        }
    }

    @Test
    void anInvalidConfigNamesEveryProblemAndChangesNothing() throws Exception {
        TestServer echo = track(TestServer.echo());
        BalorConfig good = config("echo", List.of(ListenerConfig.tcp("front", "127.0.0.1:0", "echo")),
                UpstreamConfig.of(echo.address()));
        Balor balor = start(good);
        InetSocketAddress front = balor.boundAddress("front");

        InvalidConfigException refused = assertThrows(InvalidConfigException.class, () -> balor.apply(new BalorConfig(
                List.of(ListenerConfig.tcp("front", "127.0.0.1:70000", "echo"),
                        ListenerConfig.tcp("front", "127.0.0.1:0", "nowhere"),
                        ListenerConfig.tcp("bad name", "localhost", "echo")),
                List.of(PoolConfig.of("echo", UpstreamConfig.of(echo.address(), 300),
                        UpstreamConfig.of("no-port"))))));

        assertEquals(List.of(
                "pools[0].upstreams[0].weight", "pools[0].upstreams[1].address",
                "listeners[0].listen", "listeners[1].pool", "listeners[1].name",
                "listeners[2].name", "listeners[2].listen"),
                refused.problems().stream().map(ConfigProblem::path).toList(), refused.getMessage());
        assertEquals(1, balor.generation());
        assertEquals(good, balor.config());
        assertEquals(front, balor.boundAddress("front"));
        try (Socket client = Clients.connect(front)) {
            assertEquals("still", Clients.roundTrip(client, "still"));
        }
    }

    @Test
    void aListenerThatCannotBindIsRefusedWithItsPathAndNothingChanges() throws Exception {
        TestServer echo = track(TestServer.echo());
        ServerSocket taken = track(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
        ListenerConfig front = ListenerConfig.tcp("front", "127.0.0.1:0", "echo");
        Balor balor = start(config("echo", List.of(front), UpstreamConfig.of(echo.address())));

        InvalidConfigException refused = assertThrows(InvalidConfigException.class, () -> balor.apply(config("echo",
                List.of(front, ListenerConfig.tcp("extra", "127.0.0.1:0", "echo"),
                        ListenerConfig.tcp("clash", "127.0.0.1:" + taken.getLocalPort(), "echo")),
                UpstreamConfig.of(echo.address()))));

        assertEquals("listeners[2].listen", refused.problems().get(0).path(), refused.getMessage());
        assertEquals(1, refused.problems().size());
        assertNull(balor.boundAddress("extra"), "the listener bound before the failure is closed again");
        assertEquals(1, balor.generation());
    }

    @Test
    void aRemovedListenerStopsAcceptingAndItsSessionsEndAtTheDrainDeadline() throws Exception {
        TestServer echo = track(TestServer.echo());
        ListenerConfig leaving = ListenerConfig.tcp("leaving", "127.0.0.1:0", "echo")
                .withTimeouts(Timeouts.DEFAULT.withDrain(Duration.ofSeconds(10)));
        Balor balor = start(config("echo", List.of(leaving), UpstreamConfig.of(echo.address())));
        InetSocketAddress address = balor.boundAddress("leaving");

        try (Socket inFlight = Clients.connect(address)) {
            assertEquals("one", Clients.roundTrip(inFlight, "one"));
            balor.apply(config("echo", List.of(), UpstreamConfig.of(echo.address())));

            assertNull(balor.boundAddress("leaving"));
            Await.until("the socket is closed", () -> refuses(address));
            ticker.advance(Duration.ofSeconds(9));
            assertEquals(1, balor.sessions().size());
            assertEquals("two", Clients.roundTrip(inFlight, "two"), "in-flight sessions run on while draining");

            ticker.advance(Duration.ofSeconds(2));
            Await.until("the drain deadline closes the session", () -> balor.sessions().isEmpty());
            assertEquals(-1, inFlight.getInputStream().read());
        }
    }

    @Test
    void aSessionIdleForTheIdleTimeoutIsClosed() throws Exception {
        TestServer echo = track(TestServer.echo());
        ListenerConfig front = ListenerConfig.tcp("front", "127.0.0.1:0", "echo")
                .withTimeouts(Timeouts.DEFAULT.withIdle(Duration.ofSeconds(60)));
        Balor balor = start(config("echo", List.of(front), UpstreamConfig.of(echo.address())));

        try (Socket client = Clients.connect(balor.boundAddress("front"))) {
            assertEquals("ping", Clients.roundTrip(client, "ping"));
            ticker.advance(Duration.ofSeconds(45));
            assertEquals("pong", Clients.roundTrip(client, "pong"));   // activity moves the deadline
            ticker.advance(Duration.ofSeconds(45));
            assertEquals(1, balor.sessions().size(), "90 s since the start, 45 s since the last bytes");

            ticker.advance(Duration.ofSeconds(16));
            Await.until("the idle session is closed", () -> balor.sessions().isEmpty());
            assertEquals(-1, client.getInputStream().read());
        }
    }

    @Test
    void editingAPoolKeepsSessionsAndSendsNewOnesToTheNewUpstreams() throws Exception {
        TestServer oldEcho = track(TestServer.echo());
        TestServer named = track(TestServer.named("new"));
        ListenerConfig front = ListenerConfig.tcp("front", "127.0.0.1:0", "pool");
        Balor balor = start(config("pool", List.of(front), UpstreamConfig.of(oldEcho.address())));

        try (Socket old = Clients.connect(balor.boundAddress("front"))) {
            assertEquals("old", Clients.roundTrip(old, "old"));
            balor.apply(config("pool", List.of(front), UpstreamConfig.of(named.address())));
            assertEquals("new", Clients.readAll(balor.boundAddress("front")));
            assertEquals("still old", Clients.roundTrip(old, "still old"));
        }
    }

    @Test
    void aConnectThatHangsTimesOutAndTheNextUpstreamIsTried() throws Exception {
        // A listening socket whose accept queue is full drops new SYNs: connects to it hang.
        ServerSocket full = track(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
        List<Socket> fillers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(full.getLocalSocketAddress(), 200);
                fillers.add(track(filler));
            } catch (IOException e) {
                filler.close();
                break;
            }
        }
        TestServer live = track(TestServer.named("live"));
        ListenerConfig front = ListenerConfig.tcp("front", "127.0.0.1:0", "pool");
        Balor balor = start(config("pool", List.of(front),
                UpstreamConfig.of("127.0.0.1:" + full.getLocalPort()), UpstreamConfig.of(live.address())));

        try (Socket client = Clients.connect(balor.boundAddress("front"))) {
            Await.until("the session is connecting", () -> balor.sessions().size() == 1);
            assertEquals("connecting", balor.sessions().get(0).state());
            ticker.advance(Duration.ofSeconds(6));
            assertNotNull(balor.sessions());   // wakes the loops, which see the new time
            assertEquals("live", Clients.readToEnd(client.getInputStream()));
        }
        assertEquals(1, balor.listenerStats().get(0).connectFailures());
    }

    private static boolean refuses(InetSocketAddress address) {
        try (Socket probe = new Socket()) {
            probe.connect(address, 1_000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
