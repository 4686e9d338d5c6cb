package io.balor.admin.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Objects;

/**
 * One change request to the admin API: who (user, role, client address), what (method, path,
 * detail), when and the result (status). Immutable; any thread. It never holds a secret: no
 * bodies, no query strings (tokens sometimes travel there), no headers; the detail is the error
 * text of a refusal or what the handler chose to say ({@link ApiResponse#withAuditDetail}).
 *
 * @param time          when the response was decided, from the server's clock
 * @param username      the principal's username, or {@code "-"} when there is none
 * @param role          the principal's role ({@code admin} ...), or {@code "-"}
 * @param clientAddress the client's IP address (no port)
 * @param method        the request method as sent
 * @param path          the raw request path (percent-encoded as sent, without the query)
 * @param status        the response status
 * @param detail        what was done or why it was refused ("" when nothing to add)
 */
public record AuditRecord(Instant time, String username, String role, String clientAddress, String method,
                          String path, int status, String detail) {

    public AuditRecord {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * This record as one line of JSON, no newline inside or at the end:
     * {@code {"time":"2025-01-02T03:04:05Z","username":"ann","role":"admin","client":"10.0.0.7",
     * "method":"POST","path":"/api/listeners","status":201,"detail":""}}.
     */
    public String toJsonLine() {
        ObjectNode line = Json.MAPPER.createObjectNode()
                .put("time", time.toString())
                .put("username", username)
                .put("role", role)
                .put("client", clientAddress)
                .put("method", method)
                .put("path", path)
                .put("status", status)
                .put("detail", detail);
        try {
            return Json.MAPPER.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an audit record", e);
        }
    }
}
