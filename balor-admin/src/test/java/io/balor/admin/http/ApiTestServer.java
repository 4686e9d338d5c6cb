package io.balor.admin.http;

import io.balor.admin.auth.Principal;
import io.balor.admin.auth.Role;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * An {@link ApiServer} on 127.0.0.1 port 0 for tests, with a fake {@link Authentication}
 * (bearer tokens {@code admin-token}, {@code operator-token}, {@code viewer-token}), an
 * {@link AuditRing}, a fixed clock, and two clients: {@link java.net.http.HttpClient} and a raw
 * socket for requests HttpClient would not send as written. One test thread uses it.
 */
final class ApiTestServer implements AutoCloseable {

    static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");
    static final Principal ADMIN = new Principal("ann", Role.ADMIN, "s-ann");
    static final Principal OPERATOR = new Principal("oscar", Role.OPERATOR, "s-oscar");
    static final Principal VIEWER = new Principal("vera", Role.VIEWER, "s-vera");
    static final Principal TOKEN = new Principal(Principal.ADMIN_TOKEN, Role.ADMIN, null);

    /** Bearer admin-token / operator-token / viewer-token, the-admin-token (BALOR_ADMIN_TOKEN); else no principal. */
    static final Authentication FAKE_AUTH = request -> {
        String value = request.header("Authorization");
        if (value == null || !value.startsWith("Bearer ")) {
            return null;
        }
        switch (value.substring("Bearer ".length())) {
            case "admin-token": return ADMIN;
            case "operator-token": return OPERATOR;
            case "viewer-token": return VIEWER;
            case "the-admin-token": return TOKEN;
            default: return null;
        }
    };

    final AuditRing audit = new AuditRing(100);
    final ApiServer server;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    ApiTestServer(List<Endpoint> routes) throws IOException {
        this(routes, UnaryOperator.identity());
    }

    ApiTestServer(List<Endpoint> routes, UnaryOperator<ApiOptions> tweak) throws IOException {
        this(routes, tweak, null);
    }

    /** A server that also serves the web console's {@code console} files (null: none). */
    ApiTestServer(List<Endpoint> routes, UnaryOperator<ApiOptions> tweak, io.balor.admin.console.ConsoleAssets console)
            throws IOException {
        ApiOptions options = ApiOptions.defaults(FAKE_AUTH, audit)
                .withClock(Clock.fixed(NOW, ZoneOffset.UTC))
                .withStopDelaySeconds(0);
        server = ApiServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), routes,
                tweak.apply(options), null, console);
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.address().getPort() + pathAndQuery);
    }

    /** A request builder for {@code path} with {@code token} as bearer token (null for none). */
    HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
        return token == null ? builder : builder.header("Authorization", "Bearer " + token);
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return send(request(path, token).GET());
    }

    /** {@code method} with a JSON body ({@code Content-Type: application/json}). */
    HttpResponse<String> sendJson(String method, String path, String token, String json)
            throws IOException, InterruptedException {
        return send(request(path, token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)));
    }

    /** Sends {@code head} (CRLFs added: give lines joined by "\n") and {@code body} raw; reads one response. */
    RawResponse raw(String head, byte[] body) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((head.replace("\n", "\r\n") + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return RawResponse.read(socket.getInputStream(), head.startsWith("HEAD "));
        }
    }

    RawResponse raw(String head) throws IOException {
        return raw(head, new byte[0]);
    }

    List<AuditRecord> auditRecords() {
        return audit.recent();
    }

    @Override
    public void close() {
        server.close();
    }

    /** One HTTP/1.1 response read from a socket: status, headers (lower-case names), body. */
    record RawResponse(int status, Map<String, List<String>> headers, String body) {

        static RawResponse read(InputStream in) throws IOException {
            return read(in, false);
        }

        /** One response; {@code head}: an answer to HEAD, which has no body whatever its headers say. */
        static RawResponse read(InputStream in, boolean answersHead) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                    break;
                }
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.1 ")) {
                return new RawResponse(-1, Map.of(), text);
            }
            String[] lines = text.split("\r\n");
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(lines[i].substring(0, colon).toLowerCase(Locale.ROOT),
                            k -> new ArrayList<>()).add(lines[i].substring(colon + 1).trim());
                }
            }
            List<String> length = headers.get("content-length");
            List<String> encoding = headers.get("transfer-encoding");
            int status = Integer.parseInt(lines[0].substring(9, 12));
            byte[] body = ResponseBodies.read(in, status, answersHead, length == null ? null : length.get(0),
                    encoding == null ? null : encoding.get(0));
            return new RawResponse(Integer.parseInt(lines[0].substring(9, 12)), headers,
                    new String(body, StandardCharsets.UTF_8));
        }

        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }
    }
}
