package io.balor.ws;

import io.balor.buffer.Ascii;
import io.balor.http.HttpHead;
import io.balor.http.Method;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The opening handshake of RFC 6455 §4, checked on parsed heads in place: the client's upgrade
 * request (§4.1, §4.2.1) before it is forwarded, and the upstream's {@code 101} (§4.1, the
 * client's checks) before the connection becomes a tunnel. Stateless; the checks read offsets
 * and allocate nothing. Only {@link #acceptFor} allocates, once per connection. Called on the
 * session's loop thread, while the head's bytes are still in its buffer.
 *
 * <p>Balor passes WebSocket traffic through: extension and subprotocol agreement is left to the
 * two endpoints (a client fails a connection whose {@code 101} names an extension or protocol it
 * did not offer, §4.1). Balor only needs to know whether an extension was negotiated, because
 * then the RSV bits of frames may be set ({@link #hasExtensions}, {@link FrameScanner}).
 *
 * <p>Refusals are values: {@link #checkRequest} answers the HTTP status, and
 * {@link #requestProblem} the constant reason for the log (it runs the same checks again, so it
 * is meant for the refusal path only).
 */
public final class WebSocketHandshake {

    /** The GUID a server appends to the key before hashing (RFC 6455 §1.3). */
    public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** The name of the field a 426 must carry (RFC 6455 §4.2.2). */
    public static final String VERSION_FIELD = "Sec-WebSocket-Version";
    /** The only version Balor accepts, and the value of {@link #VERSION_FIELD} on a 426. */
    public static final String VERSION = "13";

    private static final byte[] GUID_BYTES = GUID.getBytes(StandardCharsets.US_ASCII);
    /** A key is base64 of 16 bytes: 22 characters and {@code ==} (RFC 6455 §4.1, item 7). */
    private static final int KEY_LENGTH = 24;

    // Problems, in the order they are checked; index into STATUS and REASON.
    private static final int VALID = 0;
    private static final int NOT_GET = 1;
    private static final int NOT_HTTP_11 = 2;
    private static final int NO_UPGRADE = 3;
    private static final int NO_CONNECTION_UPGRADE = 4;
    private static final int NO_VERSION = 5;
    private static final int REPEATED_VERSION = 6;
    private static final int WRONG_VERSION = 7;
    private static final int NO_KEY = 8;
    private static final int REPEATED_KEY = 9;
    private static final int INVALID_KEY = 10;
    private static final int BODY = 11;
    private static final int NOT_101 = 12;
    private static final int NO_ACCEPT = 13;
    private static final int REPEATED_ACCEPT = 14;
    private static final int WRONG_ACCEPT = 15;

    private static final int[] STATUS = {0, 400, 400, 400, 400, 400, 400, 426, 400, 400, 400, 400};
    private static final String[] REASON = {
        null,
        "WebSocket handshake is not a GET",
        "WebSocket handshake is not HTTP/1.1",
        "Upgrade does not list websocket",
        "Connection does not list upgrade",
        "missing Sec-WebSocket-Version",
        "repeated Sec-WebSocket-Version",
        "unsupported Sec-WebSocket-Version",
        "missing Sec-WebSocket-Key",
        "repeated Sec-WebSocket-Key",
        "invalid Sec-WebSocket-Key",
        "body on a WebSocket handshake",
        "upgrade answered with a status other than 101",
        "missing Sec-WebSocket-Accept",
        "repeated Sec-WebSocket-Accept",
        "wrong Sec-WebSocket-Accept",
    };

    private WebSocketHandshake() {
    }

    /**
     * Whether the request asks for WebSocket at all ({@code Upgrade} lists {@code websocket}):
     * the test that decides whether {@link #checkRequest} applies.
     */
    public static boolean wantsWebSocket(HttpHead request) {
        return fieldListHas(request, "upgrade", "websocket");
    }

    /**
     * Checks a client's upgrade request (RFC 6455 §4.1 and §4.2.1): {@code GET}, HTTP/1.1,
     * {@code Upgrade} listing {@code websocket}, a {@code Connection} field listing
     * {@code upgrade}, exactly one {@code Sec-WebSocket-Version: 13} and exactly one valid
     * {@code Sec-WebSocket-Key}. A body is refused too: the tunnel starts right after the head,
     * so body bytes would be read as frames (a request-smuggling shape).
     *
     * @return 0 if the request is valid; else the status to answer: 426 for an unsupported
     *         version (the response must then carry {@code Sec-WebSocket-Version: 13},
     *         §4.2.2 and §4.4), 400 for anything else
     */
    public static int checkRequest(HttpHead request) {
        return STATUS[requestCheck(request)];
    }

    /** Why {@link #checkRequest} refused the request (a constant, for the log), or null if it is valid. */
    public static String requestProblem(HttpHead request) {
        return REASON[requestCheck(request)];
    }

    private static int requestCheck(HttpHead head) {
        if (head.method() != Method.GET) {
            return NOT_GET;
        }
        if (head.version() != 11) {
            return NOT_HTTP_11;
        }
        if (!fieldListHas(head, "upgrade", "websocket")) {
            return NO_UPGRADE;
        }
        if (!head.connectionUpgrade()) {   // the parser ORs this over every Connection field
            return NO_CONNECTION_UPGRADE;
        }
        int versionField = onlyField(head, "sec-websocket-version");
        if (versionField < 0) {
            return versionField == -1 ? NO_VERSION : REPEATED_VERSION;
        }
        if (!equalsExactly(head.buffer(), head.valueStart(versionField), head.valueEnd(versionField), VERSION)) {
            return WRONG_VERSION;
        }
        int keyField = onlyField(head, "sec-websocket-key");
        if (keyField < 0) {
            return keyField == -1 ? NO_KEY : REPEATED_KEY;
        }
        if (!validKey(head.buffer(), head.valueStart(keyField), head.valueEnd(keyField))) {
            return INVALID_KEY;
        }
        if (head.chunked() || (head.contentLength() != HttpHead.NO_LENGTH && head.contentLength() != 0)) {
            return BODY;
        }
        return VALID;
    }

    /** The index of the request's {@code Sec-WebSocket-Key} field (the first one), or -1. */
    public static int keyField(HttpHead request) {
        for (int i = 0; i < request.fieldCount(); i++) {
            if (request.nameIs(i, "sec-websocket-key")) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The {@code Sec-WebSocket-Accept} value for the key in {@code buf[keyStart, keyEnd)}:
     * base64(SHA-1(key + {@link #GUID})) (RFC 6455 §1.3, §4.2.2 item 5.4). Allocates; call it
     * once per connection.
     */
    public static String acceptFor(ByteBuffer buf, int keyStart, int keyEnd) {
        int keyLength = keyEnd - keyStart;
        byte[] input = new byte[keyLength + GUID_BYTES.length];
        buf.get(keyStart, input, 0, keyLength);
        System.arraycopy(GUID_BYTES, 0, input, keyLength, GUID_BYTES.length);
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
        return Base64.getEncoder().encodeToString(sha1.digest(input));
    }

    /**
     * Whether the upstream's response completes the handshake (RFC 6455 §4.1, items 1-4 of the
     * client's checks): status 101, {@code Upgrade} listing {@code websocket}, {@code Connection}
     * listing {@code upgrade}, and exactly one {@code Sec-WebSocket-Accept} equal, byte for byte,
     * to {@code expectedAccept}. A response with another status is an ordinary answer to forward;
     * a 101 that fails is a bad upstream (502).
     */
    public static boolean acceptsUpgrade(HttpHead response, String expectedAccept) {
        return responseCheck(response, expectedAccept) == VALID;
    }

    /** Why {@link #acceptsUpgrade} said no (a constant, for the log), or null if it said yes. */
    public static String responseProblem(HttpHead response, String expectedAccept) {
        return REASON[responseCheck(response, expectedAccept)];
    }

    private static int responseCheck(HttpHead head, String expectedAccept) {
        if (head.status() != 101) {
            return NOT_101;
        }
        if (!fieldListHas(head, "upgrade", "websocket")) {
            return NO_UPGRADE;
        }
        if (!head.connectionUpgrade()) {
            return NO_CONNECTION_UPGRADE;
        }
        int acceptField = onlyField(head, "sec-websocket-accept");
        if (acceptField < 0) {
            return acceptField == -1 ? NO_ACCEPT : REPEATED_ACCEPT;
        }
        if (!equalsExactly(head.buffer(), head.valueStart(acceptField), head.valueEnd(acceptField), expectedAccept)) {
            return WRONG_ACCEPT;
        }
        return VALID;
    }

    /**
     * Whether the head carries a non-empty {@code Sec-WebSocket-Extensions} field. On the
     * {@code 101}: an extension was negotiated, so frames may set RSV bits (RFC 6455 §5.2, §9).
     */
    public static boolean hasExtensions(HttpHead head) {
        for (int i = 0; i < head.fieldCount(); i++) {
            if (head.nameIs(i, "sec-websocket-extensions") && head.valueEnd(i) > head.valueStart(i)) {
                return true;
            }
        }
        return false;
    }

    /** The index of the only field named {@code lowerCaseName}; -1 if there is none, -2 if several. */
    private static int onlyField(HttpHead head, String lowerCaseName) {
        int found = -1;
        for (int i = 0; i < head.fieldCount(); i++) {
            if (head.nameIs(i, lowerCaseName)) {
                if (found >= 0) {
                    return -2;
                }
                found = i;
            }
        }
        return found;
    }

    /** Whether any field named {@code lowerCaseName} lists {@code token} (lower-case). */
    private static boolean fieldListHas(HttpHead head, String lowerCaseName, String token) {
        for (int i = 0; i < head.fieldCount(); i++) {
            if (head.nameIs(i, lowerCaseName) && Ascii.listContains(head.buffer(), head.valueStart(i), head.valueEnd(i), token)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A key is 24 characters of the base64 alphabet ({@code A-Z a-z 0-9 + /}) whose last two are
     * {@code ==}: the encoding of exactly 16 bytes (RFC 6455 §4.1 item 7, §4.2.1 item 5). The
     * unused low bits of the 22nd character are not checked: decoders ignore them, and so do we.
     */
    private static boolean validKey(ByteBuffer buffer, int start, int end) {
        if (end - start != KEY_LENGTH || buffer.get(end - 1) != '=' || buffer.get(end - 2) != '=') {
            return false;
        }
        for (int i = start; i < end - 2; i++) {
            int b = buffer.get(i);
            boolean base64 = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || Ascii.isDigit(b) || b == '+' || b == '/';
            if (!base64) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code buffer[start, end)} is {@code expected}, byte for byte (base64 is case-sensitive). */
    private static boolean equalsExactly(ByteBuffer buffer, int start, int end, String expected) {
        if (end - start != expected.length()) {
            return false;
        }
        for (int i = 0; i < expected.length(); i++) {
            if (buffer.get(start + i) != expected.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
