package io.balor.http;

import io.balor.buffer.Ascii;
import io.balor.http.SmugglingCases.Case;
import io.balor.http.SmugglingCases.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@link SmugglingCases} case through the head parser and, for a chunked head, the chunked
 * decoder, as a session would drive them, fed whole, at every split point and byte by byte: a
 * refused attack is refused with its status where the table says; an accepted one ends exactly
 * where the attack ends, so the canary is parsed as the second request.
 */
class SmugglingCasesTest {

    static final List<Case> CASES = SmugglingCases.ALL;

    /** What the first request came to, and the second request's target if it was read. */
    private record Run(Outcome outcome, int status, String error, int firstEnd, String body, String second,
                       int secondEnd) {
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("CASES")
    void framesOrRefusesExactly(Case c) {
        byte[] bytes = c.bytes();
        Run whole = run(bytes, new int[0]);
        if (c.refused()) {
            assertEquals(c.outcome(), whole.outcome(), c.name() + ": " + whole);
            assertEquals(c.status(), whole.status(), c.name() + ": " + whole.error());
        } else {
            assertEquals(c.outcome(), whole.outcome(), c.name() + ": " + whole);
            assertEquals(c.attack().length(), whole.firstEnd(), c.name() + ": the attack's bytes, exactly");
            assertEquals(c.body(), whole.body(), c.name());
            assertEquals("/canary", whole.second(), c.name());
            assertEquals(bytes.length, whole.secondEnd(), c.name());
        }
        for (int split = 1; split < bytes.length; split++) {
            assertEquals(whole, run(bytes, new int[] {split}), c.name() + ", split at " + split);
        }
        int[] everyByte = new int[bytes.length - 1];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = i + 1;
        }
        assertEquals(whole, run(bytes, everyByte), c.name() + ", byte by byte");
    }

    @Test
    void namesAreUniqueAndBothKindsAreThere() {
        Set<String> names = new HashSet<>();
        int refused = 0;
        for (Case c : CASES) {
            assertTrue(names.add(c.name()), "duplicate name " + c.name());
            assertTrue(c.refused() == (c.status() != 0) && c.refused() == (c.body() == null), c.name());
            refused += c.refused() ? 1 : 0;
        }
        assertTrue(refused > 0 && refused < CASES.size());
    }

    /**
     * Drives a parser and a decoder over {@code bytes} as they arrive in the pieces {@code splits}
     * cut: the first request's head, its body by its framing, then the second request's head.
     */
    private static Run run(byte[] bytes, int[] splits) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        HttpParser parser = HttpParser.requests(HttpLimits.DEFAULT);
        HttpParser second = HttpParser.requests(HttpLimits.DEFAULT);
        HttpHead head = new HttpHead(HttpLimits.DEFAULT);
        HttpHead secondHead = new HttpHead(HttpLimits.DEFAULT);
        ChunkedDecoder decoder = new ChunkedDecoder(HttpLimits.DEFAULT);
        StringBuilder body = new StringBuilder();
        Outcome framing = null;
        int position = 0;
        int bodyEnd = -1;
        int firstEnd = -1;
        int from = 0;
        for (int s = 0; s <= splits.length; s++) {
            int to = s < splits.length ? splits[s] : bytes.length;
            buffer.put(from, bytes, from, to - from);
            from = to;
            if (framing == null) {
                int verdict = parser.parse(buffer, 0, to, head);
                if (verdict == HttpParser.INVALID) {
                    return new Run(Outcome.HEAD_REFUSED, parser.errorStatus(), parser.error(), -1, null, null, -1);
                }
                if (verdict == HttpParser.INCOMPLETE) {
                    continue;
                }
                position = head.headEnd();
                if (head.chunked()) {
                    framing = Outcome.CHUNKED;
                } else if (head.contentLength() != HttpHead.NO_LENGTH) {
                    framing = Outcome.LENGTH;
                    bodyEnd = position + (int) head.contentLength();
                } else {
                    framing = Outcome.NO_BODY;
                    firstEnd = position;
                }
            }
            if (firstEnd < 0 && framing == Outcome.CHUNKED) {
                int verdict;
                while ((verdict = decoder.decode(buffer, position, to)) == ChunkedDecoder.DATA) {
                    body.append(Ascii.string(buffer, decoder.dataStart(), decoder.dataEnd()));
                    position = decoder.position();
                }
                if (verdict == ChunkedDecoder.INVALID) {
                    return new Run(Outcome.BODY_REFUSED, 400, decoder.error(), -1, null, null, -1);
                }
                position = decoder.position();
                if (verdict == ChunkedDecoder.DONE) {
                    firstEnd = position;
                }
            }
            if (firstEnd < 0 && framing == Outcome.LENGTH && to >= bodyEnd) {
                body.append(Ascii.string(buffer, position, bodyEnd));
                firstEnd = bodyEnd;
            }
            if (firstEnd >= 0) {
                int verdict = second.parse(buffer, firstEnd, to, secondHead);
                if (verdict == HttpParser.COMPLETE) {
                    return new Run(framing, 0, null, firstEnd, body.toString(), secondHead.target(),
                            secondHead.headEnd());
                }
                if (verdict == HttpParser.INVALID) {
                    return new Run(framing, second.errorStatus(), second.error(), firstEnd, body.toString(), null, -1);
                }
            }
        }
        return new Run(framing, 0, "incomplete", firstEnd, body.toString(), null, -1);
    }
}
