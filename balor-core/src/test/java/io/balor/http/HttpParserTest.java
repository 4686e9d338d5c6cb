package io.balor.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The head parser, case by case, each case fed at every split point (and byte by byte): the
 * verdict must not depend on how the bytes arrived.
 */
class HttpParserTest {

    /** Parses {@code text} whole, then split at every point; all verdicts must agree. */
    private static Outcome parseAllWays(String text, boolean request) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        Outcome whole = parse(bytes, request, new int[0]);
        for (int split = 1; split < bytes.length; split++) {
            Outcome part = parse(bytes, request, new int[] {split});
            assertEquals(whole.summary(), part.summary(), "split at " + split + " of " + show(text));
        }
        int[] everyByte = new int[Math.max(0, bytes.length - 1)];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = i + 1;
        }
        assertEquals(whole.summary(), parse(bytes, request, everyByte).summary(), "byte by byte: " + show(text));
        return whole;
    }

    private record Outcome(int verdict, int status, String error, HttpHead head) {
        String summary() {
            return verdict + "/" + status + "/" + error + (verdict == HttpParser.COMPLETE ? "/" + head.headEnd() : "");
        }
    }

    private static Outcome parse(byte[] bytes, boolean request, int[] splits) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length + 16);
        HttpParser parser = request ? HttpParser.requests(HttpLimits.DEFAULT) : HttpParser.responses(HttpLimits.DEFAULT);
        HttpHead head = new HttpHead(HttpLimits.DEFAULT);
        int verdict = HttpParser.INCOMPLETE;
        int from = 0;
        for (int s = 0; s <= splits.length && verdict == HttpParser.INCOMPLETE; s++) {
            int to = s < splits.length ? splits[s] : bytes.length;
            buffer.put(from, bytes, from, to - from);
            verdict = parser.parse(buffer, 0, to, head);
            from = to;
        }
        return new Outcome(verdict, parser.errorStatus(), parser.error(), head);
    }

    private static String show(String text) {
        return text.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
    }

    static Stream<Arguments> refusedRequests() {
        return Stream.of(
                // framing: Content-Length
                bad(400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n"),
                bad(400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n"),
                bad(400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5 5\r\n\r\n"),
                bad(400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\n"),
                bad(400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n"),
                bad(400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5,\r\n\r\n"),
                bad(400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\n"),
                bad(400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"),
                bad(400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n"),
                bad(400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \u00d9\u00a5\r\n\r\n"),   // U+0665 in UTF-8
                // framing: Transfer-Encoding
                bad(400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"),
                bad(400, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"),
                bad(400, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"),
                bad(501, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n"),
                bad(501, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
                bad(501, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"),
                bad(400, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked;x\r\n\r\n"),
                bad(400, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \"chunked\"\r\n\r\n"),
                bad(400, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chun\u00e2\u0084\u00aaed\r\n\r\n"),   // Kelvin sign
                bad(400, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\u000Bchunked\r\n\r\n"),
                bad(400, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding\t: chunked\r\n\r\n"),
                bad(400, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n"),
                bad(400, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked\r\n\r\n"),
                bad(400, "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"),
                // line endings and characters
                bad(400, "GET / HTTP/1.1\nHost: a\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a\r\n\n"),
                bad(400, "GET / HTTP/1.1\rHost: a\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a\rX: y\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a\r\nX: a\u0001b\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a\r\nX: a\u007Fb\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a\r\n\tX: b\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a\r\nX-Bad Name: b\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a\r\nX(: b\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n"),
                // request line
                bad(400, "GET  / HTTP/1.1\r\nHost: a\r\n\r\n"),
                bad(400, "GET /  HTTP/1.1\r\nHost: a\r\n\r\n"),
                bad(400, "GET / HTTP/1.1 \r\nHost: a\r\n\r\n"),
                bad(400, " GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
                bad(400, "G(T / HTTP/1.1\r\nHost: a\r\n\r\n"),
                bad(400, "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n"),
                bad(400, "GET /a\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n"),
                bad(400, "GET /#frag HTTP/1.1\r\nHost: a\r\n\r\n"),
                bad(400, "GET a/b HTTP/1.1\r\nHost: a\r\n\r\n"),
                bad(400, "GET * HTTP/1.1\r\nHost: a\r\n\r\n"),
                bad(400, "GET ftp://a/ HTTP/1.1\r\nHost: a\r\n\r\n"),
                bad(400, "GET http:/// HTTP/1.1\r\nHost: a\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\n\r\n"),
                bad(400, "GET / http/1.1\r\nHost: a\r\n\r\n"),
                bad(400, "GET / HTTP/1.10\r\nHost: a\r\n\r\n"),
                bad(400, "GET / HTTP/11\r\nHost: a\r\n\r\n"),
                bad(400, "GET /\r\n\r\n"),
                bad(505, "GET / HTTP/2.0\r\nHost: a\r\n\r\n"),
                bad(505, "GET / HTTP/1.2\r\nHost: a\r\n\r\n"),
                bad(501, "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n"),
                // Host
                bad(400, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a b\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: user@a\r\n\r\n"),
                // Host: a host name or IP literal and a port, nothing else (HostField; issue 13)
                bad(400, "GET / HTTP/1.1\r\nHost: a.test;Domain=evil\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a.test,evil.test\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a.test%3bx\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a~b\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a\\b\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: \"a\"\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a..b\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: .a\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: :80\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a:8o\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a:123456\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: a:80:80\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: [::1%25eth0]\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: [1.2.3.4]\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n"),
                bad(400, "GET / HTTP/1.1\r\nHost: caf\u00e9\r\n\r\n"),
                bad(400, "GET http://a.test;Domain=evil/ HTTP/1.1\r\nHost: a\r\n\r\n"),
                bad(400, "GET http://a.test,evil.test/ HTTP/1.1\r\nHost: a\r\n\r\n"),
                bad(400, "GET http://user@a.test/ HTTP/1.1\r\nHost: a\r\n\r\n"),
                // Max-Forwards, read on OPTIONS only (issue 13)
                bad(400, "OPTIONS * HTTP/1.1\r\nHost: a\r\nMax-Forwards: x\r\n\r\n"),
                bad(400, "OPTIONS * HTTP/1.1\r\nHost: a\r\nMax-Forwards: 1, 0\r\n\r\n"),
                bad(400, "OPTIONS * HTTP/1.1\r\nHost: a\r\nMax-Forwards: +1\r\n\r\n"),
                bad(400, "OPTIONS * HTTP/1.1\r\nHost: a\r\nMax-Forwards: -1\r\n\r\n"),
                bad(400, "OPTIONS * HTTP/1.1\r\nHost: a\r\nMax-Forwards:\r\n\r\n"),
                bad(400, "OPTIONS * HTTP/1.1\r\nHost: a\r\nMax-Forwards: 1\r\nMax-Forwards: 1\r\n\r\n"),
                // Expect
                bad(417, "PUT / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\n"),
                // leading blank lines: a few are ignored, more are not
                bad(400, "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"));
    }

    private static Arguments bad(int status, String text) {
        return Arguments.of(status, text);
    }

    @ParameterizedTest
    @MethodSource("refusedRequests")
    void refusesRequests(int status, String text) {
        Outcome outcome = parseAllWays(text, true);
        assertEquals(HttpParser.INVALID, outcome.verdict(), show(text));
        assertEquals(status, outcome.status(), show(text) + ": " + outcome.error());
    }

    @Test
    void parsesARequestHeadIntoOffsets() {
        String text = "POST /upload?x=1 HTTP/1.1\r\nHost: Example.COM:8080\r\n"
                + "Content-Length: 5, 5\r\nConnection: keep-alive, X-Trace\r\nX-Trace:  a b \t\r\n"
                + "TE: trailers\r\nExpect: 100-Continue\r\n\r\nhello";
        Outcome outcome = parseAllWays(text, true);
        assertEquals(HttpParser.COMPLETE, outcome.verdict());
        HttpHead head = outcome.head();
        assertEquals(Method.POST, head.method());
        assertEquals("/upload?x=1", head.target());
        assertEquals(11, head.version());
        assertEquals(6, head.fieldCount());
        assertEquals("Example.COM:8080", head.value("host"));
        assertEquals("a b", head.value("x-trace"), "OWS around a value is not part of it");
        assertEquals(5, head.contentLength());
        assertFalse(head.chunked());
        assertTrue(head.expectContinue());
        assertTrue(head.teTrailers());
        assertFalse(head.closeAfter());
        assertEquals(text.indexOf("hello"), head.headEnd(), "the body starts after the head");
    }

    @Test
    void acceptsWhatTheRfcAllows() {
        String[] accepted = {
                "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
                "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
                "GET / HTTP/1.0\r\n\r\n",
                "GET http://example.com:81/x?y HTTP/1.1\r\nHost: other\r\n\r\n",
                "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
                "PURGE /x HTTP/1.1\r\nHost: a\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: \r\n\r\n",
                "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: [::ffff:192.0.2.1]\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: my_app.internal:65535\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: A-1.Example.:8080\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: 192.0.2.1:\r\n\r\n",
                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n",
                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:  chunked  \r\n\r\n",
                "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 007\r\nContent-Length: 7\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\nX-Obs: caf\u00e9\r\n\r\n",
        };
        for (String text : accepted) {
            Outcome outcome = parseAllWays(text, true);
            assertEquals(HttpParser.COMPLETE, outcome.verdict(), show(text) + ": " + outcome.error());
        }
    }

    @Test
    void theHostNameIsFoundOnceWithoutPortTrailingDotOrSpaces() {
        String[][] cases = {
                {"GET / HTTP/1.1\r\nHost: Example.COM:8080\r\n\r\n", "Example.COM"},
                {"GET / HTTP/1.1\r\nHost:  a.test. \r\n\r\n", "a.test"},
                {"GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", "[::1]"},
                {"GET http://abs.test:81/x?y HTTP/1.1\r\nHost: other\r\n\r\n", "abs.test"},
                {"GET / HTTP/1.1\r\nHost: \r\n\r\n", ""},
                {"GET / HTTP/1.0\r\n\r\n", ""},
        };
        for (String[] c : cases) {
            HttpHead head = parseAllWays(c[0], true).head();
            StringBuilder name = new StringBuilder();
            for (int i = head.hostStart(); i < head.hostEnd(); i++) {
                name.append((char) head.buffer().get(i));
            }
            assertEquals(c[1], name.toString(), show(c[0]));
        }
    }

    @Test
    void maxForwardsIsReadOnOptionsOnly() {
        HttpHead zero = parseAllWays("OPTIONS * HTTP/1.1\r\nHost: a\r\nMax-Forwards: 00\r\n\r\n", true).head();
        assertTrue(zero.maxForwardsZero());
        HttpHead five = parseAllWays("OPTIONS /x HTTP/1.1\r\nHost: a\r\nMax-Forwards:  5 \r\n\r\n", true).head();
        assertFalse(five.maxForwardsZero());
        assertEquals(1, five.maxForwardsField());
        HttpHead get = parseAllWays("GET / HTTP/1.1\r\nHost: a\r\nMax-Forwards: 0\r\nMax-Forwards: x\r\n\r\n", true)
                .head();
        assertEquals(-1, get.maxForwardsField(), "ignored on GET (RFC 9110 §7.6.2), forwarded as it came");
        assertFalse(get.maxForwardsZero());
    }

    @Test
    void httpOneZeroClosesUnlessKeptAlive() {
        assertTrue(parseAllWays("GET / HTTP/1.0\r\n\r\n", true).head().closeAfter());
        assertFalse(parseAllWays("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true).head().closeAfter());
        assertTrue(parseAllWays("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", true).head().closeAfter());
    }

    @Test
    void absoluteFormCarriesTheAuthority() {
        HttpHead head = parseAllWays("GET HTTPS://Example.com:8443/p HTTP/1.1\r\nHost: x\r\n\r\n", true).head();
        assertTrue(head.absoluteForm());
        assertEquals("Example.com:8443", io.balor.buffer.Ascii.string(head.buffer(), head.authorityStart(),
                head.authorityEnd()));
    }

    @Test
    void limitsGive414And431() {
        String longTarget = "/" + "a".repeat(HttpLimits.DEFAULT.maxRequestLine());
        assertEquals(414, parseAllWays("GET " + longTarget + " HTTP/1.1\r\nHost: a\r\n\r\n", true).status());
        assertEquals(414, parse(("GET " + longTarget).getBytes(StandardCharsets.US_ASCII), true, new int[0]).status(),
                "refused before the line even ends");
        String bigField = "X: " + "b".repeat(HttpLimits.DEFAULT.maxHead()) + "\r\n";
        assertEquals(431, parseAllWays("GET / HTTP/1.1\r\nHost: a\r\n" + bigField + "\r\n", true).status());
        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < HttpLimits.DEFAULT.maxFields(); i++) {
            many.append("X-").append(i).append(": v\r\n");
        }
        assertEquals(431, parseAllWays(many + "\r\n", true).status());
    }

    @Test
    void limitsAreExactCrlfIncluded() {
        HttpLimits limits = new HttpLimits(32, 64, 10);
        String line = "GET /" + "a".repeat(32 - 16) + " HTTP/1.1\r\n";   // exactly 32 bytes
        assertEquals(32, line.length());
        assertEquals(HttpParser.COMPLETE, parseWith(limits, line + "Host: a\r\n\r\n"));
        assertEquals(414, statusWith(limits, "GET /" + "a".repeat(17) + " HTTP/1.1\r\nHost: a\r\n\r\n"));
        String head = line + "Host: " + "b".repeat(64 - 32 - 10) + "\r\n\r\n";   // exactly 64 bytes
        assertEquals(64, head.length());
        assertEquals(HttpParser.COMPLETE, parseWith(limits, head));
        assertEquals(431, statusWith(limits, line + "Host: " + "b".repeat(64 - 32 - 9) + "\r\n\r\n"));
    }

    @Test
    void expectIsIgnoredInHttpOneZero() {
        HttpHead head = parseAllWays("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n", true).head();
        assertFalse(head.expectContinue());
        assertEquals(HttpParser.COMPLETE, parseAllWays("PUT / HTTP/1.0\r\nExpect: odd\r\n\r\n", true).verdict());
    }

    private static int parseWith(HttpLimits limits, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        buffer.put(0, bytes);
        return HttpParser.requests(limits).parse(buffer, 0, bytes.length, new HttpHead(limits));
    }

    private static int statusWith(HttpLimits limits, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        buffer.put(0, bytes);
        HttpParser parser = HttpParser.requests(limits);
        assertEquals(HttpParser.INVALID, parser.parse(buffer, 0, bytes.length, new HttpHead(limits)));
        return parser.errorStatus();
    }

    @Test
    void parsesResponses() {
        HttpHead head = parseAllWays("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nSet-Cookie: a=b\r\n\r\nabc", false).head();
        assertEquals(200, head.status());
        assertEquals(3, head.contentLength());
        assertEquals(204, parseAllWays("HTTP/1.1 204 No Content\r\n\r\n", false).head().status());
        assertEquals(200, parseAllWays("HTTP/1.1 200\r\n\r\n", false).head().status(), "an empty reason may drop its SP");
        assertTrue(parseAllWays("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false).head().chunked());
    }

    @Test
    void refusesInvalidResponsesWith502() {
        String[] refused = {
                "HTTP/1.1 20 OK\r\n\r\n",
                "HTTP/1.1 600 Odd\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n",
                "HTTP/1.1 200 OK\nContent-Length: 1\r\n\r\n",
                "HTTP/2 200 OK\r\n\r\n",
                "ICY 200 OK\r\n\r\n",
                "\r\nHTTP/1.1 200 OK\r\n\r\n",
                "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n",
        };
        for (String text : refused) {
            Outcome outcome = parseAllWays(text, false);
            assertEquals(HttpParser.INVALID, outcome.verdict(), show(text));
            assertEquals(502, outcome.status(), show(text));
        }
    }

    @Test
    void nothingAfterTheHeadIsRead() {
        Outcome outcome = parseAllWays("GET / HTTP/1.1\r\nHost: a\r\n\r\nGARBAGE\0\r\r\n", true);
        assertEquals(HttpParser.COMPLETE, outcome.verdict());
    }

    /**
     * The scan takes eight octets at once where none is a control character: a CTL or DEL at any
     * place of a long value (any place in a word, any word) is still refused, in a response too,
     * and obs-text anywhere in it still passes.
     */
    @Test
    void aControlCharacterAnywhereInALongValueIsRefusedAndObsTextIsNot() {
        String value = "v".repeat(40);
        for (char odd : new char[] {0, 1, 0x0b, 0x1f, 0x7f}) {
            for (int at = 0; at < value.length(); at++) {
                String spoilt = value.substring(0, at) + odd + value.substring(at + 1);
                Outcome request = parseAllWays("GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + spoilt + "\r\n\r\n", true);
                assertEquals(400, request.status(), "0x" + Integer.toHexString(odd) + " at " + at);
                Outcome response = parseAllWays("HTTP/1.1 200 OK\r\nX-Long: " + spoilt + "\r\n\r\n", false);
                assertEquals(502, response.status(), "0x" + Integer.toHexString(odd) + " at " + at);
            }
        }
        for (char high : new char[] {0x80, 0xa0, 0xff}) {
            for (int at = 0; at < value.length(); at++) {
                String text = value.substring(0, at) + high + value.substring(at + 1);
                Outcome outcome = parseAllWays("GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + text + "\r\n\r\n", true);
                assertEquals(HttpParser.COMPLETE, outcome.verdict(), "0x" + Integer.toHexString(high) + " at " + at);
            }
        }
    }
}
