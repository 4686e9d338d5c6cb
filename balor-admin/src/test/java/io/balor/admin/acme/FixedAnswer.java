package io.balor.admin.acme;

import com.sun.net.httpserver.HttpServer;
import io.balor.admin.http.ApiServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A loopback HTTP server for the ACME tests that answers every request 200 with one fixed body:
 * an application behind a route, or an impostor where Pebble's validator looks. Started; stop it
 * with {@code stop(0)}.
 */
public final class FixedAnswer {

    private FixedAnswer() {
    }

    /** Started on {@code address} (port 0: any free one). */
    public static HttpServer start(InetSocketAddress address, String body) throws IOException {
        ApiServer.applyTimeoutDefaults();   // jdk.httpserver reads its settings once per JVM: the admin server's first
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        HttpServer server = HttpServer.create(address, 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        });
        server.start();
        return server;
    }
}
