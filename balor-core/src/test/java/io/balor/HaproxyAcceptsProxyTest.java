package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.PoolConfig.ProxyVersion;
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
 * A real HAProxy behind Balor, reading the PROXY header Balor sends with {@code accept-proxy}
 * ({@code mode http}): the client connects to Balor from 127.0.0.2, Balor connects to HAProxy
 * from 127.0.0.1, and HAProxy must see 127.0.0.2 and the Balor listener's address, which it
 * writes into request headers for the upstream behind it. Versions 1 and 2, HTTP and TCP
 * listeners. The mirror of {@link HaproxySendsProxyTest}.
 */
class HaproxyAcceptsProxyTest {

    private final TestResources resources = new TestResources();
    @TempDir Path dir;
    @AfterEach
    void stop() throws Exception {
        resources.close();   // HAProxy too
    }

    @Test
    void haproxySeesTheClientBalorSpeaksFor() throws Exception {
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        int v1 = PeerProcess.freePort();
        int v2 = PeerProcess.freePort();
        PeerProcess haproxy = resources.track(PeerProcess.start(dir, """
                global
                  maxconn 64
                defaults
                  mode http
                  timeout connect 5s
                  timeout client 30s
                  timeout server 30s
                frontend v1
                  bind 127.0.0.1:%d accept-proxy
                  http-request set-header X-Haproxy-Src %%[src]:%%[src_port]
                  http-request set-header X-Haproxy-Dst %%[dst]:%%[dst_port]
                  default_backend app
                frontend v2
                  bind 127.0.0.1:%d accept-proxy
                  http-request set-header X-Haproxy-Src %%[src]:%%[src_port]
                  http-request set-header X-Haproxy-Dst %%[dst]:%%[dst_port]
                  default_backend app
                backend app
                  server app %s
                """.formatted(v1, v2, app.address()), v1, v2));
        Balor balor = resources.track(Balor.start(new BalorConfig(
                List.of(ListenerConfig.http("web1", "127.0.0.1:0", "v1"), ListenerConfig.http("web2", "127.0.0.1:0", "v2"),
                        ListenerConfig.tcp("tcp", "127.0.0.1:0", "v2")),
                List.of(PoolConfig.of("v1", UpstreamConfig.of("127.0.0.1:" + v1)).withSendProxyProtocol(ProxyVersion.V1),
                        PoolConfig.of("v2", UpstreamConfig.of("127.0.0.1:" + v2)).withSendProxyProtocol(ProxyVersion.V2))),
                BalorOptions.defaults().withLoops(1)));

        for (String listener : List.of("web1", "web2", "tcp")) {
            app.forget();
            InetSocketAddress address = balor.boundAddress(listener);
            try (Socket client = new Socket()) {
                client.bind(new InetSocketAddress("127.0.0.2", 0));
                client.connect(address, 10_000);
                client.setSoTimeout(20_000);
                client.getOutputStream().write(("GET /via-" + listener + " HTTP/1.1\r\nHost: a.example\r\n"
                        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String response = Clients.readToEnd(client.getInputStream());
                assertTrue(response.startsWith("HTTP/1.1 200"), listener + ": " + response + "\nHAProxy:\n"
                        + haproxy.log());
                assertEquals(1, app.seen().size(), listener + ": " + app.seen());
                HttpUpstream.Seen seen = app.seen().get(0);
                assertEquals("127.0.0.2:" + client.getLocalPort(), seen.header("X-haproxy-src"), listener);
                assertEquals("127.0.0.1:" + address.getPort(), seen.header("X-haproxy-dst"), listener);
            }
        }
    }
}
