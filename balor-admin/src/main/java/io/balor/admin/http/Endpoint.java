package io.balor.admin.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One admin-API endpoint: a method, a path pattern, who may call it ({@link Access}), which
 * request body media types it takes, and its {@link Handler}. Immutable; any thread.
 *
 * <p>A pattern is an absolute path of {@code /}-separated segments, each a literal
 * ({@code [A-Za-z0-9._~-]}, not {@code .} or {@code ..}) or a parameter {@code {name}}
 * ({@code [a-z][a-z0-9_]*}, unique): {@code /api/listeners/{id}}. A request path matches when it
 * has as many segments and every literal equals its percent-decoded segment; a parameter takes
 * any one decoded segment that passed the traversal guard of {@link RequestTarget}. A trailing
 * slash is one more (empty) segment, so it does not match, unless the pattern ends in a slash
 * too ({@code /api/}, for the index). When two routes of a method match,
 * the one with a literal at the first segment where they differ wins
 * ({@code /api/users/me} before {@code /api/users/{name}}).
 *
 * <p>The body media types default to {@code application/json}; a raw upload route declares its
 * own with {@link #withAccepts} ({@code application/x-pem-file}). A request that carries a body
 * of another type gets 415 before its handler runs.
 */
public final class Endpoint {

    private final String method;
    private final String pattern;
    private final Access access;
    private final Set<String> accepts;
    private final Handler handler;
    /** Per segment: the literal, or null for a parameter. */
    private final List<String> literals;
    /** Per segment: the parameter name, or null for a literal. */
    private final List<String> params;

    private Endpoint(String method, String pattern, Access access, Set<String> accepts, Handler handler) {
        if (method == null || !method.matches("[A-Z]{1,16}")) {
            throw new IllegalArgumentException("a route method is an upper-case token, not " + method);
        }
        this.method = method;
        this.pattern = Objects.requireNonNull(pattern, "pattern");
        this.access = Objects.requireNonNull(access, "access");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.accepts = Set.copyOf(accepts);
        for (String type : this.accepts) {
            if (!MediaType.isValidType(type)) {
                throw new IllegalArgumentException("not a lower-case type/subtype: " + type);
            }
        }
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("a route pattern starts with /: " + pattern);
        }
        List<String> lits = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] segments = pattern.equals("/") ? new String[0] : pattern.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            if (segment.isEmpty() && i == segments.length - 1 && i > 0) {
                lits.add("");   // a trailing slash: matches only a request path that has one
                names.add(null);
            } else if (segment.startsWith("{") && segment.endsWith("}")) {
                String name = segment.substring(1, segment.length() - 1);
                if (!name.matches("[a-z][a-z0-9_]*") || !seen.add(name)) {
                    throw new IllegalArgumentException("bad or repeated parameter {" + name + "} in " + pattern);
                }
                lits.add(null);
                names.add(name);
            } else {
                if (!segment.matches("[A-Za-z0-9._~-]+") || !RequestTarget.isSafeSegment(segment)) {
                    throw new IllegalArgumentException("bad segment '" + segment + "' in " + pattern);
                }
                lits.add(segment);
                names.add(null);
            }
        }
        this.literals = Collections.unmodifiableList(lits);
        this.params = Collections.unmodifiableList(names);
    }

    /** A route for {@code method} (upper case) taking JSON bodies. */
    public static Endpoint of(String method, String pattern, Access access, Handler handler) {
        return new Endpoint(method, pattern, access, Set.of(MediaType.JSON), handler);
    }

    public static Endpoint get(String pattern, Access access, Handler handler) {
        return of("GET", pattern, access, handler);
    }

    public static Endpoint post(String pattern, Access access, Handler handler) {
        return of("POST", pattern, access, handler);
    }

    public static Endpoint put(String pattern, Access access, Handler handler) {
        return of("PUT", pattern, access, handler);
    }

    public static Endpoint patch(String pattern, Access access, Handler handler) {
        return of("PATCH", pattern, access, handler);
    }

    public static Endpoint delete(String pattern, Access access, Handler handler) {
        return of("DELETE", pattern, access, handler);
    }

    /** This route taking request bodies of exactly these media types ({@code type/subtype}, lower case). */
    public Endpoint withAccepts(String... mediaTypes) {
        if (mediaTypes.length == 0) {
            throw new IllegalArgumentException("a route takes at least one media type");
        }
        return new Endpoint(method, pattern, access, new HashSet<>(Arrays.asList(mediaTypes)), handler);
    }

    public String method() {
        return method;
    }

    public String pattern() {
        return pattern;
    }

    public Access access() {
        return access;
    }

    /** The request body media types this route takes. */
    public Set<String> accepts() {
        return accepts;
    }

    public Handler handler() {
        return handler;
    }

    /** The path parameters if {@code segments} (decoded) match this pattern, else null. */
    Map<String, String> match(List<String> segments) {
        if (segments.size() != literals.size()) {
            return null;
        }
        Map<String, String> values = null;
        for (int i = 0; i < segments.size(); i++) {
            String literal = literals.get(i);
            if (literal != null) {
                if (!literal.equals(segments.get(i))) {
                    return null;
                }
            } else if (segments.get(i).isEmpty()) {
                return null;
            } else {
                if (values == null) {
                    values = new LinkedHashMap<>();
                }
                values.put(params.get(i), segments.get(i));
            }
        }
        return values == null ? Map.of() : Collections.unmodifiableMap(values);
    }

    /** Whether, where this route and {@code other} (of equal length) first differ, this one is the literal. */
    boolean moreSpecificThan(Endpoint other) {
        for (int i = 0; i < literals.size() && i < other.literals.size(); i++) {
            boolean mine = literals.get(i) != null;
            boolean theirs = other.literals.get(i) != null;
            if (mine != theirs) {
                return mine;
            }
        }
        return false;
    }

    /** Whether both routes answer the same method on the same paths (parameter names aside). */
    boolean sameEndpoint(Endpoint other) {
        return method.equals(other.method) && literals.equals(other.literals);
    }

    @Override
    public String toString() {
        return method + " " + pattern;
    }
}
