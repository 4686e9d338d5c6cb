package io.balor.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.balor.http.HttpHead;
import io.balor.http.HttpLimits;
import io.balor.http.HttpParser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RequestHeadTest {

    /** Feeds fields (name, value, ...) and finishes; the HTTP/1.1 head as text, or "malformed: why". */
    private static String translate(boolean bodyFollows, String... fields) {
        RequestHead request = new RequestHead(4096);
        for (int i = 0; i < fields.length; i += 2) {
            byte[] bytes = (fields[i] + fields[i + 1]).getBytes(StandardCharsets.ISO_8859_1);
            request.field(bytes, 0, fields[i].length(), fields[i].length(), fields[i + 1].length(), false);
        }
        ByteBuffer head = request.finish(bodyFollows);
        if (head == null) {
            return "malformed: " + request.problem();
        }
        byte[] text = new byte[head.remaining()];
        head.get(text);
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    @Test
    void aGetBecomesTheSameRequestInHttp11AndBalorsParserTakesIt() {
        String head = translate(false, ":method", "GET", ":scheme", "https", ":authority", "shop.test:8443",
                ":path", "/a?b=c", "accept", "*/*", "cookie", "a=1", "user-agent", "curl/8", "cookie", "b=2");
        assertEquals("GET /a?b=c HTTP/1.1\r\naccept: */*\r\nuser-agent: curl/8\r\nhost: shop.test:8443\r\n"
                + "cookie: a=1; b=2\r\n\r\n", head);
        ByteBuffer bytes = ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1));
        HttpHead parsed = new HttpHead(HttpLimits.DEFAULT);
        assertEquals(HttpParser.COMPLETE, HttpParser.requests(HttpLimits.DEFAULT).parse(bytes, 0, bytes.limit(), parsed));
        assertTrue(parsed.hostField() >= 0);
    }

    @Test
    void aBodyWithoutLengthIsSentChunkedAndOneWithItKeepsIt() {
        assertEquals("POST /up HTTP/1.1\r\ncontent-type: application/grpc\r\nte: trailers\r\nhost: g.test\r\n"
                + "transfer-encoding: chunked\r\n\r\n", translate(true, ":method", "POST", ":scheme", "http",
                ":path", "/up", ":authority", "g.test", "content-type", "application/grpc", "te", "trailers"));
        assertEquals("PUT /f HTTP/1.1\r\ncontent-length: 5\r\nhost: h\r\n\r\n", translate(true, ":method", "PUT",
                ":scheme", "http", ":path", "/f", "host", "h", "content-length", "5"));
    }

    @Test
    void connectAndOptionsStar() {
        assertEquals("CONNECT example.test:443 HTTP/1.1\r\nhost: example.test:443\r\n\r\n",
                translate(false, ":method", "CONNECT", ":authority", "example.test:443"));
        assertEquals("OPTIONS * HTTP/1.1\r\nhost: a\r\n\r\n",
                translate(false, ":method", "OPTIONS", ":scheme", "http", ":path", "*", ":authority", "a"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        ":method|GET|:scheme|http|:path|/|:authority|a|accept|x|:path|/b|a pseudo-header after a regular field",
        ":method|GET|:method|GET|:method twice",
        ":status|200|:path|/|an unknown or response pseudo-header",
        ":scheme|http|:path|/|no :method",
        ":method|GET|:path|/|no :scheme or no :path",
        ":method|GET|:scheme|http|no :scheme or no :path",
        ":method|GET|:scheme|http|:path|x|a :path that is not /... (or * for OPTIONS)",
        ":method|GET|:scheme|http|:path|*|a :path that is not /... (or * for OPTIONS)",
        ":method|GET|:scheme|http|:path|/|no :authority and no host",
        ":method|GET|:scheme|http|:path|/|:authority|a|host|b|host differs from :authority",
        ":method|GET|:scheme|http|:path|/|:authority|a|Accept|x|an upper-case field name",
        ":method|GET|:scheme|http|:path|/|:authority|a|acc@pt|x|a field name outside tchar",
        ":method|GET|:scheme|http|:path|/|:authority|a|connection|close|a connection-specific field",
        ":method|GET|:scheme|http|:path|/|:authority|a|transfer-encoding|chunked|a connection-specific field",
        ":method|GET|:scheme|http|:path|/|:authority|a|upgrade|websocket|a connection-specific field",
        ":method|GET|:scheme|http|:path|/|:authority|a|te|gzip|te other than trailers",
        ":method|GET|:scheme|http|:path|/|:authority|a|content-length|1x|an invalid content-length",
        ":method|GET|:scheme|http|:path|/|:authority|a|content-length|1|content-length|2|an invalid content-length",
        ":method|CONNECT|:authority|a:1|:path|/|CONNECT with :scheme or :path, or no :authority",
    })
    void malformedRequestsAreRefused(String cases) {
        String[] parts = cases.split("\\|");
        String[] fields = java.util.Arrays.copyOf(parts, parts.length - 1);
        assertEquals("malformed: " + parts[parts.length - 1], translate(false, fields));
    }

    @Test
    void valuesWithControlCharactersOrOuterSpacesAreRefused() {
        assertEquals("malformed: a field value with NUL, CR or LF", translate(false, ":method", "GET", ":scheme", "http",
                ":path", "/", ":authority", "a", "x", "1\r\nevil: 2"));
        assertEquals("malformed: a field value with NUL, CR or LF", translate(false, ":method", "GET", ":scheme", "http",
                ":path", "/x\u0000", ":authority", "a"));
        assertEquals("malformed: a field value starting or ending with whitespace", translate(false, ":method", "GET",
                ":scheme", "http", ":path", "/", ":authority", "a", "x", " padded"));
    }

    @Test
    void resetForgetsTheLastRequest() {
        RequestHead request = new RequestHead(4096);
        byte[] bad = ":statusx".getBytes(StandardCharsets.US_ASCII);
        request.field(bad, 0, 7, 7, 1, false);
        assertNull(request.finish(false));
        request.reset();
        assertNull(request.problem());
        assertEquals(-1, request.contentLength());
    }
}
