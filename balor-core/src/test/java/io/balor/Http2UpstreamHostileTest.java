package io.balor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.PoolConfig.UpstreamProtocol;
import io.balor.config.UpstreamConfig;
import io.balor.http2.Frames;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Balor against HTTP/2 upstreams that answer in ways the well-behaved peers of
 * {@link Http2UpstreamTest} never do: each is a {@link RawH2Server} script, each request made by
 * curl through an HTTP/1.1 listener, and each must end (a response, or a 502) rather than hang.
 */
class Http2UpstreamHostileTest {

    private final TestResources resources = new TestResources();

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    /** curl's status code, then the body's length, for {@code url}. */
    private static String curl(String url) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("curl", "-sS", "--max-time", "15", "-o", "/dev/null", "-w",
                "%{http_code} %{size_download}", url).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "curl ends");
        return out;
    }

    private String front(RawH2Server upstream) throws Exception {
        resources.track(upstream);
        ListenerConfig web = ListenerConfig.http("web", "127.0.0.1:0", "app");
        PoolConfig pool = PoolConfig.of("app", UpstreamConfig.of(upstream.address())).withProtocol(UpstreamProtocol.H2C);
        // one loop: one shared connection per upstream
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(web), List.of(pool)),
                BalorOptions.defaults().withLoops(1)));
        return "http://127.0.0.1:" + balor.boundAddress("web").getPort();
    }

    @Test
    void aLongBodyWithoutContentLengthArrivesWhole() throws Exception {
        String url = front(new RawH2Server(peer -> {
            peer.handshake();
            while (true) {
                int id = peer.awaitRequest();
                peer.headers(id, false, ":status", "200");
                peer.dataFair(id, 200_000, true);
            }
        }));
        assertEquals("200 200000", curl(url + "/long"));
    }

    @Test
    void dataBeforeTheHeadDoesNotShrinkTheConnectionWindow() throws Exception {
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        RawH2Server upstream = new RawH2Server(peer -> {
            peer.handshake(Frames.SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20);
            while (true) {
                int id = peer.awaitRequest();
                if (requests.incrementAndGet() <= 70) {
                    peer.dataFair(id, 16384, false);   // DATA before any HEADERS: malformed, reset
                } else {
                    peer.headers(id, false, ":status", "200");
                    peer.dataFair(id, 50_000, true);
                }
            }
        });
        String url = front(upstream);
        for (int i = 0; i < 70; i++) {
            // POST with a body: never sent again, so every one stays on the one connection
            Process process = new ProcessBuilder("curl", "-sS", "--max-time", "15", "-d", "x", "-o", "/dev/null", "-w",
                    "%{http_code}", url + "/bad").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            assertEquals("502", out, "request " + i);
        }
        assertEquals(1, upstream.connections.get(), "one shared connection");
        assertEquals("200 50000", curl(url + "/good"));
    }

    /**
     * Each request on every connection gets {@code answer}; what curl says must start with
     * {@code expected} (a status, or its error: "curl: (18)" for a response cut short).
     */
    private void answers(String expected, Answer answer, int... settings) throws Exception {
        String url = front(new RawH2Server(peer -> {
            peer.handshake(settings);
            while (true) {
                answer.to(peer, peer.awaitRequest());
            }
        }));
        String out = curl(url + "/x");
        assertTrue(out.startsWith(expected), out);
    }

    interface Answer {
        void to(RawH2Server.Peer peer, int id) throws Exception;
    }

    @Test
    void aHeadWithoutStatusIs502() throws Exception {
        answers("502", (p, id) -> p.headers(id, true, "x", "y"));
    }

    @Test
    void a101Is502() throws Exception {
        answers("502", (p, id) -> p.headers(id, true, ":status", "101"));
    }

    @Test
    void twoContentLengthsAre502() throws Exception {
        answers("502", (p, id) -> p.headers(id, true, ":status", "200", "content-length", "1", "content-length", "2"));
    }

    @Test
    void aPushPromiseIs502() throws Exception {
        answers("502", (p, id) -> p.frame(Frames.PUSH_PROMISE, Frames.END_HEADERS, id, new byte[] {0, 0, 0, 2}));
    }

    @Test
    void aResetInTheBodyCutsTheResponse() throws Exception {
        answers("curl: (18)", (p, id) -> {
            p.headers(id, false, ":status", "200", "content-length", "10");
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(13);
            Frames.rstStream(b, id, Frames.INTERNAL_ERROR);
            p.send(b);
        });
    }

    @Test
    void aGoAwayBeforeAnyStreamIs502() throws Exception {
        answers("502", (p, id) -> {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(17);
            Frames.goAway(b, 0, Frames.NO_ERROR);
            p.send(b);
        });
    }

    @Test
    void anUpstreamThatRefusesEveryStreamGets502NotALoop() throws Exception {
        answers("502", (p, id) -> {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(13);
            Frames.rstStream(b, id, Frames.REFUSED_STREAM);
            p.send(b);
        }, Frames.SETTINGS_MAX_CONCURRENT_STREAMS, 0);
    }

    @Test
    void aStreamTheServerOpensIs502() throws Exception {
        answers("502", (p, id) -> p.headers(id + 1, false, ":status", "200"));
    }

    @Test
    void aContinuationFloodIs502() throws Exception {
        answers("502", (p, id) -> {
            p.frame(Frames.HEADERS, 0, id, RawH2Server.Peer.block(":status", "200"));
            for (int i = 0; i < 10000; i++) {
                p.frame(Frames.CONTINUATION, 0, id, RawH2Server.Peer.block("x", "y".repeat(100)));
            }
        });
    }

    @Test
    void anInterimHeadThenTheFinalOne() throws Exception {
        answers("200", (p, id) -> {
            p.headers(id, false, ":status", "103", "link", "</a>");
            p.headers(id, true, ":status", "200");
        });
    }

    @Test
    void trailersThatDoNotEndTheStreamCutTheResponse() throws Exception {
        answers("curl: (18)", (p, id) -> {
            p.headers(id, false, ":status", "200");
            p.data(id, new byte[10], false);
            p.headers(id, false, "grpc-status", "0");
        });
    }

    @Test
    void framesAfterTheEndAreDropped() throws Exception {
        answers("200", (p, id) -> {
            p.headers(id, false, ":status", "200", "content-length", "3");
            p.data(id, new byte[3], true);
            p.data(id, new byte[3], true);
            p.headers(id, true, ":status", "200");
        });
    }

    @Test
    void paddedDataKeepsTheWindowsWhole() throws Exception {
        String url = front(new RawH2Server(peer -> {
            peer.handshake();
            while (true) {
                int id = peer.awaitRequest();
                peer.headers(id, false, ":status", "200");
                for (int i = 0; i < 50; i++) {   // 60050 octets: within the stream's window
                    while (peer.connectionWindow < 20000) {
                        peer.read();
                    }
                    byte[] padded = new byte[1 + 1000 + 200];
                    padded[0] = (byte) 200;
                    peer.frame(Frames.DATA, Frames.PADDED | (i == 49 ? Frames.END_STREAM : 0), id, padded);
                    peer.connectionWindow -= padded.length;
                }
            }
        }));
        for (int i = 0; i < 20; i++) {   // more than the connection's window, padding and all
            assertEquals("200 50000", curl(url + "/p"));
        }
    }

    @Test
    void streamsAboveAGoAwayAreSentAgainWhateverTheirMethod() throws Exception {
        RawH2Server upstream = new RawH2Server(peer -> {
            peer.handshake();
            int id = peer.awaitRequest();
            peer.headers(id, false, ":status", "200", "content-length", "2");
            peer.data(id, "ok".getBytes(StandardCharsets.US_ASCII), true);
            if (peer.ordinal() == 1) {
                int a = peer.awaitRequest();
                int b = peer.awaitRequest();
                java.nio.ByteBuffer g = java.nio.ByteBuffer.allocate(17);
                Frames.goAway(g, Math.min(a, b), Frames.NO_ERROR);   // graceful: the later stream was not processed
                peer.send(g);
                peer.headers(Math.min(a, b), false, ":status", "200", "content-length", "2");
                peer.data(Math.min(a, b), "ok".getBytes(StandardCharsets.US_ASCII), true);
            }
            while (true) {
                int next = peer.awaitRequest();
                peer.headers(next, false, ":status", "200", "content-length", "2");
                peer.data(next, "ok".getBytes(StandardCharsets.US_ASCII), true);
            }
        });
        String url = front(upstream);
        assertEquals("200 2", curl(url + "/warm"));
        Process[] posts = new Process[2];
        for (int i = 0; i < 2; i++) {
            posts[i] = new ProcessBuilder("curl", "-sS", "--max-time", "15", "-d", "body" + i, "-o", "/dev/null", "-w",
                    "%{http_code} %{size_download}", url + "/post").redirectErrorStream(true).start();
        }
        for (Process p : posts) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals("200 2", out);
        }
        assertEquals(2, upstream.connections.get());
    }

    @Test
    void aRequestBodyOfTinyChunksGoesWhole() throws Exception {
        String url = front(new RawH2Server(peer -> {
            peer.handshake(Frames.SETTINGS_INITIAL_WINDOW_SIZE, 1 << 24);
            java.nio.ByteBuffer update = java.nio.ByteBuffer.allocate(13);
            Frames.windowUpdate(update, 0, 1 << 24);
            peer.send(update);
            while (true) {
                long octets = 0;
                int id;
                while (true) {
                    RawH2Server.Frame f = peer.read();
                    if (f.type() == Frames.DATA) {
                        octets += f.payload().length;
                    }
                    if ((f.type() == Frames.DATA || f.type() == Frames.HEADERS) && f.has(Frames.END_STREAM)) {
                        id = f.stream();
                        break;
                    }
                }
                byte[] body = Long.toString(octets).getBytes(StandardCharsets.US_ASCII);
                peer.headers(id, false, ":status", "200", "content-length", Integer.toString(body.length));
                peer.data(id, body, true);
            }
        }));
        // one octet a chunk: each becomes a DATA frame, so a buffer of them is more frames than the output holds
        String chunks = "1\r\nx\r\n".repeat(50_000);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", java.net.URI.create(url).getPort())) {
            socket.setSoTimeout(15_000);
            Thread writer = new Thread(() -> {
                try {
                    socket.getOutputStream().write(("POST /tiny HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n"
                            + chunks + "0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // Balor answered and closed: the response says why
                }
            });
            writer.start();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            writer.join(15_000);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertTrue(response.endsWith("\r\n\r\n50000"), response);
        }
    }

    @Test
    void aHeadThatEndsTheStreamShortOfItsContentLengthIs502() throws Exception {
        answers("502", (p, id) -> p.headers(id, true, ":status", "200", "content-length", "5"));
    }

    @Test
    void aStreamThatFailsAfterTheConnectionEndedStillWakesItsExchange() throws Exception {
        // more DATA than the stream's window (its reset fails the exchange), then GOAWAY: the
        // connection closes with the exchange still to read what came before the reset
        String url = front(new RawH2Server(peer -> {
            peer.handshake();
            int id = peer.awaitRequest();
            peer.headers(id, false, ":status", "200", "content-length", "100000");
            for (int i = 0; i < 5; i++) {
                peer.data(id, new byte[20_000], i == 4);
            }
            java.nio.ByteBuffer goAway = java.nio.ByteBuffer.allocate(17);
            Frames.goAway(goAway, id, Frames.NO_ERROR);
            peer.send(goAway);
            while (true) {
                peer.read();   // until Balor closes (closing first, with its frames unread, would reset)
            }
        }));
        for (int i = 0; i < 3; i++) {
            String out = curl(url + "/over");
            assertTrue(out.startsWith("curl: (18)"), out);   // cut at once, not left to time out
        }
    }
}
