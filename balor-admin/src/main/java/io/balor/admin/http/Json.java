package io.balor.admin.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The admin API's one JSON mapper and its strict body parser. Stateless; any thread (a configured
 * {@link ObjectMapper} is thread-safe).
 *
 * <p>Reading: UTF-8 only (decoded strictly first: Jackson would otherwise guess UTF-16/32),
 * standard JSON only (no comments, single quotes, NaN or leading zeros: Jackson's defaults),
 * duplicate keys refused ({@link StreamReadFeature#STRICT_DUPLICATE_DETECTION}), nothing after the
 * value ({@link DeserializationFeature#FAIL_ON_TRAILING_TOKENS}), nesting at most 64 deep. Every refusal
 * is a 400 naming line and column; the hint carries Jackson's own words, which may quote the
 * request, so it goes only to the client, never to the audit log.
 *
 * <p>Writing: records and beans get snake_case property names (the state file's and the API's
 * vocabulary); map keys are written as given. java.time types are not supported (no jsr310
 * module): handlers write instants as strings.
 */
final class Json {

    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    private static final int HINT_LIMIT = 200;

    private Json() {
    }

    /** {@code value} (a JsonNode, record, map, list ...) as UTF-8 JSON. */
    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + value.getClass().getName(), e);
        }
    }

    /** The one JSON value in {@code body}; 400 if empty, not UTF-8, malformed, duplicated or trailed. */
    static JsonNode parse(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest(null, "request body is not valid UTF-8", "send JSON encoded as UTF-8");
        }
        try (JsonParser parser = MAPPER.createParser(text)) {
            try {
                if (parser.nextToken() == null) {
                    throw emptyBody();
                }
                JsonNode node = MAPPER.readTree(parser);
                if (parser.nextToken() != null) { // readTree checks this too, with FAIL_ON_TRAILING_TOKENS
                    throw refusal("trailing data after the JSON value", parser.currentTokenLocation(),
                            "send exactly one JSON value", null);
                }
                return node;
            } catch (JsonProcessingException e) {
                String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
                if (e instanceof MismatchedInputException && original.startsWith("Trailing token")) {
                    throw refusal("trailing data after the JSON value", e.getLocation(), "send exactly one JSON value", null);
                }
                if (original.startsWith("Duplicate field '")) {
                    throw refusal("duplicate key", e.getLocation(), "give each key once", fieldPath(parser));
                }
                throw refusal("malformed JSON", e.getLocation(), clip(original), null);
            }
        } catch (IOException e) {
            // Reading a String does no I/O; anything else Jackson throws is a parse problem above.
            throw ApiException.badRequest(null, "malformed JSON", "the body could not be read as JSON");
        }
    }

    static ApiException emptyBody() {
        return ApiException.badRequest(null, "request body is empty", "send a JSON object");
    }

    private static ApiException refusal(String what, JsonLocation at, String hint, String field) {
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return ApiException.badRequest(field, what + where, hint);
    }

    /** The path of the key the parser stands on ({@code tls.cert_file}, {@code upstreams[1].port}). */
    private static String fieldPath(JsonParser parser) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = parser.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push("[" + c.getCurrentIndex() + "]");
            } else if (c.getCurrentName() != null) {
                parts.push(c.getCurrentName());
            }
        }
        StringBuilder path = new StringBuilder();
        for (String part : parts) {
            if (path.length() > 0 && part.charAt(0) != '[') {
                path.append('.');
            }
            path.append(part);
        }
        return path.length() == 0 ? null : path.toString();
    }

    private static String clip(String text) {
        return text.length() <= HINT_LIMIT ? text : text.substring(0, HINT_LIMIT) + "...";
    }
}
