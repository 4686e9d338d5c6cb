package io.balor.admin.http;

import io.balor.config.ConfigProblem;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A refusal the admin API sends as {@code {"error": ..., "hint": ..., "field": ...}} with a 4xx or
 * 5xx status, plus the headers the status calls for ({@code WWW-Authenticate} on 401,
 * {@code Allow} on 405, {@code Retry-After} on 429 and 503). Immutable; any thread.
 *
 * <p>A refused config ({@link #invalid}) names every problem: its first one is {@code error} and
 * {@code field}, and all of them are in {@code "problems": [{"field": ..., "error": ...}]}.
 *
 * <p>Unchecked so that handlers and {@link JsonFields} can throw it from anywhere; it carries no
 * stack trace (it is an answer, not a bug). {@link #error()} is also the audit record's detail,
 * so it must never contain a secret or a piece of the request body; {@link #hint()} goes only to
 * the client.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;
    private final String hint;
    private final String field;
    private final transient Map<String, String> headers;
    private final transient List<ConfigProblem> problems;

    /**
     * @param status 400..599
     * @param error  what is wrong, one short sentence without secrets
     * @param hint   what the caller can do about it (may be empty)
     * @param field  the JSON field path it is about ({@code listeners[0].port}), or null
     */
    public ApiException(int status, String error, String hint, String field) {
        this(status, error, hint, field, Map.of(), List.of());
    }

    private ApiException(int status, String error, String hint, String field, Map<String, String> headers,
                         List<ConfigProblem> problems) {
        super(error, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an API error needs a 4xx or 5xx status, not " + status);
        }
        if (error == null || error.isEmpty()) {
            throw new IllegalArgumentException("an API error needs an error text");
        }
        this.status = status;
        this.error = error;
        this.hint = hint == null ? "" : hint;
        this.field = field;
        this.headers = Map.copyOf(headers);
        this.problems = List.copyOf(problems);
    }

    /**
     * A config refused for {@code problems} (at least one), with a 4xx {@code status}: 400 when
     * the request is invalid, 409 when it is valid but cannot be applied now.
     */
    public static ApiException invalid(int status, List<ConfigProblem> problems, String hint) {
        if (status < 400 || status > 499 || problems.isEmpty()) {
            throw new IllegalArgumentException("a refused config needs a 4xx status and a problem");
        }
        ConfigProblem first = problems.get(0);
        return new ApiException(status, first.message(), hint, first.path(), Map.of(), problems);
    }

    /** 400: the request (usually one field of its JSON body) is invalid. */
    public static ApiException badRequest(String field, String error, String hint) {
        return new ApiException(400, error, hint, field);
    }

    /** 401 with {@code WWW-Authenticate: Bearer realm="balor"} (RFC 6750 §3): no or invalid credentials. */
    public static ApiException unauthorized(String error, String hint) {
        return new ApiException(401, error, hint, null).withHeader("WWW-Authenticate", "Bearer realm=\"balor\"");
    }

    /** 403: authenticated, but not allowed to do this. */
    public static ApiException forbidden(String error, String hint) {
        return new ApiException(403, error, hint, null);
    }

    /** 404: no such path or no such object. */
    public static ApiException notFound(String error, String hint) {
        return new ApiException(404, error, hint, null);
    }

    /** 405 with an {@code Allow} header listing {@code allowed} (RFC 9110 §15.5.6). */
    public static ApiException methodNotAllowed(Collection<String> allowed) {
        String list = String.join(", ", allowed);
        return new ApiException(405, "method not allowed", "this path allows " + list, null)
                .withHeader("Allow", list);
    }

    /** 421: this server does not answer to the request's {@code Host} (RFC 9110 §15.5.20). */
    public static ApiException misdirected(String error, String hint) {
        return new ApiException(421, error, hint, null);
    }

    /** 409: the change conflicts with the current state (a name already taken, say). */
    public static ApiException conflict(String error, String hint) {
        return new ApiException(409, error, hint, null);
    }

    /** 413: the request body is longer than {@code limitBytes}. */
    public static ApiException payloadTooLarge(long limitBytes) {
        return new ApiException(413, "request body too large", "the limit is " + limitBytes + " bytes", null);
    }

    /** 415: the request body has a media type this path does not take. */
    public static ApiException unsupportedMediaType(String error, String hint) {
        return new ApiException(415, error, hint, null);
    }

    /** 429 with {@code Retry-After: retryAfterSeconds} (RFC 6585 §4). */
    public static ApiException tooManyRequests(long retryAfterSeconds) {
        return new ApiException(429, "too many requests", "retry after " + retryAfterSeconds + " s", null)
                .withHeader("Retry-After", Long.toString(requireRetry(retryAfterSeconds)));
    }

    /** 503 with {@code Retry-After: retryAfterSeconds}: the server cannot take this now. */
    public static ApiException serviceUnavailable(long retryAfterSeconds) {
        return serviceUnavailable("service unavailable", retryAfterSeconds);
    }

    /** 503 with {@code Retry-After: retryAfterSeconds} and a more precise error text. */
    public static ApiException serviceUnavailable(String error, long retryAfterSeconds) {
        return new ApiException(503, error, "retry after " + retryAfterSeconds + " s", null)
                .withHeader("Retry-After", Long.toString(requireRetry(retryAfterSeconds)));
    }

    /** This refusal with one more response header (checked as {@link ApiResponse#withHeader} checks). */
    public ApiException withHeader(String name, String value) {
        ApiResponse.checkHeader(name, value);
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiException(status, error, hint, field, more, problems);
    }

    /** This refusal about the JSON field at {@code fieldPath} ({@code name}, {@code tls.cert_file}). */
    public ApiException withField(String fieldPath) {
        return new ApiException(status, error, hint, fieldPath, headers, problems);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String hint() {
        return hint;
    }

    /** The JSON field path the error is about, or null. */
    public String field() {
        return field;
    }

    /** Every problem of a refused config ({@link #invalid}); empty for other refusals. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    /** Extra response headers, name → value. */
    public Map<String, String> headers() {
        return headers;
    }

    private static long requireRetry(long seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("Retry-After must not be negative: " + seconds);
        }
        return seconds;
    }
}
