package io.balor.admin.acme.jobs;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.balor.admin.api.Pem;
import io.balor.admin.http.ApiServer;
import io.balor.tls.LoadedCertificate;
import io.balor.tls.PemFiles;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An ACME CA that is out of new orders: what no local CA (Pebble has no rate limits) can show.
 * It speaks RFC 8555's wire format for what a client reaches before the limit (directory,
 * {@code newNonce}, {@code newAccount} with {@code 201} and {@code Location}) and answers every
 * {@code newOrder} with {@code 429}, a {@code rateLimited} problem document and
 * {@code Retry-After: 3600}, as Let's Encrypt does. It does not check signatures: the client's
 * JWS is checked against Pebble elsewhere. HTTPS with a self-signed certificate for 127.0.0.1
 * ({@link #certificate()}, to trust).
 */
public final class RateLimitingCa implements AutoCloseable {

    public static final int RETRY_AFTER_SECONDS = 3600;

    private final HttpsServer server;
    private final Path certificate;
    private final AtomicInteger nonces = new AtomicInteger();
    final AtomicInteger orders = new AtomicInteger();

    public RateLimitingCa(Path dir) throws Exception {
        ApiServer.applyTimeoutDefaults();   // jdk.httpserver reads its settings once per JVM: the admin server's first
        Pem pem = Pem.selfSigned(dir, "localhost", "DNS:localhost,IP:127.0.0.1");
        certificate = dir.resolve("ca-cert.pem");
        Path key = dir.resolve("ca-key.pem");
        Files.writeString(certificate, pem.cert());
        Files.writeString(key, pem.key());
        LoadedCertificate loaded = PemFiles.load(certificate, key);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("ca", loaded.key(), new char[0], loaded.chain());
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", this::handle);
        server.start();
    }

    /** The directory URL. */
    public String directoryUrl() {
        return base() + "/dir";
    }

    /** The PEM certificate to trust. */
    public Path certificate() {
        return certificate;
    }

    private String base() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Replay-Nonce", "nonce-" + nonces.incrementAndGet());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            switch (exchange.getRequestURI().getPath()) {
                case "/dir" -> send(exchange, 200, "application/json", "{\"newNonce\":\"" + base() + "/nonce\","
                        + "\"newAccount\":\"" + base() + "/account\",\"newOrder\":\"" + base() + "/order\","
                        + "\"meta\":{\"termsOfService\":\"" + base() + "/terms\"}}");
                case "/nonce" -> exchange.sendResponseHeaders(exchange.getRequestMethod().equals("HEAD") ? 200 : 204, -1);
                case "/account" -> {
                    exchange.getResponseHeaders().set("Location", base() + "/account/1");
                    send(exchange, 201, "application/json", "{\"status\":\"valid\"}");
                }
                case "/order" -> {
                    orders.incrementAndGet();
                    exchange.getResponseHeaders().set("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
                    send(exchange, 429, "application/problem+json", "{\"type\":\"urn:ietf:params:acme:error:"
                            + "rateLimited\",\"detail\":\"too many new orders recently\",\"status\":429}");
                }
                default -> send(exchange, 404, "application/problem+json",
                        "{\"type\":\"urn:ietf:params:acme:error:malformed\",\"detail\":\"no such resource\",\"status\":404}");
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
