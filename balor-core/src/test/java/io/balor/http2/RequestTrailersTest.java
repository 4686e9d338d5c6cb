package io.balor.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.balor.http.ChunkedDecoder;
import io.balor.http.HttpLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTrailersTest {

    /** Feeds fields (name, value, ...) and finishes; the section as text, or "malformed: why". */
    private static String translate(RequestTrailers trailers, String... fields) {
        trailers.reset();
        for (int i = 0; i < fields.length; i += 2) {
            byte[] bytes = ("xx" + fields[i] + fields[i + 1]).getBytes(StandardCharsets.ISO_8859_1);
            trailers.field(bytes, 2, fields[i].length(), 2 + fields[i].length(), fields[i + 1].length(), false);
        }
        ByteBuffer section = trailers.finish();
        if (section == null) {
            return "malformed: " + trailers.problem();
        }
        byte[] text = new byte[section.remaining()];
        section.get(text);
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    private static String translate(String... fields) {
        return translate(new RequestTrailers(4096), fields);
    }

    @Test
    void fieldsBecomeTheLastChunkAndItsTrailerSection() {
        assertEquals("0\r\ngrpc-status: 0\r\nx-checksum: 42\r\nx-empty: \r\n\r\n",
                translate("grpc-status", "0", "x-checksum", "42", "x-empty", ""));
        assertEquals("0\r\n\r\n", translate(), "an empty block: the last chunk alone");
    }

    @Test
    void fieldsATrailerMayNotCarryAreLeftOut() {
        // RFC 9110 §6.5.1: framing, routing, hop-by-hop; what Balor's HTTP/1.1 decoder refuses in trailers
        assertEquals("0\r\nx-a: 1\r\nx-b: 2\r\n\r\n", translate("content-length", "5", "x-a", "1", "host", "evil.test",
                "te", "trailers", "trailer", "x-a", "x-b", "2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        ":status|200|a pseudo-header in trailers",
        "x-a|1|:path|/|a pseudo-header in trailers",
        "X-A|1|an upper-case field name",
        "x@a|1|a field name outside tchar",
        "|1|an empty field name",
        "x-a|1\r\nhost: b|a field value with NUL, CR or LF",
        "x-a| 1|a field value starting or ending with whitespace",
        "transfer-encoding|chunked|a connection-specific field",
        "connection|close|a connection-specific field",
        "keep-alive|1|a connection-specific field",
        "proxy-connection|close|a connection-specific field",
        "upgrade|h2c|a connection-specific field",
        "te|gzip|te other than trailers",
    })
    void malformedTrailersAreRefused(String cases) {
        String[] parts = cases.split("\\|", -1);
        String[] fields = java.util.Arrays.copyOf(parts, parts.length - 1);
        assertEquals("malformed: " + parts[parts.length - 1], translate(fields));
    }

    @Test
    void fieldsPastTheSectionsLimitAreTooLargeAndResetForgetsIt() {
        RequestTrailers trailers = new RequestTrailers(32);
        String section = translate(trailers, "x-a", "1234567890", "x-b", "1234567890");
        assertEquals("0\r\nx-a: 1234567890\r\n\r\n", section);
        assertTrue(trailers.tooLarge());
        assertEquals("0\r\nx-b: 1\r\n\r\n", translate(trailers, "x-b", "1"));
        assertEquals(false, trailers.tooLarge());
        assertEquals("0\r\n\r\n", translate(trailers));
    }

    /**
     * What the stream's body becomes is read by Balor's own chunked decoder on the way to the
     * upstream: it takes the section whole, at every split point, with the trailers intact.
     */
    @Test
    void balorsChunkedDecoderTakesTheSectionAtEverySplitPoint() {
        String body = "5\r\nhello\r\n" + translate("grpc-status", "0", "grpc-message", "a%20b", "x-bin", "\u00ff");
        byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        for (int split = 0; split <= bytes.length; split++) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            ChunkedDecoder decoder = new ChunkedDecoder(HttpLimits.DEFAULT);
            int verdict = ChunkedDecoder.NEED_MORE;
            int at = 0;
            for (int to : new int[] {split, bytes.length}) {
                do {
                    verdict = decoder.decode(buffer, at, to);
                    at = decoder.position();
                } while (verdict == ChunkedDecoder.DATA);
            }
            assertEquals(ChunkedDecoder.DONE, verdict, "split at " + split + ": " + decoder.error());
            assertEquals(bytes.length, decoder.position());
            assertEquals("grpc-status: 0\r\ngrpc-message: a%20b\r\nx-bin: \u00ff\r\n",
                    new String(bytes, decoder.trailerStart(), decoder.trailerEnd() - decoder.trailerStart(),
                            StandardCharsets.ISO_8859_1));
        }
    }
}
