package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;
import io.balor.config.UpstreamTimeouts;
import io.balor.time.ManualTicker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP timeouts and limits, with time driven by a manual ticker: 408, 504, 413, keep-alive close,
 * which timer governs each phase of an exchange, and the cap on interim responses.
 */
class HttpTimeoutsTest {

    private final TestResources resources = new TestResources();
    private final ManualTicker ticker = new ManualTicker();

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private Balor start(String upstream, HttpSettings http) {
        return resources.track(Balor.start(new BalorConfig(
                List.of(ListenerConfig.http("web", "127.0.0.1:0", "app").withHttp(http)),
                List.of(PoolConfig.of("app", UpstreamConfig.of(upstream)))),
                BalorOptions.defaults().withLoops(1).withTicker(ticker)));
    }

    /** Moves time past {@code step} and wakes the loop so that it sees it. */
    private void pass(Balor balor, Duration step) {
        ticker.advance(step);
        balor.sessions();
    }

    @Test
    void aSlowRequestHeadGets408() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(app.address(), HttpSettings.DEFAULT);
        try (Socket client = Clients.connect(balor.boundAddress("web"))) {
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n".getBytes(StandardCharsets.US_ASCII));
            Await.until("the partial head is read", () -> "idle".equals(state(balor)));
            pass(balor, Duration.ofSeconds(9));
            assertEquals(1, balor.sessions().size());
            pass(balor, Duration.ofSeconds(2));
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
        }
        assertEquals(0, app.seen().size());
    }

    @Test
    void anUpstreamThatDoesNotAnswerGets504() throws Exception {
        TestServer silent = resources.track(new TestServer(socket -> socket.getInputStream().readAllBytes()));
        Balor balor = start(silent.address(), HttpSettings.DEFAULT);
        try (Socket client = Clients.connect(balor.boundAddress("web"))) {
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Await.until("the request is forwarded", () -> silent.accepted() == 1 && "exchange".equals(state(balor)));
            pass(balor, Duration.ofSeconds(59));
            assertEquals(1, balor.sessions().size());
            pass(balor, Duration.ofSeconds(2));
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 504 Gateway Timeout\r\n"), answer);
        }
    }

    @Test
    void aPoolsOwnResponseTimeoutWinsOverTheListeners() throws Exception {
        TestServer silent = resources.track(new TestServer(socket -> socket.getInputStream().readAllBytes()));
        Balor balor = resources.track(Balor.start(new BalorConfig(
                List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")),
                List.of(PoolConfig.of("app", UpstreamConfig.of(silent.address()))
                        .withTimeouts(new UpstreamTimeouts(null, Duration.ofSeconds(5))))),
                BalorOptions.defaults().withLoops(1).withTicker(ticker)));
        try (Socket client = Clients.connect(balor.boundAddress("web"))) {
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Await.until("the request is forwarded", () -> silent.accepted() == 1 && "exchange".equals(state(balor)));
            pass(balor, Duration.ofSeconds(6));
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 504 "), "the pool's 5 s, not the listener's 60 s: " + answer);
        }
    }

    @Test
    void bodiesOverTheLimitGet413() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(app.address(), HttpSettings.DEFAULT.withMaxBodyBytes(1000));
        assertTrue(raw(balor, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1001\r\n\r\n").startsWith("HTTP/1.1 413 "));
        assertTrue(raw(balor, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n")
                .startsWith("HTTP/1.1 413 "), "a chunk announcing more than the limit is refused before its data");
        assertEquals(0, app.seen().size());
        assertTrue(raw(balor, "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n"
                + "x".repeat(1000)).startsWith("HTTP/1.1 200 "));
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterItsTimeout() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(app.address(), HttpSettings.DEFAULT);
        try (Socket client = Clients.connect(balor.boundAddress("web"))) {
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buffer = new byte[4096];
            assertTrue(client.getInputStream().read(buffer) > 0);
            Await.until("the exchange is over", () -> "idle".equals(state(balor)));
            pass(balor, Duration.ofSeconds(61));
            Await.until("the idle client is closed", () -> balor.sessions().isEmpty());
        }
    }

    // ---- issue 13: which timer governs when, and interim responses

    /**
     * After the final response head, the body-idle timer (30 s since the last byte) governs, not
     * the response deadline: a body that stalls is cut at 30 s, one that trickles goes on past
     * 60 s. (Once the timer stayed armed for the response deadline, so a stalled body was cut
     * only then, and a trickle too: 60 s after the request, whatever moved.)
     */
    @Test
    void aStalledResponseBodyIsCutAtTheBodyIdleTimeoutNotTheResponseTimeout() throws Exception {
        CountDownLatch more = new CountDownLatch(1);
        CompletableFuture<Boolean> upstreamClosed = new CompletableFuture<>();
        TestServer upstream = resources.track(new TestServer(socket -> {
            Clients.readHead(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789".getBytes(StandardCharsets.US_ASCII));
            await(more);
            out.write('x');
            upstreamClosed.complete(endOfStream(socket));
        }));
        Balor balor = start(upstream.address(), HttpSettings.DEFAULT);
        try (Socket client = Clients.connect(balor.boundAddress("web"))) {
            client.setSoTimeout(5_000);
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = client.getInputStream();
            Clients.readHead(in);
            assertEquals("0123456789", new String(in.readNBytes(10), StandardCharsets.US_ASCII));
            pass2(balor, Duration.ofSeconds(20));
            assertEquals(1, balor.sessions().size(), "20 s without a byte: within the body-idle timeout");
            more.countDown();
            assertEquals('x', in.read());
            pass2(balor, Duration.ofSeconds(25));   // 45 s since the head, 25 since the last byte
            assertEquals(1, balor.sessions().size(), "a body still moving is not cut");
            pass2(balor, Duration.ofSeconds(6));    // 51 s since the head (< 60), 31 since the last byte
            assertEquals(-1, readOrTimeout(in), "cut 30 s after its last byte: " + balor.sessions());
        }
        assertTrue(upstreamClosed.get(5, TimeUnit.SECONDS));
        Await.until("the session is gone", Duration.ofSeconds(5), () -> balor.sessions().isEmpty());
    }

    /** The request direction too: an upload that stalls is cut at the body-idle timeout (408), one that trickles is not. */
    @Test
    void aStalledUploadIsCutAtTheBodyIdleTimeoutNotTheResponseTimeout() throws Exception {
        CompletableFuture<Boolean> upstreamClosed = new CompletableFuture<>();
        TestServer upstream = resources.track(new TestServer(socket -> upstreamClosed.complete(endOfStream(socket))));
        Balor balor = start(upstream.address(), HttpSettings.DEFAULT);
        try (Socket client = Clients.connect(balor.boundAddress("web"))) {
            client.setSoTimeout(5_000);
            OutputStream out = client.getOutputStream();
            out.write("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n0123456789"
                    .getBytes(StandardCharsets.US_ASCII));
            Await.until("the upload is forwarded", () -> upstream.accepted() == 1 && "exchange".equals(state(balor))
                    && balor.sessions().get(0).bytesFromClient() > 50);
            long before = balor.sessions().get(0).bytesFromClient();
            pass2(balor, Duration.ofSeconds(20));
            out.write('x');
            Await.until("the byte is read", () -> balor.sessions().get(0).bytesFromClient() > before);
            pass2(balor, Duration.ofSeconds(25));   // 45 s since the head, 25 since the last byte
            assertEquals(1, balor.sessions().size(), "an upload still moving is not cut");
            pass2(balor, Duration.ofSeconds(6));    // 31 s since the last byte
            String answer;
            try {
                answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            } catch (SocketTimeoutException e) {
                answer = "(nothing 31 s after the upload stalled: " + balor.sessions() + ")";
            }
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
        }
        assertTrue(upstreamClosed.get(5, TimeUnit.SECONDS));
    }

    /**
     * Interim responses do not move the response deadline: 60 s after the request was sent the
     * final head must be there, however many 100s came meanwhile (each once re-armed it).
     */
    @Test
    void interimResponsesDoNotMoveTheResponseDeadline() throws Exception {
        CountDownLatch second = new CountDownLatch(1);
        TestServer upstream = resources.track(new TestServer(socket -> {
            Clients.readHead(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            await(second);
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            endOfStream(socket);
        }));
        Balor balor = start(upstream.address(), HttpSettings.DEFAULT);
        try (Socket client = Clients.connect(balor.boundAddress("web"))) {
            client.setSoTimeout(5_000);
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = client.getInputStream();
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", Clients.readHead(in));
            pass2(balor, Duration.ofSeconds(59));
            second.countDown();
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", Clients.readHead(in));
            pass2(balor, Duration.ofSeconds(2));
            String answer;
            try {
                answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            } catch (SocketTimeoutException e) {
                answer = "(no 504 61 s after the request: " + balor.sessions() + ")";
            }
            assertTrue(answer.startsWith("HTTP/1.1 504 Gateway Timeout\r\n"), answer);
        }
    }

    /**
     * An upstream that sends 1xx responses forever: 32 are relayed, then the client gets a 502
     * and the upstream connection is closed, with no clock involved (time never moves here).
     */
    @Test
    void interimResponsesPastThirtyTwoAreA502AndCloseTheUpstream() throws Exception {
        CompletableFuture<Boolean> upstreamClosed = new CompletableFuture<>();
        TestServer upstream = resources.track(new TestServer(socket -> {
            Clients.readHead(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            try {
                for (int i = 0; i < 1000; i++) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException e) {
                upstreamClosed.complete(true);   // Balor closed it (with unread 100s: a reset)
                return;
            }
            upstreamClosed.complete(endOfStream(socket));
        }));
        Balor balor = start(upstream.address(), HttpSettings.DEFAULT);
        try (Socket client = Clients.connect(balor.boundAddress("web"))) {
            client.setSoTimeout(5_000);
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer;
            try {
                answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            } catch (SocketTimeoutException e) {
                answer = "(still open: " + balor.sessions() + ")";
            }
            assertEquals(32, answer.split("HTTP/1.1 100 Continue\r\n\r\n", -1).length - 1, answer);
            assertTrue(answer.endsWith("\n") && answer.contains("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 502 Bad Gateway\r\n"),
                    answer);
        }
        assertTrue(upstreamClosed.get(5, TimeUnit.SECONDS), "the upstream connection is closed");
    }

    /** Moves time and makes the loop run twice, so that it sees it and its timers have run. */
    private void pass2(Balor balor, Duration step) {
        ticker.advance(step);
        balor.sessions();
        balor.sessions();
    }

    private static void await(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IOException("never told to go on");
            }
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    /** Reads (and drops) until the peer closes: true at end of stream or a reset, false if it stays open 10 s. */
    private static boolean endOfStream(Socket socket) {
        try {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // drop
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static int readOrTimeout(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketTimeoutException e) {
            return -2;
        }
    }

    private static String state(Balor balor) {
        List<SessionInfo> sessions = balor.sessions();
        return sessions.size() == 1 ? sessions.get(0).state() : null;
    }

    private static String raw(Balor balor, String text) throws IOException {
        try (Socket socket = Clients.connect(balor.boundAddress("web"))) {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
