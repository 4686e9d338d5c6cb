package io.balor.admin.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.balor.admin.auth.Principal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The one jdk.httpserver handler of an {@link ApiServer} (context {@code /}): serves each exchange
 * start to end on the worker thread jdk.httpserver hands it to. Immutable; many workers run it at
 * once.
 *
 * <p>The phases, each of which may end the exchange with an {@link ApiException}:
 * <ol>
 *   <li>overload: on the server's busy thread, 503 at once (the request was not queued);</li>
 *   <li>host: a {@code Host} the server does not answer to ({@link AllowedHosts}) is 421, none on
 *       HTTP/1.0 too; none or several on HTTP/1.1 is 400;</li>
 *   <li>target: split and decode path and query, traversal guard (400);</li>
 *   <li>authentication: the {@link Authentication} names a principal or null;</li>
 *   <li>the web console ({@link ConsoleFiles}), when the server has one: a {@code GET} or
 *       {@code HEAD} of a path outside {@code /api} that no endpoint has;</li>
 *   <li>routing: 404 for an unknown path, 405 + {@code Allow} for a known path and other method;</li>
 *   <li>access: 401 + {@code WWW-Authenticate} without a principal, 403 when not admitted;</li>
 *   <li>body: if one was sent, its media type must be one the route takes (415), its declared
 *       length at most the limit (413 before reading), and it is read whole, counting, so a
 *       chunked body over the limit is a 413 too;</li>
 *   <li>the handler; a runtime exception other than ApiException is a logged 500.</li>
 * </ol>
 * Then maybe an audit record ({@link #audited}), and last the response with the security headers
 * and {@code X-Request-Id} (random, 16 hex digits; the audit record has it too). The audit record
 * is written before the response so that a client that has its answer can rely on it.
 *
 * <p>Audited: every request that is not a read (GET, HEAD); a read that authenticated with the
 * admin token, that was refused with 403, or whose handler asked ({@link ApiResponse#withAuditDetail}:
 * the users, a private key); and every refusal of a client that is not authenticated (which the
 * sink may aggregate: they are what a flood is made of).
 *
 * <p>A refused request's unread body (a 413's, a 401's ...) is left to jdk.httpserver, which, once
 * the whole response is out, reads and drops up to {@code sun.net.httpserver.drainAmount} (16 MiB,
 * {@link ApiServer#TIMEOUT_DEFAULTS}) of it within the request deadline, so a client still sending
 * is not reset before it reads the answer (nginx's lingering close), and closes the connection if
 * more is left.
 */
final class ApiDispatcher implements HttpHandler {

    private static final System.Logger LOG = System.getLogger(ApiServer.class.getName());
    private static final byte[] NO_BODY = new byte[0];

    private final EndpointTable routes;
    private final ApiOptions options;
    private final AllowedHosts hosts;
    /** The web console's files, or null when the server has none. */
    private final ConsoleFiles console;

    ApiDispatcher(EndpointTable routes, ApiOptions options, AllowedHosts hosts, ConsoleFiles console) {
        this.routes = routes;
        this.options = options;
        this.hosts = hosts;
        this.console = console;
    }

    @Override
    public void handle(HttpExchange exchange) {
        try {
            serve(exchange);
        } finally {
            exchange.close();
        }
    }

    private void serve(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        URI uri = exchange.getRequestURI();
        String rawPath = uri.getRawPath() == null ? "" : uri.getRawPath();
        InetSocketAddress client = exchange.getRemoteAddress();
        String requestId = java.util.HexFormat.of()
                .toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextLong());
        Principal principal = null;
        ApiResponse response;
        try {
            if (Thread.currentThread() instanceof ApiServer.BusyThread) {
                throw ApiException.serviceUnavailable("server busy", 1);
            }
            checkHost(exchange);
            List<String> segments = RequestTarget.pathSegments(rawPath);
            Map<String, List<String>> query = RequestTarget.query(uri.getRawQuery());
            ApiRequest request = ApiRequest.of(method, rawPath, Map.of(), query, exchange.getRequestHeaders(),
                    client, null, null);
            if (console != null && ConsoleFiles.isConsolePath(method, segments) && !routes.has(segments)) {
                response = console.answer(segments, exchange.getRequestHeaders().getFirst("Accept-Encoding"),
                        exchange.getRequestHeaders().getFirst("If-None-Match"));
            } else {
                principal = options.authentication().authenticate(request);
                response = handle(exchange, request, principal, routes.find(method, segments));
            }
        } catch (ApiException e) {
            response = ApiResponse.error(e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "admin API: " + method + " " + rawPath + " failed", e);
            response = ApiResponse.internalError(e);
        }
        if (audited(method, principal, response)) {
            audit(requestId, method, rawPath, client, principal, response);
        }
        exchange.getResponseHeaders().set("X-Request-Id", requestId);
        write(exchange, response, method.equals("HEAD"));
    }

    /** Access, body and handler of the endpoint {@code match} names. */
    private ApiResponse handle(HttpExchange exchange, ApiRequest request, Principal principal, EndpointTable.Match match) {
        Endpoint route = match.route();
        checkAccess(route.access(), principal, request.routed(match.params(), principal, NO_BODY));
        ApiResponse response = route.handler().handle(
                request.routed(match.params(), principal, readBody(exchange, route)));
        if (response == null) {
            throw new IllegalStateException("the handler of " + route + " returned null");
        }
        return response;
    }

    /** Whether the exchange leaves an audit record (see the class comment). */
    static boolean audited(String method, Principal principal, ApiResponse response) {
        Principal who = principal != null ? principal : response.audit().principal();
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (who == null) {
            return !read || response.status() >= 400;
        }
        // A read's own detail is the handler asking (users, a key); a refusal's detail is only its error.
        return !read || who.username().equals(Principal.ADMIN_TOKEN) || response.status() == 403
                || (response.status() < 400 && !response.auditDetail().isEmpty());
    }

    private void checkHost(HttpExchange exchange) {
        List<String> values = exchange.getRequestHeaders().get("Host");
        boolean http10 = "HTTP/1.0".equalsIgnoreCase(exchange.getProtocol());
        if (!http10 && (values == null || values.size() != 1)) {
            throw ApiException.badRequest(null, "an HTTP/1.1 request needs one Host header", "send Host");
        }
        if (!hosts.allows(values)) {
            throw ApiException.misdirected("this server does not answer to that Host",
                    "use localhost, 127.0.0.1, [::1] or the address it listens on, or add the name to BALOR_ADMIN_HOSTS");
        }
    }

    private static void checkAccess(Access access, Principal principal, ApiRequest request) {
        if (access.isPublic()) {
            return;
        }
        if (principal == null) {
            throw unauthenticated(request.header("Authorization"));
        }
        if (!access.allows(principal, request)) {
            throw ApiException.forbidden("forbidden", "this needs " + access.description());
        }
    }

    /**
     * The 401 for a request that named nobody, saying which of three it was: no credentials (log
     * in), credentials of another scheme (send a bearer token), or a token that names no live
     * session (RFC 6750 §3.1 {@code invalid_token}: it was mistyped, has expired, or its session
     * ended; log in again).
     */
    static ApiException unauthenticated(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return ApiException.unauthorized("authentication required",
                    "log in with POST /api/login {\"username\", \"password\"}, then send Authorization: Bearer <token>");
        }
        String scheme = authorization.strip();
        int space = scheme.indexOf(' ');
        scheme = space < 0 ? scheme : scheme.substring(0, space);
        if (!scheme.equalsIgnoreCase("Bearer")) {
            return ApiException.unauthorized("the Authorization header is not a bearer token",
                    "send Authorization: Bearer <token>, with the token POST /api/login answers");
        }
        return ApiException.unauthorized("the token is invalid or expired",
                "log in again with POST /api/login and send the new token; a session ends after a while unused,"
                        + " some hours after its login, at logout, and when its user's password or role changes")
                .withHeader("WWW-Authenticate", "Bearer realm=\"balor\", error=\"invalid_token\"");
    }

    /** The request body, empty if none was sent; 415, 413 or 400 as described above. */
    private byte[] readBody(HttpExchange exchange, Endpoint route) {
        Headers headers = exchange.getRequestHeaders();
        List<String> lengths = headers.get("Content-Length");
        long declared = -1;
        if (lengths != null) {
            if (lengths.size() != 1 || !lengths.get(0).matches("[0-9]{1,18}")) {
                throw ApiException.badRequest(null, "malformed Content-Length", "send one decimal length");
            }
            declared = Long.parseLong(lengths.get(0));
        }
        boolean chunked = headers.getFirst("Transfer-Encoding") != null;
        if (!chunked && declared <= 0) {
            return NO_BODY;
        }
        MediaType.require(headers.getFirst("Content-Type"), route.accepts());
        int limit = options.maxBodyBytes();
        if (declared > limit) {
            throw ApiException.payloadTooLarge(limit);
        }
        try {
            // Not closed here: closing drains the rest, which the response's close does anyway.
            InputStream in = exchange.getRequestBody();
            byte[] body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                throw ApiException.payloadTooLarge(limit);
            }
            return body;
        } catch (IOException e) {
            throw ApiException.badRequest(null, "could not read the request body", "send the whole body");
        }
    }

    private void audit(String requestId, String method, String rawPath, InetSocketAddress client, Principal principal,
                       ApiResponse response) {
        Principal who = principal != null ? principal : response.audit().principal();
        try {
            options.audit().record(new AuditRecord(options.clock().instant(), requestId,
                    who == null ? "-" : who.username(),
                    who == null ? "-" : who.role().wire(),
                    client.getAddress() == null ? client.getHostString() : client.getAddress().getHostAddress(),
                    method, rawPath, response.status(), response.auditDetail(), response.audit().attemptedUser(),
                    response.audit().changes()));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "admin API: audit record for " + method + " " + rawPath + " lost", e);
        }
    }

    /**
     * Streams {@code file} as a 200's body, chunked (see {@link #write}): its length as it is now;
     * a file that shrinks meanwhile ends short.
     */
    private static void writeFile(HttpExchange exchange, java.nio.file.Path file, boolean head) {
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            long size = java.nio.file.Files.size(file);
            exchange.sendResponseHeaders(200, head || size == 0 ? -1 : CHUNKED);
            if (!head && size > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    byte[] buffer = new byte[64 * 1024];
                    long left = size;
                    int n;
                    while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
                        out.write(buffer, 0, n);
                        left -= n;
                    }
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "admin API: file not delivered: " + e);
        }
    }

    /**
     * What {@code sendResponseHeaders} takes for a chunked body. Every body is sent chunked: with a
     * {@code Content-Length}, jdk.httpserver's fixed-length stream, when a write to a client that
     * has already hung up fails, never closes the connection nor lets it go from its count of open
     * ones until {@code maxRspTime} passes (a client reading the status and resetting could hold
     * every one of the connections that way); its chunked stream always hands the connection back.
     */
    private static final long CHUNKED = 0;

    private static void write(HttpExchange exchange, ApiResponse response, boolean head) {
        Headers headers = exchange.getResponseHeaders();
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("X-Frame-Options", "DENY");
        response.headers().forEach(headers::set);
        if (response.contentType() != null) {
            headers.set("Content-Type", response.contentType());
        }
        if (response.file() != null) {
            writeFile(exchange, response.file(), head);
            return;
        }
        byte[] body = response.bodyBytes();
        boolean noBody = head || response.status() == 204 || body.length == 0;
        try {
            // -1: no body; jdk.httpserver then sends Content-Length: 0 where the status allows one.
            exchange.sendResponseHeaders(response.status(), noBody ? -1 : CHUNKED);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "admin API: response not delivered: " + e);
        }
    }
}
