package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.RateLimitConfig;
import io.balor.config.RouteConfig;
import io.balor.config.UpstreamConfig;
import io.balor.time.ManualTicker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ACME's HTTP-01 answers on real sockets ({@link Balor#publishAcmeChallenge}): a published token
 * is answered by every HTTP listener before its rate limit and its routes, exactly and only for
 * {@code GET}/{@code HEAD} of its path; anything else goes where it would have gone. Time is a
 * manual ticker, so the rate limit never refills during the test.
 */
class AcmeHttp01Test {

    private static final String TOKEN = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";
    private static final String KEY_AUTHORIZATION = TOKEN + ".nP1qzpXGymHBrUEepNY9HCsQk7K8KhOypzEt62jcerQ";
    private static final String PATH = "/.well-known/acme-challenge/" + TOKEN;

    private final TestResources resources = new TestResources();
    private final ManualTicker ticker = new ManualTicker();

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private Balor start() throws IOException {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        return resources.track(Balor.start(new BalorConfig(List.of(
                        ListenerConfig.http("web", "127.0.0.1:0", "app").withRateLimit(RateLimitConfig.of(0.001, 1)),
                        // Host routes only: a request for another host has no route (404).
                        ListenerConfig.http("routed", "127.0.0.1:0", null)
                                .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(RouteConfig.of("app.example", "app"))))),
                        List.of(PoolConfig.of("app", UpstreamConfig.of(app.address())))),
                BalorOptions.defaults().withLoops(2).withTicker(ticker)));
    }

    /** The whole answer to {@code method path} on its own connection. */
    private static String ask(Balor balor, String listener, String method, String path, String host) throws IOException {
        try (Socket socket = Clients.connect(balor.boundAddress(listener))) {
            socket.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static String status(String answer) {
        return answer.substring(9, 12);
    }

    @Test
    void aPublishedTokenIsAnsweredBeforeTheRateLimitAndTheRoutes() throws Exception {
        Balor balor = start();
        assertEquals("200", status(ask(balor, "web", "GET", "/", "a")), "the one token of the listener's bucket");
        assertEquals("429", status(ask(balor, "web", "GET", "/", "a")), "the bucket is empty from now on");
        assertEquals("404", status(ask(balor, "routed", "GET", PATH, "ca.example")), "not published yet: routed");

        balor.publishAcmeChallenge(TOKEN, KEY_AUTHORIZATION);
        String answer = ask(balor, "web", "GET", PATH, "www.example");
        assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
        assertTrue(answer.contains("\r\nContent-Type: application/octet-stream\r\n"), answer);
        assertTrue(answer.contains("\r\nContent-Length: " + KEY_AUTHORIZATION.length() + "\r\n"), answer);
        assertTrue(answer.endsWith("\r\n\r\n" + KEY_AUTHORIZATION), "the body is the key authorization: " + answer);
        assertEquals("429", status(ask(balor, "web", "GET", "/", "a")), "the answer took nothing from the bucket,"
                + " and the limit still holds for the rest");
        assertEquals("200", status(ask(balor, "routed", "GET", PATH, "ca.example")), "before the routes too");

        String head = ask(balor, "routed", "HEAD", PATH, "ca.example");
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n") && head.endsWith("\r\n\r\n")
                && head.contains("Content-Length: " + KEY_AUTHORIZATION.length()), "HEAD has no body: " + head);

        balor.withdrawAcmeChallenge(TOKEN);
        assertEquals("404", status(ask(balor, "routed", "GET", PATH, "ca.example")), "withdrawn: routed again");
    }

    @Test
    void onlyTheExactPathOfAPublishedTokenByGetOrHeadIsAnswered() throws Exception {
        Balor balor = start();
        balor.publishAcmeChallenge(TOKEN, KEY_AUTHORIZATION);
        for (String path : List.of(PATH + "x", PATH.substring(0, PATH.length() - 1), PATH + "?a=1", PATH + "/",
                "/.well-known/acme-challenge/", "/.well-known/acme-challenge/other", "/x" + PATH)) {
            assertEquals("404", status(ask(balor, "routed", "GET", path, "ca.example")), path + " is routed");
        }
        assertEquals("404", status(ask(balor, "routed", "POST", PATH, "ca.example")), "a POST is routed");
        assertEquals("200", status(ask(balor, "routed", "GET", "http://ca.example" + PATH, "ca.example")),
                "the absolute form names the same path");
    }

    @Test
    void tokensAndKeyAuthorizationsAreCheckedStrictly() throws Exception {
        Balor balor = start();
        for (String token : List.of("", "a/b", "../x", "a b", "a%2e", "x".repeat(129), "ä")) {
            assertThrows(IllegalArgumentException.class, () -> balor.publishAcmeChallenge(token, token + ".abc"), token);
        }
        assertThrows(IllegalArgumentException.class, () -> balor.publishAcmeChallenge(TOKEN, "other.abc"));
        assertThrows(IllegalArgumentException.class, () -> balor.publishAcmeChallenge(TOKEN, TOKEN + ".a\r\nb"));
        assertThrows(IllegalArgumentException.class, () -> balor.publishAcmeChallenge(TOKEN, TOKEN + "."));
        assertEquals("404", status(ask(balor, "routed", "GET", PATH, "ca.example")), "nothing was published");
    }

    @Test
    void theAnswersOutliveAnApplyAndReachANewListener() throws Exception {
        Balor balor = start();
        balor.publishAcmeChallenge(TOKEN, KEY_AUTHORIZATION);
        BalorConfig config = balor.config();
        List<ListenerConfig> listeners = new java.util.ArrayList<>(config.listeners());
        listeners.add(ListenerConfig.http("later", "127.0.0.1:0", "app"));
        balor.apply(config.withListeners(listeners));
        assertEquals("200", status(ask(balor, "later", "GET", PATH, "ca.example")));
        assertEquals("200", status(ask(balor, "web", "GET", PATH, "ca.example")));
    }
}
