package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;
import io.balor.time.ManualTicker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Edge cases of the HTTP/1.1 exchange state machine of {@code HttpSession}, each once a bug: the
 * comment of each test describes the sequence that broke.
 */
class HttpEdgeCasesTest {

    private final TestResources resources = new TestResources();
    private final ManualTicker ticker = new ManualTicker();

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private Balor start(String upstream, boolean manualTime) {
        BalorOptions options = BalorOptions.defaults().withLoops(1);
        if (manualTime) {
            options = options.withTicker(ticker);
        }
        return resources.track(Balor.start(new BalorConfig(
                List.of(ListenerConfig.http("web", "127.0.0.1:0", "app").withHttp(HttpSettings.DEFAULT)),
                List.of(PoolConfig.of("app", UpstreamConfig.of(upstream)))), options));
    }

    /** Moves the manual clock and makes the loop run an iteration (its timers expire after its tasks). */
    private void pass(Balor balor, Duration step) {
        ticker.advance(step);
        balor.sessions();
        balor.sessions();
    }

    // ------------------------------------------------------------------------------------------
    // 1. After a chunked request body, the kept-alive client gets an unsolicited 408.
    //
    // finishExchange() -> compactClientIn() keeps bytes from requestBody.keepFrom(), which for a
    // FINISHED ChunkedDecoder is still trailerStart (ChunkedDecoder.keepFrom(): TRAILERS or
    // FINISHED). So the final CRLF (and any trailers) stay in clientIn: position() > 0 while
    // clientInStart == position(). clientIn is not released, finishExchange arms the *head*
    // timeout (HttpSession.java:657), and onTimer's IDLE case (818-836) sees position() != 0 and
    // answers 408 to a client that sent nothing: after 10 s instead of a quiet close at 60 s.
    // ------------------------------------------------------------------------------------------
    @Test
    void anIdleKeepAliveConnectionAfterAChunkedUploadIsNotAnswered408() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(app.address(), true);
        try (Socket client = Clients.connect(balor.boundAddress("web"))) {
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            out.write(("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String first = readResponse(in);
            assertTrue(first.startsWith("HTTP/1.1 200 ") && first.endsWith("hello"), first);
            Await.until("the exchange is over", () -> "idle".equals(state(balor)));

            pass(balor, Duration.ofSeconds(11));   // past the head timeout, well within keep-alive (60 s)
            if (balor.sessions().isEmpty()) {
                client.setSoTimeout(2_000);
                String got = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                throw new AssertionError("a kept-alive client that sent nothing was closed after 11 s, having been sent: "
                        + got);
            }

            out.write("GET /next HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String second = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(second.startsWith("HTTP/1.1 200 ") && second.endsWith("app GET /next 0"),
                    "the next request is answered, not a 408 sent to an idle connection: " + second);
        }
    }

    // ------------------------------------------------------------------------------------------
    // 2. The head timeout restarts with every byte: a slowloris head is never refused.
    //
    // readRequestHead() re-arms the head timer on every INCOMPLETE parse (HttpSession.java:317)
    // and onTimer() computes the deadline as lastActivity + headTimeout (825), lastActivity being
    // touched by each read (254). HttpPolicy documents the head timeout as "a request head must
    // arrive within this → 408"; with one byte every 9 s a head of 8 KiB keeps a connection
    // (and a 32 KiB buffer) for ~20 hours.
    // ------------------------------------------------------------------------------------------
    @Test
    void aRequestHeadMustArriveWithinTheHeadTimeoutEvenIfItTrickles() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(app.address(), true);
        try (Socket client = Clients.connect(balor.boundAddress("web"))) {
            client.setSoTimeout(5_000);
            OutputStream out = client.getOutputStream();
            out.write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            Await.until("the partial head is read", () -> "idle".equals(state(balor)));
            pass(balor, Duration.ofSeconds(6));
            out.write("Host: a\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            pass(balor, Duration.ofSeconds(6));   // 12 s since the head started, > 10 s head timeout
            String answer;
            try {
                answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            } catch (SocketTimeoutException e) {
                answer = "(nothing after 12 s of head: " + balor.sessions() + ")";
            }
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
        }
        assertEquals(0, app.seen().size());
    }

    // ------------------------------------------------------------------------------------------
    // 3. A client that goes away in the middle of its request body is noticed only at the body
    //    idle timeout; the upstream connection is held open meanwhile.
    //
    // readClient() sets clientEof (252) but nothing calls requestBody.endOfInput(), and
    // advance()/pumpRequest() never look at clientEof during EXCHANGE. interest() then turns
    // client reading off (794) and nothing else can happen until the timer: the upstream is left
    // waiting for bytes that will never come (30-60 s per aborted upload).
    // ------------------------------------------------------------------------------------------
    @Test
    void aClientClosingMidBodyReleasesTheUpstreamAtOnce() throws Exception {
        CompletableFuture<String> upstreamSaw = new CompletableFuture<>();
        TestServer upstream = resources.track(new TestServer(socket -> {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            int b;
            while ((b = in.read()) >= 0) {
                got.write(b);
            }
            upstreamSaw.complete(got.toString(StandardCharsets.ISO_8859_1));
        }));
        Balor balor = start(upstream.address(), true);   // time never moves: only events can end it
        try (Socket client = Clients.connect(balor.boundAddress("web"))) {
            client.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n"
                    + "0123456789").getBytes(StandardCharsets.US_ASCII));
            Await.until("the upload is forwarded", () -> upstream.accepted() == 1 && "exchange".equals(state(balor)));
        }   // the client gives up after 10 of 100 bytes
        try {
            String saw;
            try {
                saw = upstreamSaw.get(5, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("the client is gone but the upstream connection is still open: "
                        + balor.sessions());
            }
            assertTrue(saw.endsWith("0123456789"), saw);
            Await.until("the session is gone", Duration.ofSeconds(5), () -> balor.sessions().isEmpty());
        } finally {
            pass(balor, Duration.ofMinutes(2));   // lets the timers end a leftover session, so close() is quick
        }
    }

    // ------------------------------------------------------------------------------------------
    // 4. An early final response (413 while the body streams) is thrown away when the upstream
    //    resets the connection after sending it.
    //
    // The upstream reads the head, answers 413 + Connection: close and closes with unread body
    // bytes (an RST). On the upstream event, advance() runs pumpResponse() (the 413 goes into
    // clientOut, responseDone) and then flushUpstream() *before* flushClient() (293-294). The
    // write of the pending body fails, upstreamFailed() sees responseHeadDone and calls close()
    // (695), which releases clientOut unflushed: the client never sees the 413, only a reset.
    // Same outcome whenever the response is complete (or partly buffered) and the body write
    // fails later while clientOut still holds bytes.
    // ------------------------------------------------------------------------------------------
    @Test
    void anEarlyErrorResponseReachesTheClientWhenTheUpstreamResets() throws Exception {
        AtomicReference<Balor> running = new AtomicReference<>();
        TestServer upstream = resources.track(new TestServer(socket -> {
            Clients.readHead(socket.getInputStream());
            Await.until("Balor holds body bytes the upstream does not read", () -> bufferedToUpstream(running.get()) > 0);
            socket.getOutputStream().write("HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            socket.setSoLinger(true, 0);
            socket.close();
        }));
        Balor balor = start(upstream.address(), false);
        running.set(balor);
        // Whether the reset lands before Balor reads the 413 is a race; with the bug a few attempts in a hundred lose the 413.
        for (int attempt = 0; attempt < 100; attempt++) {
            try (Socket client = Clients.connect(balor.boundAddress("web"))) {
                Thread writer = new Thread(() -> {
                    try {
                        OutputStream out = client.getOutputStream();
                        out.write("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 33554432\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                        byte[] chunk = new byte[64 * 1024];
                        for (int i = 0; i < 512; i++) {
                            out.write(chunk);
                        }
                    } catch (IOException e) {
                        // Balor stopped taking the body: expected
                    }
                }, "slow-upload");
                writer.setDaemon(true);
                writer.start();
                String answer;
                try {
                    answer = Clients.readHead(client.getInputStream());
                } catch (IOException e) {
                    answer = "(" + e + ")";
                }
                assertTrue(answer.startsWith("HTTP/1.1 413 "),
                        "attempt " + attempt + ": the upstream's answer reaches the client: " + answer);
            }
            Await.until("the session is over", () -> balor.sessions().isEmpty());
        }
    }

    // ------------------------------------------------------------------------------------------
    // 5. The retry on a fresh connection drops the request body already pumped.
    //
    // Pipelined GET /first + POST /second (body "hello"). The upstream answers /first and resets
    // the connection. In the same advance() pass the session offers the connection to the cache,
    // parses /second, takes the same connection back (startExchange), writes the head into
    // upstreamOut and pumpRequest() moves the body there too (clientInStart advances,
    // requestBody.done()). flushUpstream() fails before any byte is written (requestWritten is
    // false), so upstreamFailed() retries (683-690): dropUpstream() discards upstreamOut, and
    // connected() rewrites only the head; requestBody is done and clientInStart is past the body.
    // The new upstream connection gets "Content-Length: 5" and no body.
    // (When the reset arrives only after the write, Balor answers 502 and no retry happens: the
    // attempt is repeated a few times and the test is skipped if the retry path is never taken.)
    // ------------------------------------------------------------------------------------------
    @Test
    void aRetriedRequestKeepsItsBody() throws Exception {
        TestServer upstream = resources.track(new TestServer(socket -> {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            socket.setSoTimeout(3_000);
            while (true) {
                String head;
                try {
                    head = Clients.readHead(in);
                } catch (IOException e) {
                    return;
                }
                if (head.startsWith("GET /first ")) {
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst".getBytes(StandardCharsets.US_ASCII));
                    socket.setSoLinger(true, 0);
                    socket.close();
                    return;
                }
                int length = Integer.parseInt(head.replaceAll("(?is).*\r\ncontent-length: *(\\d+).*", "$1"));
                byte[] body;
                try {
                    body = in.readNBytes(length);
                } catch (SocketTimeoutException e) {
                    body = new byte[0];
                }
                if (body.length < length) {
                    out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 12\r\nConnection: close\r\n\r\nbody missing"
                            .getBytes(StandardCharsets.US_ASCII));
                    socket.close();
                    return;
                }
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
            }
        }));
        Balor balor = start(upstream.address(), false);
        for (int attempt = 0; attempt < 20; attempt++) {
            long retriesBefore = balor.listenerStats().get(0).retries();
            String answers;
            try (Socket client = Clients.connect(balor.boundAddress("web"))) {
                client.getOutputStream().write(("GET /first HTTP/1.1\r\nHost: a\r\n\r\n"
                        + "POST /second HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
                        .getBytes(StandardCharsets.US_ASCII));
                answers = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            }
            if (balor.listenerStats().get(0).retries() > retriesBefore) {
                int second = answers.indexOf("HTTP/1.1", 1);
                String last = second < 0 ? answers : answers.substring(second);
                assertTrue(last.startsWith("HTTP/1.1 200 ") && last.endsWith("hello"),
                        "the retried POST reaches the upstream with its body: " + answers);
                return;
            }
        }
        Assumptions.abort("the upstream's reset never arrived before Balor wrote the pipelined request");
    }

    // ------------------------------------------------------------------------------------------
    // 6. Interim responses are stacked in upstreamIn and clientOut without ever compacting or
    //    flushing in between: a burst of 1xx bigger than one buffer turns into a 502.
    //
    // responseHead() for status < 200 sets upstreamInStart past the 1xx and loops
    // (pumpResponse 521-542); nothing compacts upstreamIn before the final head (550 only runs
    // once responseHeadDone) and the 1xx heads are appended to clientOut with no room check, so
    // writer.response(...) overflows (569-571) or the head parse hits a full buffer (530-531):
    // fail(502) for a response the upstream sent correctly.
    // (Issue 13 caps interim responses at 32 per exchange: 32 of 3 KB each are three buffers' worth.)
    // ------------------------------------------------------------------------------------------
    @Test
    void manyInterimResponsesDoNotExhaustTheBuffers() throws Exception {
        TestServer upstream = resources.track(new TestServer(socket -> {
            Clients.readHead(socket.getInputStream());
            StringBuilder interim = new StringBuilder();
            for (int i = 0; i < 32; i++) {
                interim.append("HTTP/1.1 103 Early Hints\r\nLink: </style-").append(i).append(".css?")
                        .append("v".repeat(3000)).append(">; rel=preload\r\n\r\n");
            }
            interim.append("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
            socket.getOutputStream().write(interim.toString().getBytes(StandardCharsets.US_ASCII));
            socket.close();
        }));
        Balor balor = start(upstream.address(), false);
        try (Socket client = Clients.connect(balor.boundAddress("web"))) {
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.contains("HTTP/1.1 200 OK\r\n") && answer.endsWith("ok"),
                    "final response after the 103s, not a 502: ..." + answer.substring(Math.max(0, answer.length() - 300)));
        }
    }

    // ---- helpers

    private static String state(Balor balor) {
        List<SessionInfo> sessions = balor.sessions();
        return sessions.size() == 1 ? sessions.get(0).state() : null;
    }

    private static int bufferedToUpstream(Balor balor) {
        if (balor == null) {
            return 0;
        }
        List<SessionInfo> sessions = balor.sessions();
        return sessions.size() == 1 ? sessions.get(0).bufferedToUpstream() : 0;
    }

    /** Reads one response with a Content-Length body. */
    private static String readResponse(InputStream in) throws IOException {
        String head = Clients.readHead(in);
        int length = Integer.parseInt(head.replaceAll("(?is).*\r\ncontent-length: *(\\d+).*", "$1"));
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }
}
