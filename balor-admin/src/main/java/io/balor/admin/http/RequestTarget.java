package io.balor.admin.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits and percent-decodes a request target's raw path and query (RFC 3986 §2.1, §3.3, §3.4),
 * strictly. Stateless; any thread.
 *
 * <p>Path: each {@code /}-separated segment is decoded on its own, so {@code %2F} stays inside
 * one segment, and then refused (400) if the decoded text contains {@code /}, {@code \} or a
 * control character (NUL included), or is {@code .} or {@code ..}. This is the path-traversal
 * guard: a name taken from the path ({@code /api/logs/files/{name}}) can never step out of its
 * directory, whatever encoding the client chose ({@code ..%2F}, {@code %2e%2e}, {@code %5C}).
 * A bad escape ({@code %zz}, a lone {@code %}) or bytes that are not UTF-8 are a 400 too. Empty
 * segments are kept (so {@code /a//b} and a trailing slash match no route: 404).
 *
 * <p>Query: {@code &}-separated {@code name=value} pairs (a pair without {@code =} has the value
 * ""), decoded as form data ({@code +} is a space), same escape and UTF-8 rules; control
 * characters in names or values are refused. Empty pairs ({@code a=1&&b=2}) are skipped.
 */
final class RequestTarget {

    private RequestTarget() {
    }

    /** The decoded segments of {@code rawPath} ({@code "/"} has none); 400 as described above. */
    static List<String> pathSegments(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            throw ApiException.badRequest(null, "the request target must be an absolute path",
                    "send a path such as /api/...");
        }
        if (rawPath.equals("/")) {
            return List.of();
        }
        String[] raw = rawPath.substring(1).split("/", -1);
        List<String> segments = new ArrayList<>(raw.length);
        for (String segment : raw) {
            String decoded = decode(segment, false);
            if (decoded == null) {
                throw ApiException.badRequest(null, "malformed percent-encoding in the path",
                        "escape bytes as %XX of UTF-8");
            }
            if (!isSafeSegment(decoded)) {
                throw ApiException.badRequest(null, "path segment not allowed",
                        "a path segment may not be . or .. or contain /, \\ or control characters");
            }
            segments.add(decoded);
        }
        return List.copyOf(segments);
    }

    /** Whether a decoded path segment is free of separators, control characters and dot names. */
    static boolean isSafeSegment(String segment) {
        if (segment.equals(".") || segment.equals("..")) {
            return false;
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '/' || c == '\\' || isControl(c)) {
                return false;
            }
        }
        return true;
    }

    /** The decoded query parameters, name → values in order; 400 as described above. */
    static Map<String, List<String>> query(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), true);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), true);
            if (name == null || value == null) {
                throw ApiException.badRequest(null, "malformed percent-encoding in the query",
                        "escape bytes as %XX of UTF-8");
            }
            if (name.isEmpty() || hasControl(name) || hasControl(value)) {
                throw ApiException.badRequest(name.isEmpty() ? null : name,
                        "query parameter not allowed", "names must not be empty; no control characters");
            }
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        Map<String, List<String>> frozen = new LinkedHashMap<>();
        params.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(frozen);
    }

    /**
     * {@code raw} with {@code %XX} escapes (and {@code +} if {@code plusIsSpace}) decoded as UTF-8;
     * null if an escape is malformed or the bytes are not UTF-8. Characters that are not escaped
     * are taken as they are (a URI may carry non-ASCII "other" characters unescaped).
     */
    static String decode(String raw, boolean plusIsSpace) {
        if (raw.indexOf('%') < 0 && !(plusIsSpace && raw.indexOf('+') >= 0)) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 1 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0 || raw.charAt(i + 1) > 0x7f || raw.charAt(i + 2) > 0x7f) {
                    return null;
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                int codePoint = raw.codePointAt(i);
                if (Character.getType(codePoint) == Character.SURROGATE) {
                    return null; // half of a pair: not a character
                }
                byte[] utf8 = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
                i += Character.charCount(codePoint) - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean hasControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (isControl(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isControl(char c) {
        return c < 0x20 || c == 0x7f;
    }
}
