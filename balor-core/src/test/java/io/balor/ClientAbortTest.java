package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PassiveHealthConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;
import io.balor.metrics.PrometheusParser;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that goes away in the middle of its upload (issue 13): the upstream connection is
 * closed at once, the session ends, the exchange is logged as a 499 and counted in
 * {@code balor_client_aborts_total}. The upstream is a socket that accepts and reads nothing
 * until the client has gone, as a slow upstream would.
 */
class ClientAbortTest {

    private static final String UPLOAD_HEAD = "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 10485760\r\n\r\n";

    private final TestResources resources = new TestResources();
    private final ManualTicker ticker = new ManualTicker();
    /** Opened once Balor has ended the session: the upstream then reads what it was sent, to its end. */
    private final CountDownLatch clientGone = new CountDownLatch(1);
    private final CompletableFuture<Boolean> upstreamClosed = new CompletableFuture<>();

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    /** An upstream that reads nothing until the client is gone, then reads to the end: true if it ends (EOF or reset). */
    private TestServer slowUpstream() throws IOException {
        return resources.track(new TestServer(socket -> {
            try {
                clientGone.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            upstreamClosed.complete(endOfStream(socket));
        }));
    }

    private Balor start(TestServer upstream) {
        return resources.track(Balor.start(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")),
                List.of(PoolConfig.of("app", UpstreamConfig.of(upstream.address())))),
                BalorOptions.defaults().withLoops(1).withTicker(ticker).withAccessLog(AccessLogOptions.MEMORY)));
    }

    @Test
    void aClientThatResetsMidUploadIsCleanedUpAtOnce() throws Exception {
        TestServer upstream = slowUpstream();
        Balor balor = start(upstream);   // time never moves: only the reset can end the exchange
        Socket client = Clients.connect(balor.boundAddress("web"));
        client.getOutputStream().write((UPLOAD_HEAD + "x".repeat(1024)).getBytes(StandardCharsets.US_ASCII));
        awaitUploading(balor, upstream);
        client.setSoLinger(true, 0);
        client.close();   // RST

        Await.until("the session is gone", Duration.ofSeconds(5), () -> balor.sessions().isEmpty());
        clientGone.countDown();
        assertTrue(upstreamClosed.get(5, TimeUnit.SECONDS), "the upstream connection is closed");
        assertAbortRecorded(balor);
    }

    @Test
    void aClientThatHalfClosesMidUploadIsCleanedUpAtOnce() throws Exception {
        TestServer upstream = slowUpstream();
        Balor balor = start(upstream);
        try (Socket client = Clients.connect(balor.boundAddress("web"))) {
            client.setSoTimeout(5_000);
            client.getOutputStream().write((UPLOAD_HEAD + "x".repeat(1024)).getBytes(StandardCharsets.US_ASCII));
            awaitUploading(balor, upstream);
            client.shutdownOutput();   // FIN, 10 MiB short: the request can never be complete

            Await.until("the session is gone", Duration.ofSeconds(5), () -> balor.sessions().isEmpty());
            assertEquals(-1, client.getInputStream().read(), "Balor closes the client connection");
        }
        clientGone.countDown();
        assertTrue(upstreamClosed.get(5, TimeUnit.SECONDS), "the upstream connection is closed");
        assertAbortRecorded(balor);
    }

    /** A chunked upload cut short by a FIN is the client's abort too, not a malformed body (no 400 to a client that left). */
    @Test
    void aChunkedUploadCutShortByAFinIsAnAbort() throws Exception {
        TestServer upstream = slowUpstream();
        Balor balor = start(upstream);
        String head = "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
        try (Socket client = Clients.connect(balor.boundAddress("web"))) {
            client.setSoTimeout(5_000);
            client.getOutputStream().write((head + "400\r\n" + "x".repeat(1024) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            Await.until("the upload is forwarded", () -> upstream.accepted() == 1 && balor.sessions().size() == 1
                    && balor.sessions().get(0).bytesFromClient() == head.length() + 1024 + 7);
            client.shutdownOutput();
            Await.until("the session is gone", Duration.ofSeconds(5), () -> balor.sessions().isEmpty());
            assertEquals(-1, client.getInputStream().read(), "closed, with no 400");
        }
        clientGone.countDown();
        assertTrue(upstreamClosed.get(5, TimeUnit.SECONDS), "the upstream connection is closed");
        assertAbortRecorded(balor);
    }

    /** A FIN after a whole request is a legitimate half-close (RFC 9112 §9.6): the response still comes. */
    @Test
    void aHalfCloseAfterAWholeRequestStillGetsItsResponse() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")),
                List.of(PoolConfig.of("app", UpstreamConfig.of(app.address())))),
                BalorOptions.defaults().withLoops(1).withAccessLog(AccessLogOptions.MEMORY)));
        try (Socket client = Clients.connect(balor.boundAddress("web"))) {
            client.getOutputStream().write("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
                    .getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 200 ") && answer.endsWith("\r\n\r\nhello"), "[" + answer + "]");
        }
        Await.until("the session is gone", () -> balor.sessions().isEmpty());
        PrometheusParser metrics = PrometheusParser.parse(balor.metrics());
        assertEquals(0, metrics.value("balor_client_aborts_total", "listener", "web"));
        assertEquals(1, metrics.value("balor_http_requests_total", "listener", "web", "status", "200"));
    }

    /**
     * The limit of what a JDK selector can see: once Balor has stopped reading a client because
     * the upstream takes nothing (backpressure), its reset waits behind unread bytes and no
     * event says it came (there is no EPOLLRDHUP in java.nio). The body-idle timer ends such an
     * exchange: 30 s after the last byte moved, not the 60 s response timeout as before.
     */
    @Test
    void aClientGoneWhileBalorCannotReadItIsCleanedUpAtTheBodyIdleTimeout() throws Exception {
        TestServer upstream = slowUpstream();
        Balor balor = start(upstream);
        Socket client = Clients.connect(balor.boundAddress("web"));
        OutputStream out = client.getOutputStream();
        Thread writer = new Thread(() -> {
            try {
                out.write(UPLOAD_HEAD.getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 160; i++) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // the test reset the connection
            }
        }, "upload");
        writer.setDaemon(true);
        writer.start();
        int bufferSize = BalorOptions.defaults().bufferSize();
        Await.until("Balor holds a full buffer for the upstream and has stopped reading the client",
                () -> balor.sessions().size() == 1 && balor.sessions().get(0).bufferedToUpstream() == bufferSize);
        client.setSoLinger(true, 0);
        client.close();
        ticker.advance(Duration.ofSeconds(31));
        balor.sessions();
        Await.until("the session is gone", Duration.ofSeconds(5), () -> balor.sessions().isEmpty());
        clientGone.countDown();   // only now does the upstream read: it did not help end the exchange
        assertTrue(upstreamClosed.get(10, TimeUnit.SECONDS), "the upstream connection is closed");
    }

    /**
     * Clients that reset in the middle of a download are not the upstream's failure. A reset
     * that Balor met writing to the client, while handling the upstream's readiness, used to be
     * taken for the upstream failing (passive health): five users leaving five downloads at once
     * ejected a healthy upstream.
     */
    @Test
    void clientsThatResetMidDownloadDoNotEjectTheUpstream() throws Exception {
        TestServer upstream = resources.track(new TestServer(socket -> {
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.append((char) b);
            }
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[16 * 1024];
            while (true) {
                out.write(chunk);   // until Balor closes the connection
            }
        }));
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")),
                List.of(PoolConfig.of("app", UpstreamConfig.of(upstream.address()))
                        .withPassiveHealth(new PassiveHealthConfig(3, Duration.ofSeconds(30), true)))),
                BalorOptions.defaults().withLoops(1)));
        for (int round = 0; round < 4; round++) {
            List<Socket> clients = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Socket client = Clients.connect(balor.boundAddress("web"));
                client.getOutputStream().write("GET /big HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(100_000, client.getInputStream().readNBytes(100_000).length);
                clients.add(client);
            }
            for (Socket client : clients) {
                client.setSoLinger(true, 0);
                client.close();
            }
            Await.until("the sessions are gone", () -> balor.sessions().isEmpty());
            UpstreamHealthStatus health = balor.upstreamHealth().get(0);
            assertFalse(health.ejected() || health.ejections() > 0, "round " + round + ": " + health);
        }
        assertEquals(20, PrometheusParser.parse(balor.metrics()).value("balor_client_aborts_total", "listener", "web"));
    }

    private static void awaitUploading(Balor balor, TestServer upstream) {
        Await.until("the upload is forwarded", () -> upstream.accepted() == 1 && balor.sessions().size() == 1
                && "exchange".equals(balor.sessions().get(0).state())
                && balor.sessions().get(0).bytesFromClient() == UPLOAD_HEAD.length() + 1024);
    }

    private static void assertAbortRecorded(Balor balor) {
        Await.until("the access-log line", () -> !balor.recentAccessLog(10).isEmpty());
        String line = balor.recentAccessLog(10).get(0);
        assertTrue(line.contains("\"status\":499") && line.contains("\"path\":\"/upload\"")
                && line.contains("\"upstream\":\"app/"), line);
        PrometheusParser metrics = PrometheusParser.parse(balor.metrics());
        assertEquals(1, metrics.value("balor_client_aborts_total", "listener", "web"));
        assertEquals(1, metrics.value("balor_http_requests_total", "listener", "web", "status", "499"));
    }

    /** Reads (and drops) until the peer closes: true at end of stream or a reset, false if it stays open 10 s. */
    private static boolean endOfStream(Socket socket) {
        try {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            while (in.read(buffer) >= 0) {
                // drop
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
