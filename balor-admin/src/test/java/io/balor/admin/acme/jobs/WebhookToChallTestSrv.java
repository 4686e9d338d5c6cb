package io.balor.admin.acme.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.balor.admin.http.ApiServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The test's adapter between Balor's generic DNS webhook and pebble-challtestsrv: a loopback
 * HTTP server that takes the webhook's {@code POST {type, name, value, ttl, zone}} (create) and
 * {@code DELETE} with the same body (remove), checks the bearer token, and calls challtestsrv's
 * {@code /set-txt} and {@code /clear-txt}. Counts both. Handler threads of its own server.
 */
final class WebhookToChallTestSrv implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final URI challtestsrv;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger removed = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    /** Answers a create with 200 without making the record (a provider that says yes and does not). */
    volatile boolean lying;

    WebhookToChallTestSrv(URI challtestsrv, String token) throws IOException {
        ApiServer.applyTimeoutDefaults();   // jdk.httpserver reads its settings once per JVM: the admin server's first
        this.challtestsrv = challtestsrv;
        this.token = token;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", this::handle);
        server.start();
    }

    /** The webhook's URL. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                refused.incrementAndGet();
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            String name = body.path("name").asText();
            boolean create = exchange.getRequestMethod().equals("POST");
            if (create && lying) {
                created.incrementAndGet();
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            String path = create ? "/set-txt" : "/clear-txt";
            String call = create ? JSON.createObjectNode().put("host", name).put("value", body.path("value").asText())
                    .toString() : JSON.createObjectNode().put("host", name).toString();
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(challtestsrv.resolve(path))
                    .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(call)).build(),
                    HttpResponse.BodyHandlers.ofString());
            (create ? created : removed).incrementAndGet();
            exchange.sendResponseHeaders(answer.statusCode() == 200 ? 200 : 502, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.sendResponseHeaders(500, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
