package io.balor.proxy;

import io.balor.http.HttpHead;
import io.balor.http.HttpLimits;
import io.balor.http.HttpParser;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What Balor answers itself by method: TRACE 405 with Allow, OPTIONS with Max-Forwards: 0. */
class MethodAnswersTest {

    private static int answer(String request) {
        byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        buffer.put(0, bytes);
        HttpHead head = new HttpHead(HttpLimits.DEFAULT);
        assertEquals(HttpParser.COMPLETE, HttpParser.requests(HttpLimits.DEFAULT).parse(buffer, 0, bytes.length, head));
        MethodAnswers answers = MethodAnswers.INSTANCE;
        if (!answers.answers(head, buffer)) {
            return 0;
        }
        ByteBuffer out = ByteBuffer.allocate(512);
        int status = answers.write(head, buffer, out, 7, false);
        String written = new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII);
        assertTrue(written.startsWith("HTTP/1.1 " + status + " "), written);
        return status;
    }

    @Test
    void traceIsRefusedAndOptionsWithMaxForwardsZeroAnswered() {
        assertEquals(405, answer("TRACE / HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals(405, answer("TRACE / HTTP/1.1\r\nHost: a\r\nMax-Forwards: 5\r\n\r\n"));
        assertEquals(200, answer("OPTIONS * HTTP/1.1\r\nHost: a\r\nMax-Forwards: 0\r\n\r\n"));
        assertEquals(0, answer("OPTIONS * HTTP/1.1\r\nHost: a\r\nMax-Forwards: 1\r\n\r\n"));
        assertEquals(0, answer("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals(0, answer("GET / HTTP/1.1\r\nHost: a\r\nMax-Forwards: 0\r\n\r\n"));
    }

    @Test
    void theOptionsAnswerAndThe405SayWhichMethodsAreForwarded() {
        ByteBuffer out = ByteBuffer.allocate(256);
        assertTrue(MethodAnswers.options(out, false));
        assertEquals("HTTP/1.1 200 OK\r\nAllow: GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH\r\nContent-Length: 0\r\n\r\n",
                new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII));
        out.clear();
        assertTrue(MethodAnswers.options(out, true));
        assertTrue(new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII)
                .endsWith("Content-Length: 0\r\nConnection: close\r\n\r\n"));
        assertFalse(MethodAnswers.options(ByteBuffer.allocate(40), false), "nothing written when it does not fit");

        out.clear();
        ErrorResponse.write(out, 405, 1, 0);
        String refused = new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII);
        assertTrue(refused.startsWith("HTTP/1.1 405 Method Not Allowed\r\n")
                && refused.contains("\r\nAllow: GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH\r\n"), refused);
        int length = Integer.parseInt(refused.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
        assertEquals(refused.length() - refused.indexOf("\r\n\r\n") - 4, length, refused);
    }

    @Test
    void answeringAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ByteBuffer out = ByteBuffer.allocateDirect(512);
        for (int i = 0; i < 20_000; i++) {
            out.clear();
            MethodAnswers.options(out, i % 2 == 0);
        }
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            out.clear();
            MethodAnswers.options(out, i % 2 == 0);
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(allocated < 10_000, allocated + " bytes for 100,000 answers");
    }
}
