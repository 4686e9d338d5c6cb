package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The L4 tunnel on real sockets: integrity, half-close, backpressure, many sessions, limits. */
class TcpTunnelTest {

    private static final long MIB = 1024 * 1024;

    private final TestResources resources = new TestResources();

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private <T extends AutoCloseable> T track(T resource) {
        return resources.track(resource);
    }

    private Balor forwardTo(TestServer upstream, int maxConnections) {
        BalorConfig config = new BalorConfig(
                List.of(ListenerConfig.tcp("front", "127.0.0.1:0", "backends").withMaxConnections(maxConnections)),
                List.of(PoolConfig.of("backends", UpstreamConfig.of(upstream.address()))));
        return track(Balor.start(config, BalorOptions.defaults().withLoops(2)));
    }

    @Test
    void carries256MiBEachWayIntact() throws Exception {
        long size = 256 * MIB;
        CompletableFuture<String> upstreamReceived = new CompletableFuture<>();
        TestServer upstream = track(new TestServer(socket -> {
            CompletableFuture<String> sent = send(socket, size, 2);
            upstreamReceived.complete(digest(socket.getInputStream()));
            sent.join();
            socket.close();
        }));
        Balor balor = forwardTo(upstream, 0);

        try (Socket client = Clients.connect(balor.boundAddress("front"))) {
            CompletableFuture<String> clientSent = send(client, size, 1);
            String clientReceived = digest(client.getInputStream());
            assertEquals(expectedDigest(size, 1), clientSent.get(60, TimeUnit.SECONDS));
            assertEquals(expectedDigest(size, 2), clientReceived, "upstream to client");
            assertEquals(expectedDigest(size, 1), upstreamReceived.get(60, TimeUnit.SECONDS), "client to upstream");
        }
    }

    @Test
    void halfCloseFromTheClientLetsTheUpstreamAnswer() throws Exception {
        TestServer upstream = track(new TestServer(socket -> {
            byte[] request = socket.getInputStream().readAllBytes();   // until the client's FIN
            socket.getOutputStream().write(("got " + request.length + " bytes").getBytes(StandardCharsets.US_ASCII));
            socket.close();
        }));
        Balor balor = forwardTo(upstream, 0);
        try (Socket client = Clients.connect(balor.boundAddress("front"))) {
            client.getOutputStream().write(new byte[100_000]);
            client.shutdownOutput();
            assertEquals("got 100000 bytes", Clients.readToEnd(client.getInputStream()));
        }
    }

    @Test
    void halfCloseFromTheUpstreamLetsTheClientGoOnSending() throws Exception {
        TestServer upstream = track(new TestServer(socket -> {
            socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            byte[] rest = socket.getInputStream().readAllBytes();
            received.set(rest.length);   // the client cannot read an answer: its side is shut
            socket.close();
        }));
        Balor balor = forwardTo(upstream, 0);
        try (Socket client = Clients.connect(balor.boundAddress("front"))) {
            assertEquals("hello", Clients.readToEnd(client.getInputStream()));   // EOF arrives
            client.getOutputStream().write(new byte[50_000]);
            client.shutdownOutput();
            Await.until("the upstream got the bytes sent after its FIN", () -> received.get() == 50_000);
        }
    }

    private final AtomicLong received = new AtomicLong(-1);

    @Test
    void aClientThatNeverReadsHoldsAtMostTheHighWatermark() throws Exception {
        long size = 64 * MIB;
        AtomicLong pushed = new AtomicLong();
        TestServer upstream = track(new TestServer(socket -> {
            OutputStream out = socket.getOutputStream();
            byte[] chunk = new byte[64 * 1024];
            SplittableRandom random = new SplittableRandom(7);
            for (long sent = 0; sent < size; sent += chunk.length) {
                fill(random, chunk);
                out.write(chunk);
                pushed.addAndGet(chunk.length);
            }
            socket.close();
        }));
        Balor balor = forwardTo(upstream, 0);
        int high = BalorOptions.defaults().highWatermark();

        try (Socket client = Clients.connect(balor.boundAddress("front"))) {
            Await.until("Balor stops reading the upstream", () -> {
                List<SessionInfo> sessions = balor.sessions();
                return sessions.size() == 1 && sessions.get(0).upstreamReadPaused();
            });
            SessionInfo stalled = balor.sessions().get(0);
            assertTrue(stalled.bufferedToClient() <= high, stalled.toString());
            assertTrue(pushed.get() < size, "the upstream is held back too: " + pushed.get());

            MessageDigest sha = sha256();
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[1 << 20];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
                total += n;
                for (SessionInfo session : balor.sessions()) {
                    assertTrue(session.bufferedToClient() <= high, session.toString());
                }
            }
            assertEquals(size, total);
            assertEquals(expectedDigest(size, 7, 64 * 1024), HexFormat.of().formatHex(sha.digest()));
        }
    }

    @Test
    void twoThousandConcurrentSessions() throws Exception {
        int count = 2_000;
        TestServer upstream = track(TestServer.echo());
        Balor balor = forwardTo(upstream, 0);
        InetSocketAddress front = balor.boundAddress("front");
        List<Socket> clients = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                clients.add(Clients.connect(front));
            }
            for (int i = 0; i < count; i++) {
                clients.get(i).getOutputStream().write(("client-" + (10_000 + i)).getBytes(StandardCharsets.US_ASCII));
            }
            for (int i = 0; i < count; i++) {
                byte[] echoed = clients.get(i).getInputStream().readNBytes(12);
                assertEquals("client-" + (10_000 + i), new String(echoed, StandardCharsets.US_ASCII));
            }
            assertEquals(count, balor.sessions().size());
            assertEquals(count, balor.listenerStats().get(0).active());
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
        Await.until("every session ends", () -> balor.listenerStats().get(0).active() == 0);
        assertEquals(count, balor.listenerStats().get(0).accepted());
    }

    @Test
    void atTheConnectionLimitNewClientsWaitUntilASessionEnds() throws Exception {
        TestServer upstream = track(TestServer.echo());
        Balor balor = forwardTo(upstream, 2);
        InetSocketAddress front = balor.boundAddress("front");
        try (Socket first = Clients.connect(front); Socket second = Clients.connect(front)) {
            assertEquals("one", Clients.roundTrip(first, "one"));
            assertEquals("two", Clients.roundTrip(second, "two"));
            try (Socket third = Clients.connect(front)) {   // completes in the kernel's backlog
                third.getOutputStream().write("three".getBytes(StandardCharsets.US_ASCII));
                Await.until("the listener pauses", () -> balor.listenerStats().get(0).paused());
                assertEquals(2, balor.sessions().size());
                assertEquals(2, upstream.accepted());

                first.close();
                assertEquals("three", new String(third.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
                assertEquals(3, upstream.accepted());
            }
        }
    }

    /**
     * Sends {@code size} pseudo-random bytes from {@code seed} on another thread, then shuts the
     * socket's output; returns their SHA-256.
     */
    private static CompletableFuture<String> send(Socket socket, long size, long seed) {
        return CompletableFuture.supplyAsync(() -> {
            MessageDigest sha = sha256();
            SplittableRandom random = new SplittableRandom(seed);
            byte[] chunk = new byte[256 * 1024];
            try {
                OutputStream out = socket.getOutputStream();
                for (long sent = 0; sent < size; sent += chunk.length) {
                    fill(random, chunk);
                    sha.update(chunk);
                    out.write(chunk);
                }
                socket.shutdownOutput();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return HexFormat.of().formatHex(sha.digest());
        }, runnable -> {
            Thread thread = new Thread(runnable, "test-sender");
            thread.setDaemon(true);
            thread.start();
        });
    }

    private static String digest(InputStream in) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[256 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            sha.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String expectedDigest(long size, long seed) {
        return expectedDigest(size, seed, 256 * 1024);
    }

    private static String expectedDigest(long size, long seed, int chunkSize) {
        MessageDigest sha = sha256();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[chunkSize];
        for (long done = 0; done < size; done += chunk.length) {
            fill(random, chunk);
            sha.update(chunk);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void fill(SplittableRandom random, byte[] chunk) {
        for (int i = 0; i < chunk.length; i += 8) {
            long value = random.nextLong();
            for (int j = 0; j < 8; j++) {
                chunk[i + j] = (byte) (value >>> (8 * j));
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
