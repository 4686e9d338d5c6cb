package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.ProxyProtocolConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real HAProxy ({@code mode tcp}) in front of Balor, sending the PROXY header with
 * {@code send-proxy} and {@code send-proxy-v2}: the client connects to HAProxy from 127.0.0.2,
 * HAProxy connects to Balor from 127.0.0.1, and the upstream must be told 127.0.0.2.
 */
class HaproxySendsProxyTest {

    private final TestResources resources = new TestResources();
    @TempDir Path dir;
    @AfterEach
    void stop() throws Exception {
        resources.close();   // HAProxy too
    }

    @Test
    void theClientHaproxySawIsTheClientBalorForwards() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")
                        .withProxyProtocol(new ProxyProtocolConfig(List.of("127.0.0.1")))),
                List.of(PoolConfig.of("app", UpstreamConfig.of(app.address()))))));
        int balorPort = balor.boundAddress("web").getPort();
        int v1 = PeerProcess.freePort();
        int v2 = PeerProcess.freePort();
        PeerProcess haproxy = resources.track(PeerProcess.start(dir, """
                global
                  maxconn 64
                defaults
                  mode tcp
                  timeout connect 5s
                  timeout client 30s
                  timeout server 30s
                frontend v1
                  bind 127.0.0.1:%d
                  default_backend balor_v1
                frontend v2
                  bind 127.0.0.1:%d
                  default_backend balor_v2
                backend balor_v1
                  server balor 127.0.0.1:%d send-proxy
                backend balor_v2
                  server balor 127.0.0.1:%d send-proxy-v2
                """.formatted(v1, v2, balorPort, balorPort), v1, v2));
        app.forget();

        for (int port : new int[] {v1, v2}) {
            try (Socket client = new Socket()) {
                client.bind(new InetSocketAddress("127.0.0.2", 0));
                client.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                client.getOutputStream().write(("GET /via-" + (port == v1 ? "v1" : "v2")
                        + " HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String response = Clients.readToEnd(client.getInputStream());
                assertTrue(response.startsWith("HTTP/1.1 200"), response + "\nHAProxy:\n"
                        + haproxy.log());
            }
        }
        assertEquals(2, app.seen().size(), app.seen().toString());
        for (HttpUpstream.Seen seen : app.seen()) {
            assertEquals("127.0.0.2", seen.header("X-forwarded-for"), seen.path());
        }
    }
}
