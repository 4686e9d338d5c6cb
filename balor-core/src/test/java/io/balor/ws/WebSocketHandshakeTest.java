package io.balor.ws;

import io.balor.http.HttpHead;
import io.balor.http.HttpLimits;
import io.balor.http.HttpParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The opening handshake checks of RFC 6455 §4, on heads parsed by {@link HttpParser}. */
class WebSocketHandshakeTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";   // RFC 6455 §1.3
    private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    /** The RFC 6455 §1.2 request, with {@code fields} in place of the upgrade fields. */
    private static String request(String fields) {
        return "GET /chat HTTP/1.1\r\nHost: server.example.com\r\n" + fields
                + "Origin: http://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\n\r\n";
    }

    private static final String UPGRADE = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
    private static final String KEY_FIELD = "Sec-WebSocket-Key: " + KEY + "\r\n";
    private static final String VERSION = "Sec-WebSocket-Version: 13\r\n";
    private static final String VALID = request(UPGRADE + KEY_FIELD + VERSION);

    static HttpHead parse(String text, boolean request) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length + 16);
        buffer.put(5, bytes);   // not at 0: offsets must be honoured
        HttpParser parser = request ? HttpParser.requests(HttpLimits.DEFAULT) : HttpParser.responses(HttpLimits.DEFAULT);
        HttpHead head = new HttpHead(HttpLimits.DEFAULT);
        int verdict = parser.parse(buffer, 5, 5 + bytes.length, head);
        assertEquals(HttpParser.COMPLETE, verdict, () -> "parser refused: " + parser.error() + " in " + text);
        return head;
    }

    static Stream<Arguments> validRequests() {
        return Stream.of(
                VALID,
                request("Upgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n" + KEY_FIELD + VERSION),
                request("Upgrade: h2c, websocket\r\nConnection: UPGRADE\r\n" + KEY_FIELD + VERSION),
                request("Connection: keep-alive\r\nUpgrade: websocket\r\nConnection: upgrade\r\n" + KEY_FIELD + VERSION),
                request(VERSION + KEY_FIELD + "upgrade:websocket\r\nconnection:upgrade\r\n"),
                request(UPGRADE + "Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==\r\n" + VERSION),
                request(UPGRADE + "Sec-WebSocket-Key: +/+/+/+/+/+/+/+/+/+/+w==\r\n" + VERSION),
                request(UPGRADE + KEY_FIELD + VERSION + "Content-Length: 0\r\n"))
                .map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("validRequests")
    void acceptsValidRequests(String text) {
        HttpHead head = parse(text, true);
        assertTrue(WebSocketHandshake.wantsWebSocket(head));
        assertEquals(0, WebSocketHandshake.checkRequest(head));
        assertNull(WebSocketHandshake.requestProblem(head));
    }

    static Stream<Arguments> refusedRequests() {
        return Stream.of(
                bad(400, "not a GET", VALID.replace("GET", "POST")),
                bad(400, "not HTTP/1.1", VALID.replace("HTTP/1.1", "HTTP/1.0")),
                bad(400, "Upgrade does not list websocket", request("Connection: Upgrade\r\n" + KEY_FIELD + VERSION)),
                bad(400, "Upgrade does not list websocket", request("Upgrade: h2c\r\nConnection: Upgrade\r\n" + KEY_FIELD + VERSION)),
                bad(400, "Upgrade does not list websocket",
                        request("Upgrade: websockets\r\nConnection: Upgrade\r\n" + KEY_FIELD + VERSION)),
                bad(400, "Connection does not list upgrade", request("Upgrade: websocket\r\n" + KEY_FIELD + VERSION)),
                bad(400, "Connection does not list upgrade",
                        request("Upgrade: websocket\r\nConnection: keep-alive\r\n" + KEY_FIELD + VERSION)),
                bad(400, "Connection does not list upgrade",
                        request("Upgrade: websocket\r\nConnection: upgrade-please\r\n" + KEY_FIELD + VERSION)),
                bad(400, "missing Sec-WebSocket-Version", request(UPGRADE + KEY_FIELD)),
                bad(400, "repeated Sec-WebSocket-Version", request(UPGRADE + KEY_FIELD + VERSION + VERSION)),
                bad(426, "unsupported Sec-WebSocket-Version", request(UPGRADE + KEY_FIELD + "Sec-WebSocket-Version: 8\r\n")),
                bad(426, "unsupported Sec-WebSocket-Version",
                        request(UPGRADE + KEY_FIELD + "Sec-WebSocket-Version: 13, 8\r\n")),
                bad(426, "unsupported Sec-WebSocket-Version", request(UPGRADE + KEY_FIELD + "Sec-WebSocket-Version: 013\r\n")),
                bad(400, "missing Sec-WebSocket-Key", request(UPGRADE + VERSION)),
                bad(400, "repeated Sec-WebSocket-Key", request(UPGRADE + KEY_FIELD + KEY_FIELD + VERSION)),
                badKey(""),
                badKey("dGhlIHNhbXBsZSBub25jZQ="),            // 23 characters
                badKey("dGhlIHNhbXBsZSBub25jZQ==="),          // 25 characters
                badKey("dGhlIHNhbXBsZSBub25jZQAA"),           // no padding: 18 bytes
                badKey("dGhlIHNhbXBsZSBub25jZ==="),           // 15 bytes
                badKey("dGhlIHNhbXBsZSBub25jZQ==, " + KEY),   // two keys in one field
                badKey("dGhlIHNhbXBsZSBub25j-Q=="),           // base64url alphabet
                badKey("dGhlIHNhbXBsZSBub25j_Q=="),
                badKey("dGhlIHNhbXBsZSBub25j Q=="),
                badKey("dGhlIHNhbXBsZSBub25jZSBrZXk="),       // 20 bytes
                bad(400, "body on a WebSocket handshake", request(UPGRADE + KEY_FIELD + VERSION + "Content-Length: 5\r\n")),
                bad(400, "body on a WebSocket handshake",
                        request(UPGRADE + KEY_FIELD + VERSION + "Transfer-Encoding: chunked\r\n")));
    }

    private static Arguments bad(int status, String reason, String text) {
        return Arguments.of(status, reason, text);
    }

    private static Arguments badKey(String key) {
        return bad(400, "invalid Sec-WebSocket-Key", request(UPGRADE + "Sec-WebSocket-Key: " + key + "\r\n" + VERSION));
    }

    @ParameterizedTest
    @MethodSource("refusedRequests")
    void refusesInvalidRequests(int status, String reason, String text) {
        HttpHead head = parse(text, true);
        assertEquals(status, WebSocketHandshake.checkRequest(head), text);
        String problem = WebSocketHandshake.requestProblem(head);
        assertTrue(problem != null && problem.contains(reason), () -> problem + " for " + text);
    }

    @Test
    void wantsWebSocketOnlyWhenUpgradeListsIt() {
        assertFalse(WebSocketHandshake.wantsWebSocket(parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n", true)));
        assertFalse(WebSocketHandshake.wantsWebSocket(parse("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\n\r\n", true)));
        assertTrue(WebSocketHandshake.wantsWebSocket(parse("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: WEBSOCKET\r\n\r\n", true)));
    }

    @Test
    void acceptValueOfRfc6455Section13() {
        HttpHead head = parse(VALID, true);
        int key = WebSocketHandshake.keyField(head);
        assertEquals(KEY, head.value("sec-websocket-key"));
        assertEquals(ACCEPT, WebSocketHandshake.acceptFor(head.buffer(), head.valueStart(key), head.valueEnd(key)));
        assertEquals(-1, WebSocketHandshake.keyField(parse("GET / HTTP/1.1\r\nHost: a\r\n\r\n", true)));
    }

    private static String response(String fields) {
        return "HTTP/1.1 101 Switching Protocols\r\n" + fields + "\r\n";
    }

    private static final String ACCEPT_FIELD = "Sec-WebSocket-Accept: " + ACCEPT + "\r\n";

    static Stream<Arguments> upgradeResponses() {
        return Stream.of(
                Arguments.of(null, response(UPGRADE + ACCEPT_FIELD)),
                Arguments.of(null, response("upgrade: WebSocket\r\nConnection: keep-alive\r\nConnection: upgrade\r\n"
                        + ACCEPT_FIELD + "Sec-WebSocket-Protocol: chat\r\n")),
                Arguments.of("status other than 101",
                        "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n" + UPGRADE + ACCEPT_FIELD + "\r\n"),
                Arguments.of("status other than 101", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("Upgrade does not list websocket", response("Connection: Upgrade\r\n" + ACCEPT_FIELD)),
                Arguments.of("Upgrade does not list websocket", response("Upgrade: h2c\r\nConnection: Upgrade\r\n" + ACCEPT_FIELD)),
                Arguments.of("Connection does not list upgrade", response("Upgrade: websocket\r\n" + ACCEPT_FIELD)),
                Arguments.of("missing Sec-WebSocket-Accept", response(UPGRADE)),
                Arguments.of("repeated Sec-WebSocket-Accept", response(UPGRADE + ACCEPT_FIELD + ACCEPT_FIELD)),
                Arguments.of("wrong Sec-WebSocket-Accept", response(UPGRADE + "Sec-WebSocket-Accept: S3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n")),
                Arguments.of("wrong Sec-WebSocket-Accept", response(UPGRADE + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo\r\n")),
                Arguments.of("wrong Sec-WebSocket-Accept", response(UPGRADE + "Sec-WebSocket-Accept: " + KEY + "\r\n")));
    }

    @ParameterizedTest
    @MethodSource("upgradeResponses")
    void checksUpgradeResponses(String reason, String text) {
        HttpHead head = parse(text, false);
        assertEquals(reason == null, WebSocketHandshake.acceptsUpgrade(head, ACCEPT), text);
        String problem = WebSocketHandshake.responseProblem(head, ACCEPT);
        if (reason == null) {
            assertNull(problem);
        } else {
            assertTrue(problem != null && problem.contains(reason), () -> problem + " for " + text);
        }
    }

    @Test
    void extensionsNegotiatedWhenTheResponseNamesOne() {
        assertFalse(WebSocketHandshake.hasExtensions(parse(response(UPGRADE + ACCEPT_FIELD), false)));
        assertFalse(WebSocketHandshake.hasExtensions(parse(response(UPGRADE + ACCEPT_FIELD + "Sec-WebSocket-Extensions:\r\n"), false)));
        assertTrue(WebSocketHandshake.hasExtensions(parse(response(UPGRADE + ACCEPT_FIELD
                + "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n"), false)));
    }
}
