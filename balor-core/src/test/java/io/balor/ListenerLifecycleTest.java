package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.InvalidConfigException;
import io.balor.config.ListenerConfig;
import io.balor.config.Timeouts;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/** Listener sockets across applies and close: reuse, re-binding, drain deadlines on the ticker. */
class ListenerLifecycleTest extends ApplyTestBase {

    /** A port on 127.0.0.1 that was free a moment ago (bound on port 0 and released). */
    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /**
     * Supervisor.doClose waits for the drain with CountDownLatch.await(longest drain) in real
     * time, ignoring the ticker (retire() drains on the loop's ticker-driven timers), and the
     * caller waits for doClose only WAIT_SECONDS (30 s) in Supervisor.call: with a drain of 30 s
     * or more and one session still open, close() throws "the event loops did not answer within
     * 30 s" and then shuts the loops down under the still-running doClose.
     */
    @Test
    void closeDrainsOnTheTickerAndDoesNotTimeOut() throws Exception {
        TestServer echo = track(TestServer.echo());
        ListenerConfig front = ListenerConfig.tcp("front", "127.0.0.1:0", "echo")
                .withTimeouts(Timeouts.DEFAULT.withDrain(Duration.ofSeconds(40)));
        Balor balor = start(config("echo", List.of(front), UpstreamConfig.of(echo.address())));

        try (Socket client = Clients.connect(balor.boundAddress("front"))) {
            assertEquals("open", Clients.roundTrip(client, "open"));
            CompletableFuture<Void> closing = CompletableFuture.runAsync(balor::close, runnable -> {
                Thread thread = new Thread(runnable, "test-close");
                thread.setDaemon(true);
                thread.start();
            });
            // Until close returns: move the ticker past the drain and wake the session's loop
            // (which reads the new time) by sending a byte; close has not yet armed its drain
            // timers the first time round, perhaps.
            Await.until("close() returns once the ticker passes the drain", Duration.ofSeconds(15), () -> {
                ticker.advance(Duration.ofSeconds(41));
                try {
                    client.getOutputStream().write('x');
                } catch (IOException closedAlready) {
                    // the session was closed: close() is about to return
                }
                return closing.isDone();
            });
            closing.join();
        }
    }

    /**
     * BoundListener.fits compares the listen strings, and doApply binds new sockets before it
     * retires old ones: a listener whose address is spelled differently but is the same socket
     * (here "127.0.0.1:0" becoming the port it got) is re-bound on an address it still holds,
     * and the whole config is refused with EADDRINUSE.
     */
    @Test
    void respellingAListenersAddressKeepsItsSocket() throws Exception {
        TestServer echo = track(TestServer.echo());
        ListenerConfig front = ListenerConfig.tcp("front", "127.0.0.1:0", "echo");
        Balor balor = start(config("echo", List.of(front), UpstreamConfig.of(echo.address())));
        InetSocketAddress bound = balor.boundAddress("front");

        try {
            balor.apply(config("echo", List.of(front.withListen("127.0.0.1:" + bound.getPort())),
                    UpstreamConfig.of(echo.address())));
        } catch (InvalidConfigException e) {
            fail("the same address in other words is refused: " + e.getMessage());
        }
        assertEquals(bound, balor.boundAddress("front"));
    }

    /** The same as above for a renamed listener (or two listeners swapping addresses). */
    @Test
    void renamingAListenerKeepsItsAddress() throws Exception {
        TestServer echo = track(TestServer.echo());
        String listen = "127.0.0.1:" + freePort();
        Balor balor = start(config("echo", List.of(ListenerConfig.tcp("old-name", listen, "echo")),
                UpstreamConfig.of(echo.address())));

        try {
            balor.apply(config("echo", List.of(ListenerConfig.tcp("new-name", listen, "echo")),
                    UpstreamConfig.of(echo.address())));
        } catch (InvalidConfigException e) {
            fail("renaming a listener is refused: " + e.getMessage());
        }
        try (Socket client = Clients.connect(balor.boundAddress("new-name"))) {
            assertEquals("renamed", Clients.roundTrip(client, "renamed"));
        }
    }

    /** A drain beyond seven days is refused up front, like the other timeouts. */
    @Test
    void aDrainBeyondSevenDaysIsRefused() {
        ListenerConfig leaving = ListenerConfig.tcp("leaving", "127.0.0.1:0", "echo")
                .withTimeouts(Timeouts.DEFAULT.withDrain(Duration.ofDays(365L * 1_000)));
        InvalidConfigException refused = assertThrows(InvalidConfigException.class,
                () -> config("echo", List.of(leaving), UpstreamConfig.of("127.0.0.1:9")));
        assertEquals("listeners[0].timeouts.drain", refused.problems().get(0).path());
    }

    /**
     * Acceptor.close() only posts the close to the accept loop, and a registered channel's
     * socket is only really closed when that loop next selects; apply() returns before either.
     * An apply that re-adds the listener on the same port right after removing it races that
     * close and can be refused with EADDRINUSE.
     */
    @Test
    void reAddingARemovedListenerOnItsPortRightAwayWorks() throws Exception {
        TestServer echo = track(TestServer.echo());
        String listen = "127.0.0.1:" + freePort();
        BalorConfig with = config("echo", List.of(ListenerConfig.tcp("front", listen, "echo")),
                UpstreamConfig.of(echo.address()));
        BalorConfig without = config("echo", List.of(), UpstreamConfig.of(echo.address()));
        Balor balor = start(with);
        for (int i = 0; i < 200; i++) {
            balor.apply(without);
            try {
                balor.apply(with);
            } catch (InvalidConfigException e) {
                fail("round " + i + ": re-adding the listener was refused: " + e.getMessage());
            }
        }
    }
}
