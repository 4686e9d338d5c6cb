package io.balor.admin.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Objects;

/**
 * One audited admin-API request: who (user, role, client address), what (method, path, detail,
 * and for a change the fields before and after), when, its request id (also sent to the client as
 * {@code X-Request-Id}) and the result (status). Immutable; any thread. It never holds a secret: no
 * bodies, no query strings (tokens sometimes travel there), no headers; {@code changes} has
 * secrets and password hashes redacted ({@link AuditChanges}).
 *
 * @param time          when the response was decided, from the server's clock
 * @param requestId     the request's id, as in its {@code X-Request-Id} response header
 * @param username      the principal's username (for a login, the user who logged in), or {@code "-"}
 * @param role          the principal's role ({@code admin} ...), or {@code "-"}
 * @param clientAddress the client's IP address (no port)
 * @param method        the request method as sent
 * @param path          the raw request path (percent-encoded as sent, without the query), its first
 *                      {@value #MAX_PATH} characters (then {@code "..."})
 * @param status        the response status
 * @param detail        what was done or why it was refused ("" when nothing to add)
 * @param attemptedUser for a refused login, the username it tried; else null
 * @param changes       for a change, {@code [{"field", "before", "after"}, ...]}; else null
 */
public record AuditRecord(Instant time, String requestId, String username, String role, String clientAddress,
                          String method, String path, int status, String detail, String attemptedUser,
                          JsonNode changes) {

    /** The most of a path a record keeps: a 64 KiB request line makes no 64 KiB audit line. */
    public static final int MAX_PATH = 512;

    public AuditRecord {
        if (path != null && path.length() > MAX_PATH) {
            path = path.substring(0, MAX_PATH) + "...";
        }
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(detail, "detail");
    }

    /** Whether nobody was authenticated: a refusal of an anonymous client (aggregated by the audit file). */
    public boolean anonymous() {
        return username.equals("-");
    }

    /**
     * This record as one line of JSON, no newline inside or at the end:
     * {@code {"time":"2025-01-02T03:04:05Z","request_id":"5f0c...","username":"ann","role":"admin",
     * "client":"10.0.0.7","method":"PUT","path":"/api/pools/app","status":200,"detail":"updated pool app",
     * "changes":[{"field":"upstreams[0]","before":"10.0.0.4:80","after":"10.0.0.5:80"}]}}, with
     * {@code "login"} (the username tried) on a refused login.
     */
    public String toJsonLine() {
        ObjectNode line = Json.MAPPER.createObjectNode()
                .put("time", time.toString())
                .put("request_id", requestId)
                .put("username", username)
                .put("role", role)
                .put("client", clientAddress)
                .put("method", method)
                .put("path", path)
                .put("status", status)
                .put("detail", detail);
        if (attemptedUser != null) {
            line.put("login", attemptedUser);
        }
        if (changes != null) {
            line.set("changes", changes);
        }
        try {
            return Json.MAPPER.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an audit record", e);
        }
    }
}
