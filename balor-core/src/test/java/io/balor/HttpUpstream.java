package io.balor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP upstream for tests (the JDK's HTTP server on 127.0.0.1, ephemeral port): answers
 * every request with {@code name method path body-length} and records what it received, and
 * from which client ports (so tests can count upstream connections).
 */
final class HttpUpstream implements AutoCloseable {

    static {
        // The JDK server leaves Nagle on by default and writes a head and its body apart: with
        // the peer's delayed ACK every response would stall ~40 ms. Real upstreams set NODELAY.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** One request as the upstream saw it. */
    record Seen(String method, String path, Map<String, List<String>> headers, byte[] body, int clientPort) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : String.join(", ", values);
        }
    }

    private final String name;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

    HttpUpstream(String name) throws IOException {
        this.name = name;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    List<Seen> seen() {
        return seen;
    }

    /** Forgets what it has seen (between the cases of a table-driven test). */
    void forget() {
        seen.clear();
    }

    /** Distinct TCP connections the upstream has served. */
    int connections() {
        return clientPorts.size();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        int port = exchange.getRemoteAddress().getPort();
        clientPorts.add(port);
        seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                Map.copyOf(exchange.getRequestHeaders()), body, port));
        String path = exchange.getRequestURI().getPath();
        if (path.startsWith("/echo")) {
            exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            return;
        }
        if (path.startsWith("/chunked")) {
            exchange.sendResponseHeaders(200, 0);   // 0: chunked
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 100; i++) {
                    out.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
            return;
        }
        if (path.startsWith("/cookie")) {
            exchange.getResponseHeaders().add("Set-Cookie", "sid=42; Domain=backend.internal; Path=/");
        }
        if (path.startsWith("/status/")) {
            int status = Integer.parseInt(path.substring(8));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
            return;
        }
        byte[] answer = (name + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                + body.length).getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(200, answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
