package io.balor.net;

import io.balor.loop.EventLoop;
import io.balor.loop.IoHandler;
import io.balor.loop.LoopGroup;
import io.balor.time.ManualTicker;
import io.balor.tls.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handshake's CPU work runs on the loop group's handshake workers, not on the loop: with a
 * worker executor that holds the work, a connection whose handshake waits on it does not stop
 * the loop from serving an established connection, and finishes once the work is let go. Real
 * JDK TLS clients over loopback, a TLS echo on one loop.
 */
class TlsHandshakeWorkersTest {

    private static final long WAIT_SECONDS = 10;

    private final BlockingQueue<Runnable> held = new LinkedBlockingQueue<>();
    private final AtomicInteger handedOut = new AtomicInteger();
    private volatile boolean holding;
    private final Executor workers = work -> {
        handedOut.incrementAndGet();
        if (holding) {
            held.add(work);
        } else {
            new Thread(work, "test-handshake-worker").start();
        }
    };
    private final LoopGroup group = new LoopGroup(1, new ManualTicker(), 16 * 1024, 4, workers);
    private final EventLoop loop = group.get(0);
    private ServerSocketChannel server;
    private SSLContext serverContext;
    private SSLContext clientContext;
    private volatile SSLEngine lastEngine;
    private volatile Connection lastConnection;

    @BeforeEach
    void setUp() throws Exception {
        TestPki ca = TestPki.ca("handshake-workers CA");
        TestPki.Leaf leaf = ca.issue("localhost");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("leaf", leaf.keyPair().getPrivate(), new char[0],
                leaf.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, new char[0]);
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keyManagers.getKeyManagers(), null, null);

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, trust.getTrustManagers(), null);

        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void tearDown() throws IOException {
        holding = false;
        held.forEach(Runnable::run);
        server.close();
        group.shutdown(5_000);
    }

    @Test
    void aHandshakeWaitingOnItsWorkDoesNotStopTheLoopServingOthers() throws Exception {
        SSLSocket first = connectAndServe(new CountDownLatch(1)).done().join();
        assertEcho(first, "before");
        int before = handedOut.get();
        assertTrue(before > 0, "the first handshake's work went to the workers");

        holding = true;
        CompletableFuture<SSLSocket> second = connectAndServe(new CountDownLatch(1)).done();
        Runnable work = held.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(work, "the second handshake handed its work out");
        assertFalse(second.isDone());

        assertEcho(first, "while another handshake waits");   // the loop is free

        holding = false;
        new Thread(work, "test-handshake-worker").start();
        SSLSocket late = second.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEcho(late, "after");
        first.close();
        late.close();
    }

    @Test
    void aConnectionThatFailsWhileItsWorkRunsIsClosedWhenTheWorkEnds() throws Exception {
        holding = true;
        CountDownLatch failed = new CountDownLatch(1);
        Handshaking handshaking = connectAndServe(failed);
        Runnable work = held.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(work);
        handshaking.client().close();
        handshaking.ended().get(WAIT_SECONDS, TimeUnit.SECONDS);

        work.run();   // the engine finishes its part; the loop then meets the closed peer
        assertTrue(failed.await(WAIT_SECONDS, TimeUnit.SECONDS), "the session heard of the failure");
    }

    @Test
    void theWorkOfAConnectionClosedMeanwhileIsNotRun() throws Exception {
        holding = true;
        Handshaking handshaking = connectAndServe(new CountDownLatch(1));
        Runnable work = held.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(work);
        CountDownLatch closed = new CountDownLatch(1);
        loop.execute(() -> {   // what a handshake timeout or a shutdown does
            lastConnection.close();
            closed.countDown();
        });
        assertTrue(closed.await(WAIT_SECONDS, TimeUnit.SECONDS));

        work.run();
        assertEquals(SSLEngineResult.HandshakeStatus.NEED_TASK, lastEngine.getHandshakeStatus(),
                "the key agreement and signature of a closed connection were not computed");
        handshaking.ended().get(WAIT_SECONDS, TimeUnit.SECONDS);
        handshaking.client().close();
    }

    // ---- helpers

    /** A client's handshake running in the background: {@code done} fails if the handshake does. */
    private record Handshaking(SSLSocket client, CompletableFuture<SSLSocket> done) {
        /** Completes when the handshake is over, done or failed (a test that cuts it expects a failure). */
        CompletableFuture<Void> ended() {
            return done.handle((socket, failure) -> null);
        }
    }

    /** A client handshaking in the background, and the server side of it registered on the loop ({@code failed}: its session failed). */
    private Handshaking connectAndServe(CountDownLatch failed) throws IOException {
        SSLSocket client = (SSLSocket) clientContext.getSocketFactory().createSocket();
        client.connect(server.getLocalAddress(), (int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        client.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        serve(server.accept(), failed);
        return new Handshaking(client, CompletableFuture.supplyAsync(() -> {
            try {
                client.startHandshake();
                return client;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }));
    }

    private void serve(SocketChannel accepted, CountDownLatch failed) throws IOException {
        accepted.configureBlocking(false);
        ServerEngines engines = new ServerEngines() {
            @Override
            public SSLEngine engineFor(String serverName) {
                SSLEngine engine = serverContext.createSSLEngine();
                engine.setUseClientMode(false);
                lastEngine = engine;
                return engine;
            }

            @Override
            public long handshakeTimeoutNanos() {
                return TimeUnit.SECONDS.toNanos(60);
            }
        };
        Connection connection = Connection.tlsServer(accepted, loop, engines);
        lastConnection = connection;
        loop.execute(() -> {
            try {
                connection.register(loop, new Echo(connection, failed), SelectionKey.OP_READ);
            } catch (IOException e) {
                failed.countDown();
            }
        });
    }

    private static void assertEcho(SSLSocket socket, String text) throws IOException {
        byte[] sent = text.getBytes(StandardCharsets.US_ASCII);
        socket.getOutputStream().write(sent);
        socket.getOutputStream().flush();
        byte[] back = new byte[sent.length];
        InputStream in = socket.getInputStream();
        int at = 0;
        while (at < back.length) {
            int n = in.read(back, at, back.length - at);
            if (n < 0) {
                break;
            }
            at += n;
        }
        assertEquals(text, new String(back, 0, at, StandardCharsets.US_ASCII));
    }

    /** Writes back what it reads (small messages: the socket takes them whole). Loop thread. */
    private static final class Echo implements IoHandler {
        private final Connection connection;
        private final CountDownLatch failed;
        private final ByteBuffer buffer = ByteBuffer.allocate(1024);

        Echo(Connection connection, CountDownLatch failed) {
            this.connection = connection;
            this.failed = failed;
        }

        @Override
        public void onReady(int readyOps) {
            try {
                int n = connection.read(buffer);
                if (n < 0) {
                    connection.close();
                    return;
                }
                buffer.flip();
                connection.write(buffer);
                buffer.compact();
            } catch (IOException e) {
                onFailure(e);
            }
        }

        @Override
        public void onFailure(Throwable cause) {
            failed.countDown();
            connection.close();
        }
    }
}
