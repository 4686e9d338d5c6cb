package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.RouteConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The L7 proxy end to end: java.net.http and raw sockets against real HTTP upstreams. */
class HttpProxyTest {

    private final TestResources resources = new TestResources();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private Balor start(ListenerConfig listener, PoolConfig... pools) {
        return resources.track(Balor.start(new BalorConfig(List.of(listener), List.of(pools)),
                BalorOptions.defaults().withLoops(2)));
    }

    private static URI uri(Balor balor, String path) {
        return URI.create("http://127.0.0.1:" + balor.boundAddress("web").getPort() + path);
    }

    @Test
    void forwardsRequestsAndReusesUpstreamConnections() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "app"),
                PoolConfig.of("app", UpstreamConfig.of(app.address())));
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri(balor, "/hello?i=" + i)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("app GET /hello?i=" + i + " 0", response.body());
        }
        HttpUpstream.Seen first = app.seen().get(0);
        assertEquals("127.0.0.1", first.header("X-forwarded-for"));
        assertEquals("http", first.header("X-forwarded-proto"));
        assertTrue(first.header("Host").startsWith("127.0.0.1:"), first.header("Host"));
        assertTrue(app.connections() <= 4, "upstream connections are kept alive and reused: " + app.connections());
    }

    /**
     * Issue 12: requests on new connections, which the acceptor hands to the two loops in turn,
     * alternate between the upstreams ({@code ONE TWO ONE TWO}, not {@code ONE ONE TWO TWO}).
     */
    @Test
    void requestsOnNewConnectionsAlternateAcrossLoops() throws Exception {
        HttpUpstream one = resources.track(new HttpUpstream("ONE"));
        HttpUpstream two = resources.track(new HttpUpstream("TWO"));
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "app"),
                PoolConfig.of("app", UpstreamConfig.of(one.address()), UpstreamConfig.of(two.address())));
        StringBuilder picks = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            String answer = raw(balor.boundAddress("web"), "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            picks.append(answer.substring(answer.indexOf("\r\n\r\n") + 4, answer.indexOf(" GET"))).append(' ');
        }
        assertEquals("ONE TWO ".repeat(10), picks.toString());
    }

    @Test
    void expectContinueWaitsForTheUpstreamsHundredBeforeTheBody() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "app"),
                PoolConfig.of("app", UpstreamConfig.of(app.address())));
        try (Socket socket = Clients.connect(balor.boundAddress("web"))) {
            socket.getOutputStream().write(("PUT /echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 5\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String interim = readResponseHead(in);
            assertTrue(interim.startsWith("HTTP/1.1 100 "), "the upstream's 100 Continue passes through: " + interim);
            socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            String rest = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(rest.startsWith("HTTP/1.1 200 ") && rest.endsWith("hello"), rest);
        }
        assertEquals("100-continue", app.seen().get(0).header("Expect"));
    }

    @Test
    void httpOneZeroClientsGetNoInterimResponses() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "app"),
                PoolConfig.of("app", UpstreamConfig.of(app.address())));
        String answer = raw(balor.boundAddress("web"), "PUT /echo HTTP/1.0\r\nExpect: 100-continue\r\n"
                + "Content-Length: 5\r\n\r\nhello");
        assertTrue(answer.startsWith("HTTP/1.1 200 ") && answer.endsWith("hello"), answer);
    }

    private static String readResponseHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Test
    void aResponseThatRunsUntilCloseIsChunkedForAKeepAliveClient() throws Exception {
        TestServer old = resources.track(new TestServer(socket -> {
            readHead(socket.getInputStream());
            socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close".getBytes(
                    StandardCharsets.US_ASCII));
            socket.close();
        }));
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "old"),
                PoolConfig.of("old", UpstreamConfig.of(old.address())));
        try (Socket socket = Clients.connect(balor.boundAddress("web"))) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String head = readResponseHead(in);
            assertTrue(head.contains("\r\nTransfer-Encoding: chunked\r\n") && !head.contains("Connection: close"), head);
            StringBuilder body = new StringBuilder();
            while (!body.toString().endsWith("0\r\n\r\n")) {
                body.append((char) in.read());
            }
            assertEquals("b\r\nuntil close\r\n0\r\n\r\n", body.toString());
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".getBytes(
                    StandardCharsets.US_ASCII));
            assertTrue(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200 "),
                    "the client connection stayed usable");
        }
    }

    @Test
    void anInvalidUpstreamResponseIsA502() throws Exception {
        TestServer bad = resources.track(new TestServer(socket -> {
            readHead(socket.getInputStream());
            socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\nok"
                    .getBytes(StandardCharsets.US_ASCII));
            readHead(socket.getInputStream());   // Balor must close this connection, not reuse it
        }));
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "bad"),
                PoolConfig.of("bad", UpstreamConfig.of(bad.address())));
        String answer = raw(balor.boundAddress("web"), "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 502 Bad Gateway\r\n"), answer);
    }

    @Test
    void aPoolCanSendTheUpstreamsOwnHost() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "app"),
                PoolConfig.of("app", UpstreamConfig.of(app.address())).withHostHeader(PoolConfig.HostHeader.UPSTREAM));
        assertTrue(raw(balor.boundAddress("web"), "GET / HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n")
                .startsWith("HTTP/1.1 200 "));
        HttpUpstream.Seen seen = app.seen().get(0);
        assertEquals(app.address(), seen.header("Host"));
        assertEquals("shop.example", seen.header("X-forwarded-host"), "the client's host still travels");
    }

    @Test
    void streamsBodiesBothWaysWithLengthAndChunked() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "app"),
                PoolConfig.of("app", UpstreamConfig.of(app.address())));
        byte[] body = new byte[3 * 1024 * 1024 + 17];
        new Random(5).nextBytes(body);

        HttpResponse<byte[]> fixed = client.send(HttpRequest.newBuilder(uri(balor, "/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, fixed.statusCode());
        assertArrayEquals(body, fixed.body());

        HttpResponse<byte[]> chunked = client.send(HttpRequest.newBuilder(uri(balor, "/echo"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, chunked.statusCode());
        assertArrayEquals(body, chunked.body());

        HttpResponse<String> lines = client.send(HttpRequest.newBuilder(uri(balor, "/chunked")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(100, lines.body().lines().count());
    }

    @Test
    void routesByHostWithWildcardsAndPathPrefixes() throws Exception {
        HttpUpstream api = resources.track(new HttpUpstream("api"));
        HttpUpstream shop = resources.track(new HttpUpstream("shop"));
        HttpUpstream images = resources.track(new HttpUpstream("images"));
        ListenerConfig web = ListenerConfig.http("web", "127.0.0.1:0", null).withHttp(HttpSettings.DEFAULT.withRoutes(List.of(
                RouteConfig.of("api.example.com", "api"),
                RouteConfig.of("*.shop.example", "shop"),
                new RouteConfig("*.shop.example", "/images/", "images"))));
        Balor balor = start(web, PoolConfig.of("api", UpstreamConfig.of(api.address())),
                PoolConfig.of("shop", UpstreamConfig.of(shop.address())),
                PoolConfig.of("images", UpstreamConfig.of(images.address())));
        InetSocketAddress front = balor.boundAddress("web");

        assertTrue(raw(front, "GET /v1 HTTP/1.1\r\nHost: API.example.com.:8080\r\nConnection: close\r\n\r\n")
                .endsWith("api GET /v1 0"));
        assertTrue(raw(front, "GET /cart HTTP/1.1\r\nHost: eu.shop.example\r\nConnection: close\r\n\r\n")
                .endsWith("shop GET /cart 0"));
        assertTrue(raw(front, "GET /images/a.png HTTP/1.1\r\nHost: eu.shop.example\r\nConnection: close\r\n\r\n")
                .endsWith("images GET /images/a.png 0"));
        assertTrue(raw(front, "GET / HTTP/1.1\r\nHost: evilshop.example\r\nConnection: close\r\n\r\n")
                .startsWith("HTTP/1.1 404 "));
        assertTrue(raw(front, "GET / HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n")
                .startsWith("HTTP/1.1 404 "));
    }

    @Test
    void errorsHaveTheRightStatusAndNothingIsForwarded() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "app"),
                PoolConfig.of("app", UpstreamConfig.of(app.address())));
        InetSocketAddress front = balor.boundAddress("web");
        assertTrue(raw(front, "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
                .startsWith("HTTP/1.1 400 Bad Request\r\n"));
        assertTrue(raw(front, "GET / HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 400 "));
        assertTrue(raw(front, "GET / HTTP/3.0\r\nHost: a\r\n\r\n").startsWith("HTTP/1.1 505 "));
        assertEquals(0, app.seen().size(), "a refused request is never forwarded");
    }

    @Test
    void unreachableAndMissingUpstreamsGive502And503() throws Exception {
        Balor refused = start(ListenerConfig.http("web", "127.0.0.1:0", "dead"),
                PoolConfig.of("dead", UpstreamConfig.of(TestServer.refusingAddress())));
        String answer = raw(refused.boundAddress("web"), "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 502 Bad Gateway\r\n"), answer);
        assertTrue(answer.contains("request id: "), answer);
        refused.close();

        Balor none = start(ListenerConfig.http("web", "127.0.0.1:0", "off"),
                PoolConfig.of("off", UpstreamConfig.of("127.0.0.1:9").withEnabled(false)));
        String unavailable = raw(none.boundAddress("web"), "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertTrue(unavailable.startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                && unavailable.contains("Retry-After: 1\r\n"), unavailable);
    }

    /**
     * Issue 12: Balor's own answers carry the standard phrase, but a relayed status line keeps the
     * upstream's phrase as sent, even an unusual or empty one (as HAProxy relays it).
     */
    @Test
    void aRelayedStatusLineKeepsTheUpstreamsOwnReasonPhrase() throws Exception {
        String[] lines = {"HTTP/1.1 429 Slow Down", "HTTP/1.1 503 ", "HTTP/1.1 200 Fine Thanks"};
        for (String line : lines) {
            TestServer upstream = resources.track(new TestServer(socket -> {
                readHead(socket.getInputStream());
                socket.getOutputStream().write((line + "\r\nContent-Length: 2\r\n\r\nok")
                        .getBytes(StandardCharsets.US_ASCII));
                socket.close();
            }));
            Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "app"),
                    PoolConfig.of("app", UpstreamConfig.of(upstream.address())));
            String answer = raw(balor.boundAddress("web"), "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            assertEquals(line, answer.substring(0, answer.indexOf("\r\n")), answer);
            balor.close();
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "app"),
                PoolConfig.of("app", UpstreamConfig.of(app.address())));
        String answers = raw(balor.boundAddress("web"), "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
                + "POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /3 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        int one = answers.indexOf("app GET /1 0");
        int two = answers.indexOf("app POST /2 3");
        int three = answers.indexOf("app GET /3 0");
        assertTrue(one > 0 && two > one && three > two, answers);
    }

    @Test
    void cookieDomainsAreRewrittenToTheClientHost() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "app"),
                PoolConfig.of("app", UpstreamConfig.of(app.address())));
        String answer = raw(balor.boundAddress("web"),
                "GET /cookie HTTP/1.1\r\nHost: shop.example:8080\r\nConnection: close\r\n\r\n");
        assertTrue(answer.contains("Set-cookie: sid=42; Domain=shop.example; Path=/\r\n")
                || answer.contains("Set-Cookie: sid=42; Domain=shop.example; Path=/\r\n"), answer);
    }

    @Test
    void headAnd204And304HaveNoBody() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "app"),
                PoolConfig.of("app", UpstreamConfig.of(app.address())));
        String answers = raw(balor.boundAddress("web"), "HEAD /x HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /status/204 HTTP/1.1\r\nHost: a\r\n\r\nGET /status/304 HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET /last HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        assertTrue(answers.contains("HTTP/1.1 204 ") && answers.contains("HTTP/1.1 304 "), answers);
        assertTrue(answers.endsWith("app GET /last 0"), answers);
        assertEquals(1, answers.split("app ", -1).length - 1, "only the last response has a body: " + answers);
    }

    @Test
    void chunkedTrailersPassThroughReChunked() throws Exception {
        java.util.concurrent.CompletableFuture<String> received = new java.util.concurrent.CompletableFuture<>();
        TestServer upstream = resources.track(new TestServer(socket -> {
            InputStream in = socket.getInputStream();
            StringBuilder bytes = new StringBuilder();
            while (!bytes.toString().endsWith("X-Checksum: 42\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                bytes.append((char) b);
            }
            received.complete(bytes.toString());
            socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
        }));
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "raw"),
                PoolConfig.of("raw", UpstreamConfig.of(upstream.address())));
        String answer = raw(balor.boundAddress("web"), "POST /grpc HTTP/1.1\r\nHost: a\r\nTE: trailers\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n005;ext=1\r\nhello\r\n0\r\nX-Checksum: 42\r\n\r\n");
        assertTrue(answer.endsWith("ok"), answer);
        String forwarded = received.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(forwarded.contains("\r\nTE: trailers\r\n"), forwarded);
        assertTrue(forwarded.endsWith("\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Checksum: 42\r\n\r\n"),
                "re-chunked without the extension, trailers kept: " + forwarded);
    }

    @Test
    void aSafeRequestIsSentAgainWhenAReusedConnectionTurnsOutClosed() throws Exception {
        // Answers the first request of each connection, then drops the connection when the
        // next request arrives: the race of an upstream closing an idle keep-alive connection.
        TestServer flaky = resources.track(new TestServer(socket -> {
            InputStream in = socket.getInputStream();
            readHead(in);
            socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
            readHead(in);
            socket.close();
        }));
        Balor balor = start(ListenerConfig.http("web", "127.0.0.1:0", "flaky"),
                PoolConfig.of("flaky", UpstreamConfig.of(flaky.address())));
        try (Socket socket = Clients.connect(balor.boundAddress("web"))) {
            socket.getOutputStream().write("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String first = readResponse(socket.getInputStream());
            assertTrue(first.startsWith("HTTP/1.1 200 ") && first.endsWith("ok"), first);
            socket.getOutputStream().write("GET /2 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String second = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(second.startsWith("HTTP/1.1 200 ") && second.endsWith("ok"), second);
        }
        assertEquals(1, balor.listenerStats().get(0).retries());
        assertEquals(2, flaky.accepted(), "the retry went out on a new connection");
    }

    /** Reads one response with a Content-Length body. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        while (!text.toString().contains("\r\n\r\n")) {
            text.append((char) in.read());
        }
        int length = Integer.parseInt(text.toString().replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
        for (int i = 0; i < length; i++) {
            text.append((char) in.read());
        }
        return text.toString();
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed");
            }
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    /** Sends raw bytes, reads until the server closes. */
    private static String raw(InetSocketAddress address, String text) throws IOException {
        try (Socket socket = Clients.connect(address)) {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
