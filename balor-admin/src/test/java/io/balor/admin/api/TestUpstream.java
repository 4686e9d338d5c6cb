package io.balor.admin.api;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP upstream for the admin API's tests, on 127.0.0.1 with an ephemeral port
 * (jdk.httpserver): every path answers 200 {@code hello}, except {@code /hold}, which tells
 * {@link #held} it arrived and answers 200 {@code released} only once the test
 * {@link #release releases} it. Requests are served on a thread pool of their own, so a held
 * one does not stop the others; the headers of each request are kept in {@link #requests}. Close
 * it after the test (that releases what is still held).
 */
final class TestUpstream implements AutoCloseable {

    /** Counted down when a {@code /hold} request has arrived. */
    final CountDownLatch held = new CountDownLatch(1);
    /** The headers of every request received, oldest first (health checks' probes included). */
    final Queue<Headers> requests = new ConcurrentLinkedQueue<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    TestUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::serve);
        server.setExecutor(threads);
        server.start();
    }

    /** {@code 127.0.0.1:port}, as a pool's upstream. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Lets the held {@code /hold} request answer. */
    void release() {
        release.countDown();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.add(exchange.getRequestHeaders());
            exchange.getRequestBody().readAllBytes();
            String body = "hello";
            if (exchange.getRequestURI().getPath().equals("/hold")) {
                held.countDown();
                try {
                    if (!release.await(30, TimeUnit.SECONDS)) {
                        exchange.sendResponseHeaders(504, -1);
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                body = "released";
            }
            byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
