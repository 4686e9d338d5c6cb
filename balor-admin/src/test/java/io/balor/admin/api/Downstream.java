package io.balor.admin.api;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A client of a Balor listener, as the traffic a listener carries: HTTP/1.1 (java.net.http would
 * otherwise offer an h2c upgrade) to 127.0.0.1, and a plain connect to see whether it accepts.
 */
final class Downstream {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Downstream() {
    }

    /** The port of {@code bound} ({@code "127.0.0.1:40123"}, as the API shows it). */
    static int port(String bound) {
        return Integer.parseInt(bound.substring(bound.lastIndexOf(':') + 1));
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return send(port, path).get();
    }

    static CompletableFuture<HttpResponse<String>> send(int port, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).build();
        return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Whether a TCP connect to the port succeeds (false when it is refused). */
    static boolean accepts(int port) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            return true;
        } catch (ConnectException e) {
            return false;
        }
    }
}
