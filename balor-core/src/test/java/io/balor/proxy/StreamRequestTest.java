package io.balor.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.balor.http.HttpLimits;
import io.balor.loop.IoHandler;
import io.balor.loop.OneLoopTest;
import io.balor.loop.LoopTasks;
import io.balor.metrics.TrafficCounters;
import io.balor.net.Connection;
import io.balor.upstream.Upstream;
import io.balor.upstream.UpstreamHealth;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * {@link StreamRequest} on a real loop and a shared {@link Http2Upstream} (its socket connected to
 * a loopback listener that never reads): what it tells the connection's wake-ups. Everything a
 * test does runs in one loop task, so the output is not flushed in between and its room is known.
 */
class StreamRequestTest extends OneLoopTest {

    StreamRequestTest() {
        super(8192);
    }

    @Test
    void aHeadThatFindsNoRoomIsNotWritableUntilThereIsRoomForIt() throws Exception {
        try (ServerSocketChannel listening = ServerSocketChannel.open()) {
            listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            InetSocketAddress address = (InetSocketAddress) listening.getLocalAddress();
            UpstreamHealth health = new UpstreamHealth(ticker);
            health.configure(100, TimeUnit.SECONDS.toNanos(10), false, 0);
            Upstream upstream = new Upstream("p/a", "a", address, 1, true, 0, new byte[] {'a'}, false, health,
                    new TrafficCounters(1));
            IoHandler ignore = new IoHandler() {
                @Override
                public void onReady(int readyOps) {
                }

                @Override
                public void onFailure(Throwable cause) {
                }
            };
            Random random = new Random(1);
            onLoop(() -> {
                try {
                    SocketChannel channel = SocketChannel.open(address);
                    channel.configureBlocking(false);
                    Connection connection = new Connection(channel);
                    connection.register(loop, ignore, 0);
                    Http2Upstreams registry = new Http2Upstreams(loop, HttpLimits.DEFAULT, TimeUnit.SECONDS.toNanos(60));
                    UpstreamStream s = registry.adopt(connection, upstream, null, null, ignore);
                    // Heads of about 2 KiB (a value HPACK cannot index twice) until one finds no room in the output.
                    while (s.write(head(random)) > 0) {
                        s = registry.open(upstream, null, null, ignore);
                        assertNotNull(s);
                    }
                    assertTrue(s.owner().h2().writable(s.stream) > 0, "room for DATA, not for the head");
                    // Were it writable, its exchange, woken for writing, would write nothing and ask again: a busy loop.
                    assertFalse(s.request.canWrite(), "a head waiting for room is not writable");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    private static ByteBuffer head(Random random) {
        StringBuilder value = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            value.append((char) ('a' + random.nextInt(26)));
        }
        return ByteBuffer.wrap(("GET /x HTTP/1.1\r\nHost: a\r\nX-Big: " + value + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    private void onLoop(Runnable task) throws Exception {
        LoopTasks.run(loop, task);
    }
}
