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
}
