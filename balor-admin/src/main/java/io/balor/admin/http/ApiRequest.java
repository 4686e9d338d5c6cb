package io.balor.admin.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.admin.auth.Principal;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * One admin-API request as a handler sees it: method, raw path, decoded path and query
 * parameters, headers, client address, the authenticated {@link Principal} (null on a public
 * route called without valid credentials) and the body, already read and within the size limit.
 * Confined to the worker thread that serves the request (it caches the parsed JSON).
 *
 * <p>{@link #json()} and the field helpers ({@link #requireText}, {@link #optionalInt},
 * {@link #rejectUnknownKeys} ...) give strict 400s with field paths; see {@link JsonFields}.
 */
public final class ApiRequest {

    private static final byte[] NO_BODY = new byte[0];

    private final String method;
    private final String path;
    private final Map<String, String> pathParams;
    private final Map<String, List<String>> query;
    private final Map<String, List<String>> headers;
    private final InetSocketAddress clientAddress;
    private final Principal principal;
    private final byte[] body;
    private JsonNode json;

    private ApiRequest(String method, String path, Map<String, String> pathParams, Map<String, List<String>> query,
                       Map<String, List<String>> headers, InetSocketAddress clientAddress, Principal principal,
                       byte[] body) {
        this.method = Objects.requireNonNull(method, "method");
        this.path = Objects.requireNonNull(path, "path");
        this.pathParams = Map.copyOf(pathParams);
        this.query = query;
        this.headers = headers;
        this.clientAddress = Objects.requireNonNull(clientAddress, "clientAddress");
        this.principal = principal;
        this.body = body;
    }

    /**
     * A request built without HTTP, for handler tests and in-process callers; the server builds
     * its own. {@code headers} are matched case-insensitively; {@code body} may be null (none).
     */
    public static ApiRequest of(String method, String path, Map<String, String> pathParams,
                                Map<String, List<String>> query, Map<String, List<String>> headers,
                                InetSocketAddress clientAddress, Principal principal, byte[] body) {
        return new ApiRequest(method, path, pathParams, Collections.unmodifiableMap(new LinkedHashMap<>(query)),
                caseInsensitive(headers), clientAddress,
                principal, body == null ? NO_BODY : body.clone());
    }

    /** This request, routed: with its path parameters, principal and body. */
    ApiRequest routed(Map<String, String> params, Principal who, byte[] content) {
        return new ApiRequest(method, path, params, query, headers, clientAddress, who, content);
    }

    static Map<String, List<String>> caseInsensitive(Map<String, List<String>> headers) {
        Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.computeIfAbsent(name, k -> new ArrayList<>()).addAll(values));
        copy.replaceAll((name, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(copy);
    }

    /** The method as sent ({@code POST}). */
    public String method() {
        return method;
    }

    /** The raw path as sent (percent-encoded, without the query). */
    public String path() {
        return path;
    }

    /** The decoded value of the route's {@code {name}} segment; IllegalArgumentException if the route has none. */
    public String pathParam(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalArgumentException("the route has no path parameter {" + name + "}");
        }
        return value;
    }

    public Map<String, String> pathParams() {
        return pathParams;
    }

    /** The decoded query parameter {@code name}, or null when absent; 400 if it is given twice. */
    public String query(String name) {
        List<String> values = query.get(name);
        if (values == null) {
            return null;
        }
        if (values.size() > 1) {
            throw ApiException.badRequest(name, "query parameter " + name + " is given more than once", "give it once");
        }
        return values.get(0);
    }

    /** The query parameter {@code name} as a whole number in {@code [min, max]}, or {@code defaultValue}. */
    public int queryInt(String name, int defaultValue, int min, int max) {
        String text = query(name);
        if (text == null) {
            return defaultValue;
        }
        if (!text.matches("-?[0-9]{1,10}") || Long.parseLong(text) < min || Long.parseLong(text) > max) {
            throw ApiException.badRequest(name, "query parameter " + name + " must be a whole number from "
                    + min + " to " + max, "for example ?" + name + "=" + defaultValue);
        }
        return Integer.parseInt(text);
    }

    /** All decoded query parameters, name → values in order. */
    public Map<String, List<String>> queryParams() {
        return query;
    }

    /** The first value of header {@code name} (any case), or null. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** All headers, names matched case-insensitively. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    public InetSocketAddress clientAddress() {
        return clientAddress;
    }

    /** Who is calling, or null (only on {@link Access#PUBLIC} routes) when no valid credentials came. */
    public Principal principal() {
        return principal;
    }

    /** The raw body (a copy; empty when none), for uploads of the media types the route accepts. */
    public byte[] body() {
        return body.clone();
    }

    /**
     * The body as one JSON value: 415 unless the Content-Type is {@code application/json} (UTF-8
     * or no charset), 400 if the body is empty or not strict JSON (see {@link Json#parse}).
     */
    public JsonNode json() {
        if (json == null) {
            MediaType.require(header("Content-Type"), Set.of(MediaType.JSON));
            if (body.length == 0) {
                throw Json.emptyBody();
            }
            json = Json.parse(body);
        }
        return json;
    }

    /** The fields of the body, which must be a JSON object. */
    public JsonFields fields() {
        return JsonFields.of(json(), "");
    }

    /** {@link JsonFields#rejectUnknownKeys} on the body. */
    public JsonFields rejectUnknownKeys(String... allowed) {
        return fields().rejectUnknownKeys(allowed);
    }

    /** {@link JsonFields#requireText} on the body. */
    public String requireText(String key) {
        return fields().requireText(key);
    }

    /** {@link JsonFields#optionalText(String)} on the body. */
    public String optionalText(String key) {
        return fields().optionalText(key);
    }

    /** {@link JsonFields#requireInt} on the body. */
    public int requireInt(String key) {
        return fields().requireInt(key);
    }

    /** {@link JsonFields#optionalInt(String)} on the body. */
    public Integer optionalInt(String key) {
        return fields().optionalInt(key);
    }

    /** {@link JsonFields#optionalBoolean} on the body. */
    public boolean optionalBoolean(String key, boolean defaultValue) {
        return fields().optionalBoolean(key, defaultValue);
    }
}
