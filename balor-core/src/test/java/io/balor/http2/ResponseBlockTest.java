package io.balor.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseBlockTest {

    private static List<String> encodeAndDecode(String head) {
        ByteBuffer in = ByteBuffer.wrap(("xx" + head).getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer block = ByteBuffer.allocate(1024);
        assertTrue(new ResponseBlock(256).encode(in, 2, in.limit(), new HpackEncoder(), block));
        HpackDecoderTest.Fields fields = new HpackDecoderTest.Fields();
        HpackDecoder decoder = new HpackDecoder(4096, 16384);
        assertEquals(HpackDecoder.OK, decoder.decode(block.array(), 0, block.position(), fields), decoder.problem());
        return fields.lines;
    }

    @Test
    void statusThenLowerCaseFieldsWithoutTheConnectionSpecificOnes() {
        assertEquals(List.of(":status: 200", "content-type: text/plain", "content-length: 2",
                "set-cookie: BALOR_STICKY=ab; Path=/ (never)", "x-empty: "),
                encodeAndDecode("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
                        + "Connection: keep-alive\r\nSet-Cookie: BALOR_STICKY=ab; Path=/\r\nTransfer-Encoding: chunked\r\n"
                        + "Keep-Alive: timeout=5\r\nX-Empty:\r\n\r\nbody after the head is not read"));
        assertEquals(List.of(":status: 503", "retry-after: 1"),
                encodeAndDecode("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"));
    }

    private static String trailers(String section, ResponseBlock blocks, ByteBuffer block) {
        ByteBuffer in = ByteBuffer.wrap(("0\r\n" + section + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        int count = blocks.encodeTrailers(in, 3, 3 + section.length(), new HpackEncoder(), block);
        if (count <= 0) {
            assertEquals(0, block.position(), "nothing written when there is nothing to send");
            return String.valueOf(count);
        }
        HpackDecoderTest.Fields fields = new HpackDecoderTest.Fields();
        HpackDecoder decoder = new HpackDecoder(4096, 16384);
        assertEquals(HpackDecoder.OK, decoder.decode(block.array(), 0, block.position(), fields), decoder.problem());
        assertEquals(count, fields.lines.size());
        return String.join("|", fields.lines);
    }

    @Test
    void aTrailerSectionBecomesATrailingBlockOfLowerCaseFields() {
        ResponseBlock blocks = new ResponseBlock(256);
        assertEquals("grpc-status: 0|grpc-message: all good|x-empty: ", trailers(
                "Grpc-Status: 0\r\ngrpc-message:  all good \t\r\nConnection: x\r\nTE: trailers\r\n"
                        + "Keep-Alive: 1\r\nUpgrade: h2c\r\nProxy-Connection: close\r\nX-Empty:\r\n",
                blocks, ByteBuffer.allocate(1024)));
        assertEquals("0", trailers("connection: close\r\n", blocks, ByteBuffer.allocate(1024)),
                "only fields HTTP/2 leaves out: none to send");
        assertEquals("0", trailers("", blocks, ByteBuffer.allocate(1024)));
        assertEquals("-1", trailers("x-a: 1\r\nno colon\r\n", blocks, ByteBuffer.allocate(1024)));
        assertEquals("-1", trailers("x-a: 1\r\n", new ResponseBlock(0), ByteBuffer.allocate(1024)), "value too long");
        assertEquals("-1", trailers("x-a: " + "v".repeat(100) + "\r\n", blocks, ByteBuffer.allocate(16)), "no room");
    }

    @Test
    void refusesWhatIsNotAHeadOrDoesNotFit() {
        ResponseBlock blocks = new ResponseBlock(8);
        ByteBuffer block = ByteBuffer.allocate(1024);
        for (String head : new String[] {"HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
            "HTTP/1.1 200 OK\r\nx: a value over eight\r\n\r\n", "HTTP/1.1 200 OK\r\nx: 1\r\n"}) {
            ByteBuffer in = ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1));
            assertFalse(blocks.encode(in, 0, in.limit(), new HpackEncoder(), block), head);
            assertEquals(0, block.position(), "nothing written for " + head);
        }
    }
}
