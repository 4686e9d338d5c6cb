package io.balor.proxy;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Balor's own responses: standard reason phrases, exact bytes, and nothing allocated per response. */
class ErrorResponseTest {

    private static String written(int status, long requestId, int retryAfter) {
        ByteBuffer out = ByteBuffer.allocate(1024);
        ErrorResponse.write(out, status, requestId, retryAfter);
        return new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII);
    }

    @Test
    void aTooManyRequestsResponseHasItsReasonPhraseAndRetryAfter() {
        assertEquals("HTTP/1.1 429 Too Many Requests\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 46\r\n"
                + "Connection: close\r\n"
                + "Retry-After: 10\r\n"
                + "\r\n"
                + "429 Too Many Requests\n"
                + "request id: 7eb2e000001\n", written(429, 0x7eb2e000001L, 10));
    }

    @Test
    void everyStatusBalorAnswersWithHasItsStandardPhrase() {
        String[] expected = {
            "400 Bad Request", "404 Not Found", "408 Request Timeout", "413 Content Too Large", "414 URI Too Long",
            "417 Expectation Failed", "421 Misdirected Request", "426 Upgrade Required", "429 Too Many Requests",
            "431 Request Header Fields Too Large", "501 Not Implemented", "502 Bad Gateway",
            "503 Service Unavailable", "504 Gateway Timeout", "505 HTTP Version Not Supported",
        };
        for (String line : expected) {
            int status = Integer.parseInt(line.substring(0, 3));
            String response = written(status, 1, 0);
            assertTrue(response.startsWith("HTTP/1.1 " + line + "\r\n"), response);
            assertTrue(response.endsWith("\r\n\r\n" + line + "\nrequest id: 1\n"), response);
            int length = Integer.parseInt(response.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
            assertEquals(response.length() - response.indexOf("\r\n\r\n") - 4, length, response);
        }
        assertTrue(written(426, 1, 0).contains("\r\nSec-WebSocket-Version: 13\r\n"));
        assertTrue(written(503, 0, 1).contains("\r\nRetry-After: 1\r\n\r\n503 Service Unavailable\nrequest id: 0\n"));
        assertTrue(written(502, -1L, 0).endsWith("request id: ffffffffffffffff\n"), "all 64 bits, as toHexString");
    }

    @Test
    void aResponseThatDoesNotFitIsDropped() {
        ByteBuffer out = ByteBuffer.allocate(64);
        ErrorResponse.write(out, 503, 1, 1);
        assertEquals(0, out.position());
    }

    /** The status lines and titles are made once: writing a response allocates nothing. */
    @Test
    void writingAResponseAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ByteBuffer out = ByteBuffer.allocateDirect(512);
        for (int i = 0; i < 20_000; i++) {   // warm up (class loading, the JIT)
            out.clear();
            ErrorResponse.write(out, i % 2 == 0 ? 429 : 503, i, i % 7);
        }
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            out.clear();
            ErrorResponse.write(out, i % 2 == 0 ? 429 : 503, i, i % 7);
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(allocated < 10_000, allocated + " bytes for 100,000 responses");
    }
}
