package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.StickyConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sticky sessions on an HTTP listener: Balor's cookie, and ip_hash. Real sockets and upstreams. */
class StickySessionTest {

    private static final Pattern STICKY = Pattern.compile("Set-Cookie: (BALOR_STICKY=[0-9a-f]+)(; [^\r]*)\r\n");

    private final TestResources resources = new TestResources();

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private BalorConfig config(StickyConfig sticky, List<UpstreamConfig> upstreams) {
        return new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")
                .withHttp(HttpSettings.DEFAULT.withSticky(sticky))), List.of(new PoolConfig("app", upstreams)));
    }

    @Test
    void theCookieKeepsAClientOnItsUpstreamAndIsReissuedWhenThatOneGoes() throws Exception {
        HttpUpstream a = resources.track(new HttpUpstream("a"));
        HttpUpstream b = resources.track(new HttpUpstream("b"));
        HttpUpstream c = resources.track(new HttpUpstream("c"));
        List<UpstreamConfig> upstreams = List.of(UpstreamConfig.of(a.address()), UpstreamConfig.of(b.address()),
                UpstreamConfig.of(c.address()));
        StickyConfig sticky = new StickyConfig(StickyConfig.Strategy.COOKIE, null);
        Balor balor = resources.track(Balor.start(config(sticky, upstreams), BalorOptions.defaults().withLoops(1)));
        InetSocketAddress front = balor.boundAddress("web");

        String first = get(front, null);
        Matcher cookie = STICKY.matcher(first);
        assertTrue(cookie.find(), first);
        assertEquals("; Path=/; HttpOnly; SameSite=Lax", cookie.group(2));
        String pinned = cookie.group(1);
        String upstream = body(first).split(" ")[0];
        for (int i = 0; i < 10; i++) {
            String again = get(front, pinned);
            assertEquals(upstream, body(again).split(" ")[0], "the cookie keeps the client on " + upstream);
            assertFalse(again.contains("Set-Cookie: BALOR_STICKY"), "a valid cookie is not re-issued");
        }
        Set<String> spread = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            spread.add(body(get(front, null)).split(" ")[0]);
        }
        assertEquals(3, spread.size(), "without the cookie the balancer spreads requests");

        int index = List.of("a", "b", "c").indexOf(upstream);
        List<UpstreamConfig> without = new java.util.ArrayList<>(upstreams);
        without.set(index, upstreams.get(index).withEnabled(false));
        balor.apply(config(sticky, without));
        String moved = get(front, pinned);
        assertNotEquals(upstream, body(moved).split(" ")[0]);
        Matcher reissued = STICKY.matcher(moved);
        assertTrue(reissued.find(), "the cookie is re-issued for the new upstream: " + moved);
        assertNotEquals(pinned, reissued.group(1));
    }

    @Test
    void ipHashSendsOneClientToOneUpstream() throws Exception {
        HttpUpstream a = resources.track(new HttpUpstream("a"));
        HttpUpstream b = resources.track(new HttpUpstream("b"));
        Balor balor = resources.track(Balor.start(config(new StickyConfig(StickyConfig.Strategy.IP_HASH, null),
                List.of(UpstreamConfig.of(a.address()), UpstreamConfig.of(b.address()))), BalorOptions.defaults()));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            String answer = get(balor.boundAddress("web"), null);
            assertFalse(answer.contains("Set-Cookie"), answer);
            seen.add(body(answer).split(" ")[0]);
        }
        assertEquals(1, seen.size(), "127.0.0.1 always lands on the same upstream: " + seen);
    }

    private static String get(InetSocketAddress front, String cookie) throws IOException {
        try (Socket socket = Clients.connect(front)) {
            String request = "GET /who HTTP/1.1\r\nHost: app.example\r\n"
                    + (cookie == null ? "" : "Cookie: theme=dark; " + cookie + "; lang=en\r\n")
                    + "Connection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertNotNull(answer);
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            return answer;
        }
    }

    private static String body(String answer) {
        return answer.substring(answer.indexOf("\r\n\r\n") + 4);
    }
}
