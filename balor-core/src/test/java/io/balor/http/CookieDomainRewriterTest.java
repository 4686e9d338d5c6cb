package io.balor.http;

import io.balor.buffer.Ascii;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Domain rewrite writes only a DNS name or an IP literal, whatever host it is handed: the
 * parser refuses hostile Hosts first, and this is the second line (issue 13: a Host of
 * {@code a.test;Domain=evil} once became {@code Domain=a.test;Domain=evil}).
 */
class CookieDomainRewriterTest {

    private static final String SET_COOKIE = "sid=1; Domain=backend.internal; Path=/";

    /** What a response's {@code Set-Cookie: sid=1; Domain=backend.internal; Path=/} becomes for {@code host}. */
    private static String rewritten(String host) {
        byte[] field = ("Set-Cookie: " + SET_COOKIE).getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer in = ByteBuffer.wrap(field);
        CookieDomainRewriter rewriter = new CookieDomainRewriter();
        byte[] hostBytes = host.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer hostBuffer = ByteBuffer.wrap(hostBytes);
        long name = HostField.range(hostBuffer, 0, hostBytes.length);   // as the parser finds it
        rewriter.host(hostBuffer, HostField.start(name), HostField.end(name));
        ByteBuffer out = ByteBuffer.allocate(1024);
        if (!rewriter.active()) {
            return null;
        }
        rewriter.write(in, 0, 10, 12, field.length, out);
        return Ascii.string(out, 0, out.position());
    }

    @Test
    void aDnsNameOrIpLiteralIsWrittenWithoutItsPort() {
        assertEquals("Set-Cookie: sid=1; Domain=Shop.Example; Path=/\r\n", rewritten("Shop.Example:8080"));
        assertEquals("Set-Cookie: sid=1; Domain=a.test; Path=/\r\n", rewritten("a.test."));
        assertEquals("Set-Cookie: sid=1; Domain=10.0.0.7; Path=/\r\n", rewritten("10.0.0.7:80"));
        assertEquals("Set-Cookie: sid=1; Domain=[2001:db8::1]; Path=/\r\n", rewritten("[2001:db8::1]:443"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "a.test;Domain=evil", "a.test,evil.test", "a.test; Domain=evil", "a.test Domain=evil", "a.test\tx",
            "a.test\r\nSet-Cookie: x=1", "a.test%3BDomain=evil", "\"a.test\"", "a.test=x", "a_b.test", "a..test",
            ".a.test", "user@a.test", "[::1;Domain=evil]", "[::1],evil", "[v1.x]", "a.test/x", "a\\b", "caf\u00e9.test",
            "", ":80", "."})
    void anythingElseTurnsTheRewriteOff(String host) {
        // The parser refuses a Host it does not accept (400) before the rewriter sees its host
        // name; either line keeps every byte of it out of a cookie attribute.
        byte[] raw = host.getBytes(StandardCharsets.ISO_8859_1);
        boolean parserTakesIt = HostField.valid(ByteBuffer.wrap(raw), 0, raw.length);
        assertTrue(!parserTakesIt || rewritten(host) == null, "no Domain written for a Host of " + host);
    }

    @Test
    void aHostPastTwoHundredFiftyFiveBytesTurnsItOff() {
        assertTrue(rewritten("a".repeat(255)) != null);
        assertEquals(null, rewritten("a".repeat(256)));
    }

    @Test
    void whenOffTheUpstreamsSetCookieIsWrittenAsItCame() {
        HttpHead head = new HttpHead(HttpLimits.DEFAULT);
        byte[] bytes = ("HTTP/1.1 200 OK\r\nSet-Cookie: " + SET_COOKIE + "\r\nContent-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        buffer.put(0, bytes);
        assertEquals(HttpParser.COMPLETE, HttpParser.responses(HttpLimits.DEFAULT).parse(buffer, 0, bytes.length, head));
        CookieDomainRewriter rewriter = new CookieDomainRewriter();
        byte[] hostile = "a.test;Domain=evil".getBytes(StandardCharsets.US_ASCII);
        rewriter.host(ByteBuffer.wrap(hostile), 0, hostile.length);
        assertFalse(rewriter.active());
        ByteBuffer out = ByteBuffer.allocateDirect(1024);
        // HttpExchange hands the rewriter to the writer only when it is active; either way the field is the upstream's.
        assertTrue(new HeadWriter().response(head, out, HeadWriter.Framing.LENGTH, 0, 11, true,
                rewriter.active() ? rewriter : null, null, false));
        String written = Ascii.string(out, 0, out.position());
        assertTrue(written.contains("\r\nSet-Cookie: " + SET_COOKIE + "\r\n") && !written.contains("evil"), written);
    }
}
