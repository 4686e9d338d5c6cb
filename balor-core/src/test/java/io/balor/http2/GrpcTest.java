package io.balor.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GrpcTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void recognisesGrpcContentTypes() {
        for (String yes : new String[] {"application/grpc", "application/grpc+proto", "application/grpc;charset=x",
            "Application/GRPC"}) {
            assertTrue(Grpc.isGrpc(ascii(yes), 0, yes.length()), yes);
        }
        for (String no : new String[] {"application/grpc-web", "application/json", "application/grp", ""}) {
            assertFalse(Grpc.isGrpc(ascii(no), 0, no.length()), no);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "1H, 3600000000000", "2M, 120000000000", "3S, 3000000000", "250m, 250000000", "10u, 10000", "7n, 7",
        "99999999H, 4611686018427387904", "99999999n, 99999999", "0S, 0",
        "S, -1", "1, -1", "1s, -1", "123456789S, -1", "1.5S, -1", "-1S, -1",
    })
    void timeouts(String value, String nanos) {
        assertEquals(Long.parseLong(nanos), Grpc.timeoutNanos(ascii(value), 0, value.length()), value);
    }

    @Test
    void balorsOwnErrorsAreTrailersOnlyResponses() {
        ByteBuffer block = ByteBuffer.allocate(256);
        Grpc.trailersOnly(new HpackEncoder(), block, 503, "no upstream: pool grpc-backend is down (100%)");
        HpackDecoderTest.Fields fields = new HpackDecoderTest.Fields();
        HpackDecoder decoder = new HpackDecoder(4096, 16384);
        assertEquals(HpackDecoder.OK, decoder.decode(block.array(), 0, block.position(), fields));
        assertEquals(List.of(":status: 200", "content-type: application/grpc", "grpc-status: 14",
                "grpc-message: no upstream: pool grpc-backend is down (100%25)"), fields.lines);
        assertEquals(Grpc.UNIMPLEMENTED, Grpc.statusFor(404));
        assertEquals(Grpc.DEADLINE_EXCEEDED, Grpc.statusFor(504));
        assertEquals(Grpc.RESOURCE_EXHAUSTED, Grpc.statusFor(431));
        assertEquals(Grpc.UNKNOWN, Grpc.statusFor(418));
        assertEquals("caf%C3%A9%0A", new String(Grpc.percentEncode("café\n"), StandardCharsets.US_ASCII));
    }
}
