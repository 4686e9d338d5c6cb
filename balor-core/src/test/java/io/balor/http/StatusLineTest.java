package io.balor.http;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StatusLineTest {

    private static String line(int status) {
        ByteBuffer out = ByteBuffer.allocate(64);
        StatusLine.write(out, status);
        assertEquals(StatusLine.length(status), out.position());
        return new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII);
    }

    @Test
    void linesCarryTheRegisteredPhrases() {
        assertEquals("HTTP/1.1 429 Too Many Requests\r\n", line(429));
        assertEquals("HTTP/1.1 431 Request Header Fields Too Large\r\n", line(431));
        assertEquals("HTTP/1.1 421 Misdirected Request\r\n", line(421));
        assertEquals("HTTP/1.1 413 Content Too Large\r\n", line(413));
        assertEquals("HTTP/1.1 502 Bad Gateway\r\n", line(502));
        assertEquals("HTTP/1.1 503 Service Unavailable\r\n", line(503));
        assertEquals("HTTP/1.1 200 OK\r\n", line(200));
        assertEquals("HTTP/1.1 101 Switching Protocols\r\n", line(101));
    }

    /** RFC 9110 §15's codes, and those other RFCs registered: each has its phrase. */
    @Test
    void everyRegisteredCodeHasAPhrase() {
        int[] registered = {100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303,
            304, 305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416,
            417, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510,
            511};
        for (int status : registered) {
            assertFalse(StatusLine.reason(status).isEmpty(), "no phrase for " + status);
        }
    }

    @Test
    void anUnregisteredCodeKeepsTheSyntaxWithAnEmptyPhrase() {
        assertEquals("", StatusLine.reason(418));
        assertEquals("HTTP/1.1 599 \r\n", line(599));
        assertThrows(IllegalArgumentException.class, () -> StatusLine.length(600));
        assertThrows(IllegalArgumentException.class, () -> StatusLine.length(99));
    }
}
