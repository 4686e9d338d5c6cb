package io.balor.admin.acme;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.balor.admin.http.ApiServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test stand-in for Balor's HTTP listeners: a jdk.httpserver on 127.0.0.1 (port chosen at bind)
 * answering {@code GET /.well-known/acme-challenge/TOKEN} with what was published for the token,
 * 404 otherwise. {@link #answerWrongly} makes it serve a corrupted key authorization, for the
 * failure path. Thread-safe (the server's thread reads, the ACME client's thread publishes).
 */
final class ChallengeHttpServer implements Http01Challenges, AutoCloseable {

    private static final String PREFIX = "/.well-known/acme-challenge/";

    private final HttpServer server;
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final Map<String, Boolean> published = new ConcurrentHashMap<>();
    private volatile boolean wrong;

    ChallengeHttpServer() throws IOException {
        // jdk.httpserver reads its settings once per JVM, when the first server is made: this one
        // may be the first in a test run, so it applies the admin server's (a drainAmount of
        // 16 MiB, which ApiBodyTest relies on) rather than fixing the JDK's defaults for all.
        ApiServer.applyTimeoutDefaults();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext(PREFIX, this::answer);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Serves a key authorization that is not the one published (or the right one again). */
    void answerWrongly(boolean on) {
        wrong = on;
    }

    /** Tokens published and not yet withdrawn. */
    int inFlight() {
        return answers.size();
    }

    /** Tokens ever published. */
    int publishedCount() {
        return published.size();
    }

    @Override
    public void publish(String token, String keyAuthorization) {
        answers.put(token, keyAuthorization);
        published.put(token, true);
    }

    @Override
    public void withdraw(String token) {
        answers.remove(token);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String token = exchange.getRequestURI().getPath().substring(PREFIX.length());
            String answer = answers.get(token);
            if (answer == null || !"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = (wrong ? answer + "x" : answer).getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
