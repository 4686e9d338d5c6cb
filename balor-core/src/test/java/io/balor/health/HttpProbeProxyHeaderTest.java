package io.balor.health;

import io.balor.config.HealthCheckConfig;
import io.balor.metrics.TrafficCounters;
import io.balor.net.ProxyHeader;
import io.balor.upstream.Pool;
import io.balor.upstream.Upstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP checks of a pool that sends the PROXY protocol: the probe's connection starts with a
 * header that speaks for no client ({@code PROXY UNKNOWN}, v2 {@code LOCAL}), then the request;
 * a pool that sends none sends the request first, as before.
 */
class HttpProbeProxyHeaderTest {

    private final HealthChecker checker = HealthChecker.manual(null);
    private final ServerSocket server;

    HttpProbeProxyHeaderTest() throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws IOException {
        server.close();
    }

    /** What one connection brought: the PROXY header's bytes ("" if none was read) and the request head. */
    private record Received(String header, boolean local, String head) {
    }

    /** Accepts one connection, reads a PROXY header first if {@code header}, then the request head; answers 200. */
    private CompletableFuture<Received> serveOnce(boolean header) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(10_000);
                InputStream in = socket.getInputStream();
                String raw = "";
                boolean local = false;
                if (header) {
                    ByteBuffer buffer = ByteBuffer.allocate(2048);
                    ProxyHeader parser = new ProxyHeader();
                    int verdict = ProxyHeader.INCOMPLETE;
                    while (verdict == ProxyHeader.INCOMPLETE) {
                        buffer.put(in.readNBytes(ProxyHeader.wanted(buffer, 0, buffer.position())));
                        verdict = parser.parse(buffer, 0, buffer.position());
                    }
                    assertTrue(verdict > 0, "a PROXY header first");
                    raw = new String(buffer.array(), 0, verdict, StandardCharsets.ISO_8859_1);
                    local = parser.local();
                }
                StringBuilder head = new StringBuilder();
                while (head.indexOf("\r\n\r\n") < 0) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    head.append((char) b);
                }
                socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                return new Received(raw, local, head.toString());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void version1ChecksSendUnknownThenTheRequest() throws Exception {
        Pool pool = pool(1);
        CompletableFuture<Received> received = serveOnce(true);
        assertNull(checker.probeNow(pool.get(0).id()));
        Received seen = received.get(10, TimeUnit.SECONDS);
        assertEquals("PROXY UNKNOWN\r\n", seen.header());
        assertTrue(seen.local());
        assertTrue(seen.head().startsWith("GET /healthz HTTP/1.1\r\n"), seen.head());
    }

    @Test
    void version2ChecksSendLocalThenTheRequest() throws Exception {
        Pool pool = pool(2);
        CompletableFuture<Received> received = serveOnce(true);
        assertNull(checker.probeNow(pool.get(0).id()));
        Received seen = received.get(10, TimeUnit.SECONDS);
        assertEquals(16, seen.header().length(), "the fixed part only: LOCAL, UNSPEC, no addresses");
        assertEquals(0x20, seen.header().charAt(12), "version 2, LOCAL");
        assertTrue(seen.local());
        assertTrue(seen.head().startsWith("GET /healthz HTTP/1.1\r\n"), seen.head());
    }

    @Test
    void withoutTheOptionTheRequestComesFirst() throws Exception {
        Pool pool = pool(0);
        CompletableFuture<Received> received = serveOnce(false);
        assertNull(checker.probeNow(pool.get(0).id()));
        assertTrue(received.get(10, TimeUnit.SECONDS).head().startsWith("GET /healthz HTTP/1.1\r\n"));
    }

    private Pool pool(int sendProxyVersion) {
        String id = "app/127.0.0.1:" + server.getLocalPort();
        Upstream upstream = new Upstream(id, id, new InetSocketAddress(InetAddress.getLoopbackAddress(),
                server.getLocalPort()), 1, true, 0, ("127.0.0.1:" + server.getLocalPort())
                .getBytes(StandardCharsets.US_ASCII), false, checker.health(id));
        Pool pool = new Pool("app", List.of(upstream), false, Pool.LISTENER, Pool.LISTENER, null, TrafficCounters.NONE,
                sendProxyVersion);
        checker.update(Map.of("app", pool), Map.of("app", HealthCheckConfig.http("/healthz")), Map.of());
        return pool;
    }
}
