package io.balor.http;

import io.balor.buffer.Ascii;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The chunked decoder, case by case, each case fed whole, at every split point and byte by byte,
 * by a caller that keeps the whole stream and by one that compacts its buffer after every read:
 * payload, trailers, verdict and end must not depend on how the bytes arrived.
 */
class ChunkedDecoderTest {

    private static final String DONE = "DONE";
    private static final String MORE = "NEED_MORE";
    /** Small, so that a trailer section past the limit is quick to feed byte by byte. */
    private static final HttpLimits LIMITS = new HttpLimits(64, 256, 10);
    private static final String LONGEST_EXT = "a".repeat(ChunkedDecoder.MAX_CHUNK_LINE - 4);
    private static final String LONGEST_TRAILER = "y".repeat(LIMITS.maxHead() - 3 - 4);

    static Stream<Arguments> cases() {
        return Stream.of(
                ok("5\r\nhello\r\n0\r\n\r\n", "hello", ""),
                ok("0\r\n\r\n", "", ""),
                ok("5\r\nhello\r\n6\r\n world\r\n1\r\n!\r\n0\r\n\r\n", "hello world!", ""),
                ok("A\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n", "0123456789abcdefghij", ""),
                ok("1F\r\n" + "x".repeat(31) + "\r\n0\r\n\r\n", "x".repeat(31), ""),
                ok("000a\r\n0123456789\r\n000\r\n\r\n", "0123456789", ""),
                ok("00000000000000a\r\n0123456789\r\n0\r\n\r\n", "0123456789", ""),   // 15 digits
                ok("3\r\n\r\n\n\r\n0\r\n\r\n", "\r\n\n", ""),   // CR and LF are payload inside data
                // extensions, validated and skipped
                ok("5;a\r\nhello\r\n0\r\n\r\n", "hello", ""),
                ok("5;a=b;c\r\nhello\r\n0;last=1\r\n\r\n", "hello", ""),
                ok("5 ; a = b\t;\tc\r\nhello\r\n0\r\n\r\n", "hello", ""),
                ok("5;a=\"q ;=\\\"x\\\\\"\r\nhello\r\n0\r\n\r\n", "hello", ""),
                ok("5;a=\"\"\r\nhello\r\n0\r\n\r\n", "hello", ""),
                ok("5;a=\"caf\u00e9\"\r\nhello\r\n0\r\n\r\n", "hello", ""),
                bad("5;\r\nhello\r\n0\r\n\r\n", "invalid chunk extension name"),
                bad("5;=b\r\nhello\r\n0\r\n\r\n", "invalid chunk extension name"),
                bad("5;a=\r\nhello\r\n0\r\n\r\n", "invalid chunk extension value"),
                bad("5;a=b c\r\nhello\r\n0\r\n\r\n", "whitespace not followed by ';' in chunk line"),
                bad("5;a \r\nhello\r\n0\r\n\r\n", "whitespace not followed by ';' in chunk line"),
                bad("5;a=\"b\r\nhello\r\n0\r\n\r\n", "invalid character in quoted string"),
                bad("5;a=\"b\"c\r\nhello\r\n0\r\n\r\n", "invalid chunk extension value"),
                bad("5;a=\"\u0001\"\r\nhello\r\n0\r\n\r\n", "invalid character in quoted string"),
                bad("5;a=\"\\\u0000\"\r\nhello\r\n0\r\n\r\n", "invalid character in quoted string"),
                bad("5;a(b\r\nhello\r\n0\r\n\r\n", "invalid chunk extension name"),
                bad("5;a=b,c\r\nhello\r\n0\r\n\r\n", "invalid chunk extension value"),
                ok("5;" + LONGEST_EXT + "\r\nhello\r\n0\r\n\r\n", "hello", ""),
                bad("5;" + LONGEST_EXT + "a\r\nhello\r\n0\r\n\r\n", "chunk line too long"),
                // chunk sizes
                bad("-1\r\nx\r\n0\r\n\r\n", "invalid chunk size"),
                bad("+a\r\n0123456789\r\n0\r\n\r\n", "invalid chunk size"),
                bad("0x10\r\n" + "x".repeat(16) + "\r\n0\r\n\r\n", "invalid chunk size"),
                bad(" 5\r\nhello\r\n0\r\n\r\n", "invalid chunk size"),
                bad("5 \r\nhello\r\n0\r\n\r\n", "whitespace not followed by ';' in chunk line"),
                bad("5\t\r\nhello\r\n0\r\n\r\n", "whitespace not followed by ';' in chunk line"),
                bad("\r\nhello\r\n0\r\n\r\n", "invalid chunk size"),
                bad("g\r\n", "invalid chunk size"),
                bad("5g\r\nhello\r\n0\r\n\r\n", "invalid chunk size"),
                bad("1 2\r\n", "whitespace not followed by ';' in chunk line"),
                bad("0000000000000005\r\nhello\r\n0\r\n\r\n", "chunk size too large"),   // 16 digits
                bad("ffffffffffffffff\r\n", "chunk size too large"),
                bad("10000000000000000000\r\n", "chunk size too large"),
                // line endings
                bad("5\nhello\r\n0\r\n\r\n", "bare LF"),
                bad("5\rhello\r\n0\r\n\r\n", "bare CR"),
                bad("5;a\nhello\r\n0\r\n\r\n", "bare LF"),
                bad("5;a=b\nhello\r\n0\r\n\r\n", "bare LF"),
                bad("5 \nhello\r\n0\r\n\r\n", "bare LF"),
                bad("\nhello\r\n0\r\n\r\n", "bare LF"),
                bad("5\r\nhello\n0\r\n\r\n", "chunk data not followed by CRLF"),
                bad("5\r\nhello\r0\r\n\r\n", "chunk data not followed by CRLF"),
                bad("5\r\nhello0\r\n\r\n", "chunk data not followed by CRLF"),
                bad("5\r\nhelloo\r\n0\r\n\r\n", "chunk data not followed by CRLF"),
                bad("5\r\nhello\r\n\r\n0\r\n\r\n", "invalid chunk size"),
                bad("0\n\r\n", "bare LF"),
                bad("0\r\n\n", "bare LF"),
                bad("0\r\n\r\r", "bare CR"),
                bad("0\r\n\rX", "bare CR"),
                bad("0\r\nX: y\n\r\n", "bare LF"),
                bad("0\r\nX: y\rZ: w\r\n\r\n", "bare CR"),
                // trailers
                ok("5\r\nhello\r\n0\r\nX-Sum: abc\r\n\r\n", "hello", "X-Sum: abc\r\n"),
                ok("0\r\nA: 1\r\nb:\r\nC-3:  x y \t\r\n\r\n", "", "A: 1\r\nb:\r\nC-3:  x y \t\r\n"),
                ok("0\r\nX: caf\u00e9\r\n\r\n", "", "X: caf\u00e9\r\n"),
                ok("0\r\nContent-Type: x\r\nHosts: y\r\n\r\n", "", "Content-Type: x\r\nHosts: y\r\n"),
                bad("0\r\nX : y\r\n\r\n", "whitespace before colon in trailers"),
                bad("0\r\nX\t: y\r\n\r\n", "whitespace before colon in trailers"),
                bad("0\r\nX: y\r\n z\r\n\r\n", "obsolete line folding in trailers"),
                bad("0\r\n\tX: y\r\n\r\n", "obsolete line folding in trailers"),
                bad("0\r\nX: a\u0000b\r\n\r\n", "invalid character in trailer value"),
                bad("0\r\nX: a\u007fb\r\n\r\n", "invalid character in trailer value"),
                bad("0\r\n: y\r\n\r\n", "empty field name in trailers"),
                bad("0\r\nX(: y\r\n\r\n", "invalid field name in trailers"),
                bad("0\r\nNoColon\r\n\r\n", "invalid field name in trailers"),
                bad("0\r\nContent-Length: 5\r\n\r\n", "framing field in trailers"),
                bad("0\r\ntransfer-ENCODING: chunked\r\n\r\n", "framing field in trailers"),
                bad("0\r\nHost: b\r\n\r\n", "framing field in trailers"),
                ok("0\r\nX: " + LONGEST_TRAILER + "\r\n\r\n", "", "X: " + LONGEST_TRAILER + "\r\n"),
                bad("0\r\nX: " + LONGEST_TRAILER + "y\r\n\r\n", "trailer section too large"),
                bad("0\r\nX: " + LONGEST_TRAILER + "yyyyy", "trailer section too large"),   // refused mid-line
                // incomplete, and what follows the body
                more("5\r\nhel", "hel"),
                more("5\r\nhello", "hello"),
                more("5\r\nhello\r\n", "hello"),
                more("5;a=\"x", ""),
                more("0\r\n", ""),
                more("0\r\nX: y\r\n", ""),
                more("0\r\n\r", ""),
                more("", ""),
                end("5\r\nhello\r\n0\r\n\r\nGET / HTTP/1.1\r\n\r\n", "hello", "", 15),
                end("0\r\nX: y\r\n\r\n\r\n\r\n", "", "X: y\r\n", 11),
                end("0\r\n\r\n\n", "", "", 5));
    }

    private static Arguments ok(String body, String payload, String trailers) {
        return Arguments.of(body, DONE, payload, trailers, body.length());
    }

    private static Arguments end(String body, String payload, String trailers, int end) {
        return Arguments.of(body, DONE, payload, trailers, end);
    }

    private static Arguments bad(String body, String error) {
        return Arguments.of(body, error, null, null, -1);
    }

    private static Arguments more(String body, String payload) {
        return Arguments.of(body, MORE, payload, null, body.length());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void decodesTheSameHoweverSplit(String body, String verdict, String payload, String trailers, int end) {
        byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        Result whole = decode(bytes, new int[0], false);
        assertEquals(verdict, whole.verdict(), show(body));
        if (payload != null) {
            assertEquals(payload, whole.payload(), show(body));
            assertEquals(trailers, whole.trailers(), show(body));
            assertEquals(end, whole.end(), show(body));
        }
        for (boolean compact : new boolean[] {false, true}) {
            for (int split = 1; split < bytes.length; split++) {
                assertEquals(whole, decode(bytes, new int[] {split}, compact),
                        "split at " + split + " of " + show(body));
            }
            int[] everyByte = new int[Math.max(0, bytes.length - 1)];
            for (int i = 0; i < everyByte.length; i++) {
                everyByte[i] = i + 1;
            }
            assertEquals(whole, decode(bytes, everyByte, compact), "byte by byte: " + show(body));
        }
    }

    /** Verdict (or error), payload, trailers (null unless DONE), end (stream index) and payloadBytes. */
    private record Result(String verdict, String payload, String trailers, int end, long payloadBytes) {
    }

    /**
     * Feeds {@code bytes} in the pieces {@code splits} cut. With {@code compact}, the caller drops
     * what the decoder no longer needs after every read (all of it, or what precedes
     * {@code keepFrom()}), moves the rest to index 0, and tells the decoder.
     */
    private static Result decode(byte[] bytes, int[] splits, boolean compact) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length + 16);
        ChunkedDecoder decoder = new ChunkedDecoder(LIMITS);
        decoder.reset();
        StringBuilder payload = new StringBuilder();
        int base = 0;      // stream index of buffer[0]
        int filled = 0;    // buffer[0, filled) holds stream bytes [base, base + filled)
        int position = 0;
        for (int s = 0; s <= splits.length; s++) {
            int to = s < splits.length ? splits[s] : bytes.length;
            buffer.put(filled, bytes, base + filled, to - base - filled);
            filled = to - base;
            int verdict;
            while ((verdict = decoder.decode(buffer, position, filled)) == ChunkedDecoder.DATA) {
                assertEquals(decoder.dataEnd(), decoder.position());
                assertEquals(true, decoder.dataEnd() > decoder.dataStart() && decoder.dataStart() >= position);
                payload.append(Ascii.string(buffer, decoder.dataStart(), decoder.dataEnd()));
                position = decoder.position();
            }
            if (verdict == ChunkedDecoder.INVALID) {
                return new Result(decoder.error(), null, null, -1, -1);
            }
            if (verdict == ChunkedDecoder.DONE) {
                assertEquals(decoder.trailerStart(), decoder.keepFrom(), "trailers stay until written");
                String trailers = Ascii.string(buffer, decoder.trailerStart(), decoder.trailerEnd());
                return new Result(DONE, payload.toString(), trailers, base + decoder.position(),
                        decoder.payloadBytes());
            }
            assertEquals(filled, decoder.position(), "NEED_MORE consumes everything");
            position = filled;
            if (compact) {
                int keep = decoder.keepFrom() >= 0 ? decoder.keepFrom() : filled;
                for (int i = keep; i < filled; i++) {
                    buffer.put(i - keep, buffer.get(i));
                }
                for (int i = filled - keep; i < filled; i++) {
                    buffer.put(i, (byte) '!');   // what was dropped must not be read again
                }
                decoder.compacted(keep);
                base += keep;
                filled -= keep;
                position -= keep;
            }
        }
        return new Result(MORE, payload.toString(), null, base + position, decoder.payloadBytes());
    }

    private static String show(String text) {
        String shown = text.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
        return shown.length() > 200 ? shown.substring(0, 200) + "..." : shown;
    }

    @Test
    void countsEachChunkWhenItsSizeIsRead() {
        ChunkedDecoder decoder = new ChunkedDecoder(HttpLimits.DEFAULT);
        ByteBuffer buffer = ByteBuffer.wrap("400\r\nab".getBytes(StandardCharsets.US_ASCII));
        assertEquals(ChunkedDecoder.DATA, decoder.decode(buffer, 0, buffer.capacity()));
        assertEquals(1024, decoder.payloadBytes(), "known before the chunk's data arrives: a 413 can come first");
        assertEquals(5, decoder.dataStart());
        assertEquals(7, decoder.dataEnd());
        assertEquals(ChunkedDecoder.NEED_MORE, decoder.decode(buffer, 7, 7));
    }

    @Test
    void staysDoneOrInvalidUntilReset() {
        ChunkedDecoder decoder = new ChunkedDecoder(HttpLimits.DEFAULT);
        ByteBuffer done = ByteBuffer.wrap("0\r\n\r\nX".getBytes(StandardCharsets.US_ASCII));
        assertEquals(ChunkedDecoder.DONE, decoder.decode(done, 0, 6));
        assertEquals(ChunkedDecoder.DONE, decoder.decode(done, 5, 6));
        assertEquals(5, decoder.position());
        decoder.reset();
        ByteBuffer bad = ByteBuffer.wrap("x\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(ChunkedDecoder.INVALID, decoder.decode(bad, 0, 3));
        assertEquals(ChunkedDecoder.INVALID, decoder.decode(done, 0, 6));
        decoder.reset();
        assertEquals(ChunkedDecoder.DONE, decoder.decode(done, 0, 6));
        assertEquals(0, decoder.payloadBytes());
    }

    @Test
    void writerFramesWhatTheDecoderReads() {
        long[] sizes = {1, 9, 10, 15, 16, 255, 256, 4096, 65535, 1L << 32, Long.MAX_VALUE};
        String[] lines = {"1", "9", "a", "f", "10", "ff", "100", "1000", "ffff", "100000000", "7fffffffffffffff"};
        ByteBuffer buffer = ByteBuffer.allocate(64);
        for (int k = 0; k < sizes.length; k++) {
            int end = ChunkedWriter.putSizeLine(buffer, 3, sizes[k]);
            assertEquals(lines[k] + "\r\n", Ascii.string(buffer, 3, end));
            assertEquals(end - 3, ChunkedWriter.sizeLineLength(sizes[k]));
        }
        assertThrows(IllegalArgumentException.class, () -> ChunkedWriter.putSizeLine(buffer, 0, 0));
        int at = ChunkedWriter.putSizeLine(buffer, 0, 5);
        buffer.put(at, "hello".getBytes(StandardCharsets.US_ASCII), 0, 5);
        at = ChunkedWriter.putCrlf(buffer, at + 5);
        at = ChunkedWriter.putLastChunk(buffer, at);
        at = ChunkedWriter.putCrlf(buffer, at);
        assertEquals("5\r\nhello\r\n0\r\n\r\n", Ascii.string(buffer, 0, at));
        ChunkedDecoder decoder = new ChunkedDecoder(HttpLimits.DEFAULT);
        assertEquals(ChunkedDecoder.DATA, decoder.decode(buffer, 0, at));
        assertEquals(ChunkedDecoder.DONE, decoder.decode(buffer, decoder.position(), at));
        assertEquals(at, decoder.position());
        assertEquals(ChunkedWriter.MAX_SIZE_LINE, ChunkedWriter.sizeLineLength(Long.MAX_VALUE));
    }
}
