package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;
import io.balor.http.SmugglingCases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The smuggling table end to end: each attack, followed by a pipelined canary, through a real
 * Balor HTTP listener to a recording upstream. A refused attack reaches the upstream not at all
 * (head refused) or never completes there (body refused), and the canary never reaches it; an
 * accepted one arrives with exactly its body, and the canary arrives as a request of its own.
 */
class SmugglingEndToEndTest {

    private static HttpUpstream upstream;
    private static Balor balor;

    @BeforeAll
    static void start() throws IOException {
        upstream = new HttpUpstream("rec");
        balor = Balor.start(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "rec")),
                List.of(PoolConfig.of("rec", UpstreamConfig.of(upstream.address())))), BalorOptions.defaults().withLoops(1));
    }

    @AfterAll
    static void stop() {
        balor.close();
        upstream.close();
    }

    /**
     * Every case but the accepted ones with trailers: the JDK's HTTP server, the recording
     * upstream here, cannot read a trailer section (it expects CRLF right after the last chunk).
     * Trailers through Balor are checked byte for byte against a raw upstream in HttpProxyTest.
     */
    static List<SmugglingCases.Case> cases() {
        List<SmugglingCases.Case> cases = new java.util.ArrayList<>();
        for (SmugglingCases.Case attack : SmugglingCases.ALL) {
            if (attack.refused() || !attack.attack().contains("\r\n0\r\nX-")) {
                cases.add(attack);
            }
        }
        return cases;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void attackThenCanary(SmugglingCases.Case attack) throws IOException {
        upstream.forget();
        try (Socket socket = Clients.connect(balor.boundAddress("web"))) {
            socket.getOutputStream().write(attack.bytes());
            InputStream in = socket.getInputStream();
            if (attack.refused()) {
                String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);   // Balor closes
                if (attack.outcome() == SmugglingCases.Outcome.HEAD_REFUSED) {
                    assertTrue(answer.startsWith("HTTP/1.1 " + attack.status() + " "), answer);
                    assertEquals(0, upstream.seen().size(), "nothing of a refused head is forwarded");
                }
                for (HttpUpstream.Seen seen : upstream.seen()) {
                    assertTrue(!seen.path().startsWith("/canary"), "the canary reached the upstream: " + seen.path());
                }
                return;
            }
            Await.until("the canary arrives as its own request", () -> upstream.seen().size() >= 2);
            List<HttpUpstream.Seen> seen = upstream.seen();
            assertEquals(2, seen.size(), seen.toString());
            assertArrayEquals(attack.body() == null ? new byte[0] : attack.body().getBytes(StandardCharsets.ISO_8859_1),
                    seen.get(0).body(), "the attack's body as framed");
            assertEquals("/canary", seen.get(1).path());
        }
    }
}
