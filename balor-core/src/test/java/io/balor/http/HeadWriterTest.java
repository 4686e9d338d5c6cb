package io.balor.http;

import io.balor.buffer.Ascii;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The forwarding rules: what Balor writes for a parsed head. */
class HeadWriterTest {

    private static final byte[] CLIENT = "192.0.2.7".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HTTP = "http".getBytes(StandardCharsets.US_ASCII);
    private final HeadWriter writer = new HeadWriter();

    private static HttpHead parse(String text, boolean request) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        buffer.put(0, bytes);
        HttpParser parser = request ? HttpParser.requests(HttpLimits.DEFAULT) : HttpParser.responses(HttpLimits.DEFAULT);
        HttpHead head = new HttpHead(HttpLimits.DEFAULT);
        assertEquals(HttpParser.COMPLETE, parser.parse(buffer, 0, bytes.length, head), parser.error());
        return head;
    }

    private String request(String text, HeadWriter.Framing framing, long length, byte[] host, boolean trust) {
        HttpHead head = parse(text, true);
        ByteBuffer out = ByteBuffer.allocateDirect(4096);
        assertTrue(writer.request(head, out, framing, length, host, CLIENT, HTTP, trust, false));
        return Ascii.string(out, 0, out.position());
    }

    @Test
    void dropsHopByHopFieldsAndThoseConnectionNames() {
        String forwarded = request("GET /a?b HTTP/1.1\r\nHost: shop.example\r\nConnection: keep-alive, X-Secret\r\n"
                + "Keep-Alive: timeout=5\r\nX-Secret: 1\r\nProxy-Connection: close\r\nTE: trailers, deflate\r\n"
                + "Trailer: X-T\r\nUpgrade: h2c\r\nTransfer_Encoding: chunked\r\nAccept: */*\r\n\r\n",
                HeadWriter.Framing.NONE, 0, null, false);
        assertEquals("GET /a?b HTTP/1.1\r\nHost: shop.example\r\nAccept: */*\r\n"
                + "X-Forwarded-For: 192.0.2.7\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Host: shop.example\r\n"
                + "TE: trailers\r\nConnection: TE\r\n\r\n", forwarded);
    }

    @Test
    void teGoesOnAsTrailersOnlyWhenItListsTrailers() {
        assertTrue(request("GET / HTTP/1.1\r\nHost: a\r\nTE: gzip\r\n\r\n", HeadWriter.Framing.NONE, 0, null, false)
                .endsWith("X-Forwarded-Host: a\r\n\r\n"), "no TE, no Connection: TE");
        assertTrue(request("POST / HTTP/1.1\r\nHost: a\r\nte: deflate;q=0.5, TRAILERS\r\nConnection: te\r\n\r\n",
                HeadWriter.Framing.CHUNKED, 0, null, false)
                .endsWith("X-Forwarded-Host: a\r\nTE: trailers\r\nConnection: TE\r\nTransfer-Encoding: chunked\r\n\r\n"));
        HttpHead upgrade = parse("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade, TE\r\n"
                + "TE: trailers\r\n\r\n", true);
        ByteBuffer out = ByteBuffer.allocate(4096);
        assertTrue(writer.request(upgrade, out, HeadWriter.Framing.NONE, 0, null, CLIENT, HTTP, false, true));
        assertTrue(Ascii.string(out, 0, out.position()).endsWith("TE: trailers\r\nConnection: Upgrade, TE\r\n\r\n"),
                Ascii.string(out, 0, out.position()));
    }

    @Test
    void reframesWithExactlyOneLengthOrChunked() {
        String body = "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n";
        assertTrue(request(body, HeadWriter.Framing.LENGTH, 5, null, false).contains("\r\nContent-Length: 5\r\n\r\n"));
        String chunked = request("POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
                HeadWriter.Framing.CHUNKED, 0, null, false);
        assertTrue(chunked.endsWith("Transfer-Encoding: chunked\r\n\r\n"), chunked);
        assertFalse(chunked.contains("Content-Length"));
    }

    @Test
    void untrustedForwardedFieldsAreReplacedTrustedOnesKept() {
        String text = "GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 10.9.9.9\r\nX-Forwarded-Proto: https\r\n"
                + "X-Forwarded-Host: evil\r\n\r\n";
        String untrusted = request(text, HeadWriter.Framing.NONE, 0, null, false);
        assertFalse(untrusted.contains("10.9.9.9") || untrusted.contains("https") || untrusted.contains("evil"), untrusted);
        String trusted = request(text, HeadWriter.Framing.NONE, 0, null, true);
        assertTrue(trusted.contains("X-Forwarded-For: 10.9.9.9\r\n") && trusted.contains("X-Forwarded-For: 192.0.2.7\r\n"),
                trusted);
        assertTrue(trusted.contains("X-Forwarded-Proto: https\r\n") && !trusted.contains("X-Forwarded-Proto: http\r\n"));
    }

    @Test
    void hostIsPreservedOrReplacedAndAbsoluteFormBecomesOriginForm() {
        assertTrue(request("GET / HTTP/1.1\r\nHost: Api.Example:8443\r\n\r\n", HeadWriter.Framing.NONE, 0, null, false)
                .startsWith("GET / HTTP/1.1\r\nHost: Api.Example:8443\r\n"));
        byte[] upstream = "10.0.0.2:8080".getBytes(StandardCharsets.US_ASCII);
        assertTrue(request("GET / HTTP/1.1\r\nHost: api\r\n\r\n", HeadWriter.Framing.NONE, 0, upstream, false)
                .startsWith("GET / HTTP/1.1\r\nHost: 10.0.0.2:8080\r\n"));
        assertTrue(request("GET http://origin.example?q HTTP/1.1\r\nHost: other\r\n\r\n", HeadWriter.Framing.NONE, 0,
                null, false).startsWith("GET /?q HTTP/1.1\r\nHost: origin.example\r\n"));
        assertTrue(request("GET http://origin.example HTTP/1.0\r\n\r\n", HeadWriter.Framing.NONE, 0, null, false)
                .startsWith("GET / HTTP/1.1\r\nHost: origin.example\r\n"));
    }

    @Test
    void anOptionsRequestsMaxForwardsIsForwardedLessOne() {
        String[][] cases = {{"1", "0"}, {"5", "4"}, {"10", "9"}, {"007", "6"}, {"0010", "9"}, {"250", "249"},
                {"1000", "999"}, {"100000000000000000000000000000", "99999999999999999999999999999"}};
        for (String[] c : cases) {
            String forwarded = request("OPTIONS /x HTTP/1.1\r\nHost: a\r\nMax-Forwards: " + c[0] + "\r\nAccept: */*\r\n\r\n",
                    HeadWriter.Framing.NONE, 0, null, false);
            assertTrue(forwarded.contains("\r\nMax-Forwards: " + c[1] + "\r\nAccept: */*\r\n"), c[0] + " -> " + forwarded);
        }
        assertTrue(request("GET / HTTP/1.1\r\nHost: a\r\nMax-Forwards: 3\r\n\r\n", HeadWriter.Framing.NONE, 0, null, false)
                .contains("\r\nMax-Forwards: 3\r\n"), "other methods: as it came");
    }

    @Test
    void xForwardedHostIsTheHostTheRequestWasRoutedBy() {
        String absolute = request("GET http://b.test:8080/x HTTP/1.1\r\nHost: a.test\r\n\r\n", HeadWriter.Framing.NONE, 0,
                null, false);
        assertTrue(absolute.startsWith("GET /x HTTP/1.1\r\nHost: b.test:8080\r\n"), absolute);
        assertTrue(absolute.contains("\r\nX-Forwarded-Host: b.test:8080\r\n") && !absolute.contains("a.test"), absolute);
        byte[] upstream = "10.0.0.2:8080".getBytes(StandardCharsets.US_ASCII);
        String pooled = request("GET http://b.test/ HTTP/1.1\r\nHost: a.test\r\n\r\n", HeadWriter.Framing.NONE, 0,
                upstream, false);
        assertTrue(pooled.startsWith("GET / HTTP/1.1\r\nHost: 10.0.0.2:8080\r\n")
                && pooled.contains("\r\nX-Forwarded-Host: b.test\r\n"), pooled);
        assertFalse(request("GET / HTTP/1.1\r\nHost: \r\n\r\n", HeadWriter.Framing.NONE, 0, null, false)
                .contains("X-Forwarded-Host"), "no empty X-Forwarded-Host");
    }

    @Test
    void responsesRewriteCookieDomainsAndSayWhetherTheConnectionStays() {
        HttpHead head = parse("HTTP/1.1 200 OK\r\nSet-Cookie: sid=1; Domain=10.0.0.2; Path=/; HttpOnly\r\n"
                + "Set-Cookie: plain=2\r\nConnection: close\r\nContent-Length: 3\r\n\r\n", false);
        CookieDomainRewriter rewriter = new CookieDomainRewriter();
        ByteBuffer host = ByteBuffer.wrap("shop.example".getBytes(StandardCharsets.US_ASCII));   // the head's host name
        rewriter.host(host, 0, host.limit());
        ByteBuffer out = ByteBuffer.allocateDirect(4096);
        byte[] sticky = "Set-Cookie: BALOR_STICKY=ab; Path=/; HttpOnly; SameSite=Lax\r\n".getBytes(StandardCharsets.US_ASCII);
        assertTrue(writer.response(head, out, HeadWriter.Framing.LENGTH, 3, 10, true, rewriter, sticky, false));
        assertEquals("HTTP/1.1 200 OK\r\nSet-Cookie: sid=1; Domain=shop.example; Path=/; HttpOnly\r\n"
                + "Set-Cookie: plain=2\r\nSet-Cookie: BALOR_STICKY=ab; Path=/; HttpOnly; SameSite=Lax\r\n"
                + "Connection: keep-alive\r\nContent-Length: 3\r\n\r\n", Ascii.string(out, 0, out.position()));
    }

    @Test
    void aHeadThatDoesNotFitLeavesTheBufferAsItWas() {
        HttpHead head = parse("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(200) + "\r\n\r\n", true);
        ByteBuffer out = ByteBuffer.allocateDirect(100);
        out.put((byte) 'x');
        assertFalse(writer.request(head, out, HeadWriter.Framing.NONE, 0, null, CLIENT, HTTP, false, false));
        assertEquals(1, out.position());
    }
}
