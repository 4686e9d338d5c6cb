package io.balor.admin.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.config.ConfigProblem;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link Handler} answers: a status, a body with its media type, extra headers, and the
 * detail its audit record gets. Immutable; any thread.
 *
 * <p>The server adds the same security headers to every response ({@code Cache-Control: no-store},
 * {@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy: no-referrer},
 * {@code X-Frame-Options: DENY}); a handler cannot add CORS ({@code Access-Control-*}) or framing
 * headers ({@code Content-Length}, {@code Transfer-Encoding}, {@code Connection}): the admin API
 * is same-origin only, and framing belongs to the server. A 204 has no body and no
 * {@code Content-Type}; every other response has both (an answer to HEAD sends the headers only).
 */
public final class ApiResponse {

    /** The media type of every JSON response. */
    public static final String JSON_TYPE = "application/json; charset=utf-8";

    private static final byte[] NO_BODY = new byte[0];

    private final int status;
    private final String contentType;
    private final byte[] body;
    private final Map<String, String> headers;
    private final String auditDetail;
    /** A file streamed as the body instead of {@code body} (a large download), or null. */
    private final java.nio.file.Path file;
    /** What the audit record says beyond the detail; see {@link Audit}. */
    private final Audit audit;

    /**
     * The parts of a response's audit record that only its handler knows: who a public route
     * acted for (a login's user), the username a refused login tried, and what a change did.
     */
    record Audit(io.balor.admin.auth.Principal principal, String attemptedUser,
                 com.fasterxml.jackson.databind.JsonNode changes) {
        static final Audit NONE = new Audit(null, null, null);
    }

    private ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers, String auditDetail) {
        this(status, contentType, body, headers, auditDetail, null, Audit.NONE);
    }

    private ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers, String auditDetail,
                        java.nio.file.Path file, Audit audit) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("not a final response status: " + status);
        }
        if (contentType != null) {
            checkValue("Content-Type", contentType);
        }
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.headers = Map.copyOf(headers);
        this.auditDetail = Objects.requireNonNull(auditDetail, "auditDetail");
        this.file = file;
        this.audit = audit;
    }

    /** {@code value} (a JsonNode, record, map, list ...) as JSON with {@code status}. */
    public static ApiResponse json(int status, Object value) {
        return new ApiResponse(status, JSON_TYPE, Json.write(value), Map.of(), "");
    }

    /** 200 with {@code value} as JSON. */
    public static ApiResponse ok(Object value) {
        return json(200, value);
    }

    /** 201 with the created object as JSON. */
    public static ApiResponse created(Object value) {
        return json(201, value);
    }

    /** 204, no body (and so no Content-Type). */
    public static ApiResponse noContent() {
        return new ApiResponse(204, null, NO_BODY, Map.of(), "");
    }

    /**
     * {@code body} as it is with the given media type (the console's files). The array is the
     * response's from now on and must not change: it is not copied.
     */
    public static ApiResponse bytes(int status, String contentType, byte[] body) {
        return new ApiResponse(status, contentType, body, Map.of(), "");
    }

    /** {@code text} as UTF-8 with the given media type (the Prometheus exposition, say). */
    public static ApiResponse text(int status, String contentType, String text) {
        return new ApiResponse(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of(), "");
    }

    /**
     * 200 with {@code bytes} as an attachment ({@code Content-Disposition: attachment;
     * filename="..."}, RFC 6266) named {@link #safeFilename(String) safely} after {@code filename}.
     */
    public static ApiResponse download(String contentType, String filename, byte[] bytes) {
        return new ApiResponse(200, contentType, bytes.clone(), Map.of(), "")
                .withHeader("Content-Disposition", "attachment; filename=\"" + safeFilename(filename) + "\"");
    }

    /**
     * 200 with the file {@code file} as an attachment, as {@link #download} does, streamed from
     * the file when the response is written (never held in memory whole): for log files.
     */
    public static ApiResponse file(String contentType, String filename, java.nio.file.Path file) {
        return new ApiResponse(200, contentType, NO_BODY, Map.of(), "", file, Audit.NONE)
                .withHeader("Content-Disposition", "attachment; filename=\"" + safeFilename(filename) + "\"");
    }

    /**
     * The JSON answer to a refusal, for a handler that adds to its audit record (a refused login
     * names the user it tried) instead of throwing {@code e}.
     */
    public static ApiResponse refusal(ApiException e) {
        return error(e);
    }

    /** The JSON answer to a refusal: {@code {"error", "hint", "field"?, "problems"?}} and its headers. */
    static ApiResponse error(ApiException e) {
        ObjectNode node = Json.MAPPER.createObjectNode().put("error", e.error()).put("hint", e.hint());
        if (e.field() != null) {
            node.put("field", e.field());
        }
        if (!e.problems().isEmpty()) {
            ArrayNode problems = node.putArray("problems");
            for (ConfigProblem problem : e.problems()) {
                problems.addObject().put("field", problem.path()).put("error", problem.message());
            }
        }
        // A config problem's message may quote a value of the body: the audit names the fields only.
        String detail = e.problems().isEmpty() ? e.error() : "invalid " + e.problems().stream()
                .map(ConfigProblem::path).distinct().collect(java.util.stream.Collectors.joining(", "));
        return new ApiResponse(e.status(), JSON_TYPE, Json.write(node), e.headers(), detail);
    }

    /** The 500 for a handler's bug: nothing of the exception reaches the client. */
    static ApiResponse internalError(RuntimeException e) {
        ObjectNode node = Json.MAPPER.createObjectNode().put("error", "internal error").put("hint", "see the server log");
        return new ApiResponse(500, JSON_TYPE, Json.write(node), Map.of(),
                "internal error (" + e.getClass().getSimpleName() + ")");
    }

    /** This response with one more header; refuses CORS, framing and malformed headers. */
    public ApiResponse withHeader(String name, String value) {
        checkHeader(name, value);
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiResponse(status, contentType, body, more, auditDetail, file, audit);
    }

    /**
     * This response with {@code detail} (what was done, no secrets) in its audit record. A GET
     * with a detail is audited too (a read of secrets: users, a private key).
     */
    public ApiResponse withAuditDetail(String detail) {
        return new ApiResponse(status, contentType, body, headers, detail, file, audit);
    }

    /**
     * This response with what the change did in its audit record: the fields of {@code before}
     * and {@code after} that differ, secrets redacted ({@link AuditChanges}); null for a creation
     * or a deletion.
     */
    public ApiResponse withAuditChange(com.fasterxml.jackson.databind.JsonNode before,
                                       com.fasterxml.jackson.databind.JsonNode after) {
        return new ApiResponse(status, contentType, body, headers, auditDetail, file,
                new Audit(audit.principal(), audit.attemptedUser(), AuditChanges.between(before, after)));
    }

    /** This response's audit record naming {@code principal} (a public route that logged someone in). */
    public ApiResponse withAuditPrincipal(io.balor.admin.auth.Principal principal) {
        return new ApiResponse(status, contentType, body, headers, auditDetail, file,
                new Audit(principal, audit.attemptedUser(), audit.changes()));
    }

    /** This response's audit record naming the username a refused login tried. */
    public ApiResponse withAttemptedUser(String username) {
        return new ApiResponse(status, contentType, body, headers, auditDetail, file,
                new Audit(audit.principal(), username, audit.changes()));
    }

    Audit audit() {
        return audit;
    }

    public int status() {
        return status;
    }

    /** The body's media type, or null when there is no body. */
    public String contentType() {
        return contentType;
    }

    /** The body (a copy). */
    public byte[] body() {
        return body.clone();
    }

    /** The body as UTF-8 text (for tests and logs). */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public Map<String, String> headers() {
        return headers;
    }

    public String auditDetail() {
        return auditDetail;
    }

    /** The file to stream as the body, or null. */
    java.nio.file.Path file() {
        return file;
    }

    /** The body itself, not a copy, for the server to write. */
    byte[] bodyBytes() {
        return body;
    }

    /**
     * {@code name} made safe as a download's file name: characters other than
     * {@code [A-Za-z0-9._-]} become {@code _}, leading dots go (no hidden files, no {@code ..}),
     * at most 100 characters; {@code "download"} if nothing is left.
     */
    public static String safeFilename(String name) {
        StringBuilder safe = new StringBuilder();
        for (int i = 0; i < name.length() && safe.length() < 100; i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (c == '.' && safe.length() == 0) {
                continue;
            }
            safe.append(ok ? c : '_');
        }
        return safe.length() == 0 ? "download" : safe.toString();
    }

    /**
     * Refuses header names that are not tokens, values with control characters, and the headers
     * the server owns: CORS ({@code Access-Control-*}), framing, and {@code Content-Type} (set by
     * the factories).
     */
    static void checkHeader(String name, String value) {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
            throw new IllegalArgumentException("not a header name: " + name);
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("access-control-") || lower.equals("content-length") || lower.equals("content-type")
                || lower.equals("transfer-encoding") || lower.equals("connection")) {
            throw new IllegalArgumentException("a handler does not set " + name);
        }
        checkValue(name, value);
    }

    private static void checkValue(String name, String value) {
        Objects.requireNonNull(value, "value");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                throw new IllegalArgumentException("control or non-Latin-1 character in header " + name);
            }
        }
    }
}
