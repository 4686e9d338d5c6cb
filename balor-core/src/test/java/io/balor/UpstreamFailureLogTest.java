package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.RouteConfig;
import io.balor.config.UpstreamConfig;
import io.balor.config.UpstreamTlsConfig;
import io.balor.tls.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13: what the access log and the event log say about an exchange that Balor answered
 * itself, end to end on real sockets. {@code bytes_out} is what the client read (a self-written
 * 502 or 404 included), {@code upstream} the last upstream tried even when the connect to it
 * failed, {@code error} why (a refused connect, an upstream certificate that does not verify, a
 * reset, a close without an answer, a bad head), and each upstream failure is an {@code upstream}
 * event at WARNING, at most one per upstream per 10 s of the loops' (manual) clock, naming the
 * failures held back meanwhile. The event log is the process's: each test looks for its own
 * upstream's id (an ephemeral port).
 */
class UpstreamFailureLogTest extends ApplyTestBase {

    private static final Pattern BYTES_OUT = Pattern.compile("\"bytes_out\":([0-9]+),");

    @TempDir
    Path dir;

    private Balor startLogged(BalorConfig config) {
        return track(Balor.start(config, BalorOptions.defaults().withLoops(2).withTicker(ticker)
                .withAccessLog(AccessLogOptions.MEMORY)));
    }

    private static BalorConfig onePool(PoolConfig pool) {
        return new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", pool.name())), List.of(pool));
    }

    /** One request on a connection of its own, {@code Connection: close}: every byte the client read. */
    private static byte[] exchange(InetSocketAddress address, String host, String path) throws IOException {
        try (Socket socket = Clients.connect(address)) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return socket.getInputStream().readAllBytes();
        }
    }

    private static String status(byte[] response) {
        return new String(response, 9, 3, StandardCharsets.US_ASCII);
    }

    /** The access-log line of the one exchange of {@code path}. */
    private static String line(Balor balor, String path) {
        Await.until("the access-log line of " + path, () -> balor.recentAccessLog(10_000).stream()
                .anyMatch(line -> line.contains("\"path\":\"" + path + "\"")));
        List<String> lines = balor.recentAccessLog(10_000).stream()
                .filter(line -> line.contains("\"path\":\"" + path + "\"")).toList();
        assertEquals(1, lines.size(), lines.toString());
        return lines.get(0);
    }

    private static long bytesOut(String line) {
        Matcher matcher = BYTES_OUT.matcher(line);
        assertTrue(matcher.find(), line);
        return Long.parseLong(matcher.group(1));
    }

    /** The {@code upstream} events that name upstream {@code id}. */
    private static List<LogEvent> events(Balor balor, String id) {
        return balor.recentEvents(Integer.MAX_VALUE, Level.ALL).stream()
                .filter(event -> event.source().equals("upstream") && event.message().startsWith("upstream " + id + ":"))
                .toList();
    }

    @Test
    void aRefusedConnectIs502LoggedWithTheBytesSentTheUpstreamTriedAndWhy() throws Exception {
        String dead = TestServer.refusingAddress();
        Balor balor = startLogged(onePool(PoolConfig.of("app", UpstreamConfig.of(dead))));

        byte[] response = exchange(balor.boundAddress("web"), "app.example", "/refused");

        assertEquals("502", status(response));
        String line = line(balor, "/refused");
        assertEquals(response.length, bytesOut(line), "bytes_out is what the client read: " + line);
        assertTrue(line.contains("\"upstream\":\"app/" + dead + "\""), "the upstream tried: " + line);
        assertTrue(line.endsWith(",\"error\":\"connect_refused\"}"), line);
        List<LogEvent> events = events(balor, "app/" + dead);
        assertEquals(1, events.size(), events.toString());
        assertEquals(Level.WARNING, events.get(0).level());
        assertEquals("upstream app/" + dead + ": connect_refused", events.get(0).message());
    }

    @Test
    void anUpstreamCertificateThatDoesNotVerifyIs502WithTheTlsReason() throws Exception {
        TestPki trusted = TestPki.ca("Trusted CA");
        Path ca = dir.resolve("ca.pem");
        trusted.writeCaBundle(ca);
        HttpsUpstream otherCa = track(new HttpsUpstream("other", TestPki.ca("Other CA").issue("app.example")));
        HttpsUpstream otherName = track(new HttpsUpstream("name", trusted.issue("other.example")));
        PoolConfig untrusted = PoolConfig.of("untrusted", UpstreamConfig.of(otherCa.address()))
                .withTls(UpstreamTlsConfig.trusting(ca.toString()));
        PoolConfig misnamed = PoolConfig.of("misnamed", UpstreamConfig.of(otherName.address()))
                .withTls(UpstreamTlsConfig.trusting(ca.toString()));
        Balor balor = startLogged(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", null)
                .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(new RouteConfig("a.example", "/", "untrusted"),
                        new RouteConfig("b.example", "/", "misnamed"))))), List.of(untrusted, misnamed)));

        byte[] first = exchange(balor.boundAddress("web"), "a.example", "/other-ca");
        byte[] second = exchange(balor.boundAddress("web"), "b.example", "/other-name");

        assertEquals("502", status(first));
        assertEquals("502", status(second));
        String id = "untrusted/" + otherCa.address();
        String line = line(balor, "/other-ca");
        assertTrue(line.contains("\"upstream\":\"" + id + "\""), line);
        assertTrue(line.contains(",\"error\":\"upstream_tls: PKIX path building failed"), line);
        assertEquals(first.length, bytesOut(line), line);
        List<LogEvent> events = events(balor, id);
        assertEquals(1, events.size(), events.toString());
        assertTrue(events.get(0).message().startsWith("upstream " + id + ": upstream_tls: PKIX path building failed"),
                events.toString());

        String misnamedLine = line(balor, "/other-name");
        assertTrue(misnamedLine.contains(",\"error\":\"upstream_tls: No subject alternative DNS name matching b.example"),
                misnamedLine);
        assertTrue(events(balor, "misnamed/" + otherName.address()).get(0).message()
                .contains("upstream_tls: No subject alternative DNS name matching b.example"));
    }

    @Test
    void anUpstreamThatResetsClosesOrAnswersGarbageIsLoggedAsSuch() throws Exception {
        TestServer resets = track(new TestServer(socket -> {
            readHead(socket.getInputStream());
            socket.setSoLinger(true, 0);   // RST, not FIN
            socket.close();
        }));
        TestServer closes = track(new TestServer(socket -> {
            readHead(socket.getInputStream());
            socket.close();
        }));
        TestServer garbage = track(new TestServer(socket -> {
            readHead(socket.getInputStream());
            socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
            socket.close();
        }));
        TestServer cuts = track(new TestServer(socket -> {
            readHead(socket.getInputStream());
            socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"
                    .getBytes(StandardCharsets.US_ASCII));
            socket.close();
        }));
        Balor balor = startLogged(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", null)
                .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(new RouteConfig("reset.example", "/", "resets"),
                        new RouteConfig("close.example", "/", "closes"), new RouteConfig("bad.example", "/", "garbage"),
                        new RouteConfig("cut.example", "/", "cuts"))))),
                List.of(PoolConfig.of("resets", UpstreamConfig.of(resets.address())),
                        PoolConfig.of("closes", UpstreamConfig.of(closes.address())),
                        PoolConfig.of("garbage", UpstreamConfig.of(garbage.address())),
                        PoolConfig.of("cuts", UpstreamConfig.of(cuts.address())))));
        InetSocketAddress web = balor.boundAddress("web");

        byte[] reset = exchange(web, "reset.example", "/reset");
        byte[] closed = exchange(web, "close.example", "/close");
        byte[] bad = exchange(web, "bad.example", "/bad");
        byte[] cut = exchange(web, "cut.example", "/cut");

        assertEquals(List.of("502", "502", "502"), List.of(status(reset), status(closed), status(bad)));
        String resetLine = line(balor, "/reset");
        assertTrue(resetLine.endsWith(",\"error\":\"upstream_reset\"}"), resetLine);
        assertTrue(resetLine.contains("\"upstream\":\"resets/" + resets.address() + "\""), resetLine);
        assertEquals(reset.length, bytesOut(resetLine));
        assertTrue(line(balor, "/close").endsWith(",\"error\":\"upstream_closed\"}"), line(balor, "/close"));
        assertTrue(line(balor, "/bad").endsWith(",\"error\":\"bad_response_head: invalid\"}"), line(balor, "/bad"));
        assertEquals("upstream resets/" + resets.address() + ": upstream_reset",
                events(balor, "resets/" + resets.address()).get(0).message());
        assertEquals("upstream closes/" + closes.address() + ": upstream_closed",
                events(balor, "closes/" + closes.address()).get(0).message());
        assertEquals("upstream garbage/" + garbage.address() + ": bad_response_head: invalid",
                events(balor, "garbage/" + garbage.address()).get(0).message());
        // A body cut short: the client sees the connection close early; the event says why.
        assertTrue(new String(cut, StandardCharsets.US_ASCII).endsWith("\r\n\r\nshort"));
        assertEquals("upstream cuts/" + cuts.address() + ": upstream_closed",
                events(balor, "cuts/" + cuts.address()).get(0).message());
        // ... and the exchange has its line: the status relayed, the bytes given, why it was cut.
        String cutLine = line(balor, "/cut");
        assertTrue(cutLine.contains("\"status\":200,"), cutLine);
        assertTrue(cutLine.endsWith(",\"error\":\"upstream_closed\"}"), cutLine);
        assertEquals(cut.length, bytesOut(cutLine));
    }

    @Test
    void aResponseBodyThatStopsMovingIsLoggedAsBodyIdleAndCut() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        TestServer stalls = track(new TestServer(socket -> {
            readHead(socket.getInputStream());
            socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst"
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            try {
                release.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            socket.close();
        }));
        try {
            Balor balor = startLogged(onePool(PoolConfig.of("stalls", UpstreamConfig.of(stalls.address()))));
            InetSocketAddress web = balor.boundAddress("web");
            try (Socket socket = Clients.connect(web)) {
                socket.getOutputStream().write("GET /stall HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                readHead(in);
                assertEquals('f', in.read(), "the body has begun");
                Await.until("the session waits for the rest of the body", () -> balor.sessions().size() == 1);
                ticker.advance(java.time.Duration.ofSeconds(31));   // body_idle_ms is 30 s
                byte[] rest = in.readAllBytes();   // the connection closes: the body ends short
                assertEquals("irst", new String(rest, StandardCharsets.US_ASCII));
            }
            String stalled = line(balor, "/stall");
            assertTrue(stalled.contains("\"status\":200,"), stalled);
            assertTrue(stalled.endsWith(",\"error\":\"body_idle\"}"), stalled);
        } finally {
            release.countDown();
        }
    }

    @Test
    void answersThatWorkOrWereNeverForwardedLogTheBytesTheClientReadAndNoError() throws Exception {
        HttpUpstream app = track(new HttpUpstream("app"));
        PoolConfig off = PoolConfig.of("off", UpstreamConfig.of(TestServer.refusingAddress()).withEnabled(false));
        Balor balor = startLogged(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", null)
                .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(new RouteConfig("app.example", "/", "app"),
                        new RouteConfig("off.example", "/", "off"))))),
                List.of(PoolConfig.of("app", UpstreamConfig.of(app.address())), off)));
        InetSocketAddress web = balor.boundAddress("web");

        byte[] ok = exchange(web, "app.example", "/ok");
        byte[] notFound = exchange(web, "nowhere.example", "/not-found");
        byte[] unavailable = exchange(web, "off.example", "/unavailable");

        assertEquals(List.of("200", "404", "503"), List.of(status(ok), status(notFound), status(unavailable)));
        for (String path : List.of("/ok", "/not-found", "/unavailable")) {
            String line = line(balor, path);
            byte[] read = path.equals("/ok") ? ok : path.equals("/not-found") ? notFound : unavailable;
            assertEquals(read.length, bytesOut(line), "what the client read: " + line);
            assertTrue(line.endsWith(",\"error\":null}"), line);
        }
        assertTrue(line(balor, "/unavailable").contains("\"upstream\":null"), "none was tried");
    }

    @Test
    void a504AndA429LogTheBytesTheClientReadAndTheTimeoutSaysWhy() throws Exception {
        TestServer silent = track(new TestServer(socket -> socket.getInputStream().readAllBytes()));
        Balor balor = startLogged(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")
                .withRateLimit(io.balor.config.RateLimitConfig.of(0.001, 1))),
                List.of(PoolConfig.of("app", UpstreamConfig.of(silent.address())))));
        InetSocketAddress web = balor.boundAddress("web");
        byte[] timedOut;
        try (Socket client = Clients.connect(web)) {
            client.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Await.until("the request is forwarded", () -> silent.accepted() == 1
                    && balor.sessions().stream().anyMatch(session -> session.state().equals("exchange")));
            ticker.advance(Duration.ofSeconds(61));
            balor.sessions();   // wakes the loops so that they see the time
            timedOut = client.getInputStream().readAllBytes();
        }
        byte[] limited = exchange(web, "a", "/limited");

        assertEquals("504", status(timedOut));
        assertEquals("429", status(limited));
        String slow = line(balor, "/slow");
        assertEquals(timedOut.length, bytesOut(slow), slow);
        assertTrue(slow.contains("\"upstream\":\"app/" + silent.address() + "\""), slow);
        assertTrue(slow.endsWith(",\"error\":\"response_timeout\"}"), slow);
        String refused = line(balor, "/limited");
        assertEquals(limited.length, bytesOut(refused), refused);
        assertTrue(refused.endsWith(",\"error\":null}"), "a refusal of Balor's own is no upstream's error: " + refused);
    }

    @Test
    void failureEventsAreAtMostOnePerUpstreamPerTenSecondsAndCountTheOthers() throws Exception {
        String dead = TestServer.refusingAddress();
        String id = "app/" + dead;
        Balor balor = startLogged(onePool(PoolConfig.of("app", UpstreamConfig.of(dead))));
        InetSocketAddress web = balor.boundAddress("web");

        for (int i = 0; i < 5; i++) {
            assertEquals("502", status(exchange(web, "app.example", "/burst" + i)));
        }
        assertEquals(1, events(balor, id).size(), "four held back: " + events(balor, id));
        ticker.advance(Duration.ofSeconds(9));
        assertEquals("502", status(exchange(web, "app.example", "/later")));
        assertEquals(1, events(balor, id).size(), events(balor, id).toString());

        ticker.advance(Duration.ofSeconds(1));
        assertEquals("502", status(exchange(web, "app.example", "/next")));
        List<LogEvent> events = events(balor, id);
        assertEquals(2, events.size(), events.toString());
        assertEquals("upstream " + id + ": connect_refused (and 5 more since the previous report, 10 s ago)",
                events.get(1).message());
        Await.until("every exchange still says why in the access log", () -> balor.recentAccessLog(10_000).stream()
                .filter(l -> l.contains("\"error\":\"connect_refused\"")).count() == 7);
    }

    @Test
    void anL4ConnectThatIsRefusedIsAnEventToo() throws Exception {
        String dead = TestServer.refusingAddress();
        Balor balor = startLogged(new BalorConfig(List.of(ListenerConfig.tcp("l4", "127.0.0.1:0", "tcp")),
                List.of(PoolConfig.of("tcp", UpstreamConfig.of(dead)))));

        assertEquals("", Clients.readAll(balor.boundAddress("l4")), "closed: no upstream to tunnel to");

        List<LogEvent> events = events(balor, "tcp/" + dead);
        assertEquals(List.of("upstream tcp/" + dead + ": connect_refused"), events.stream().map(LogEvent::message).toList());
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }
}
