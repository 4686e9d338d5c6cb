package io.balor.proxy;

import io.balor.http.HttpHead;
import io.balor.http.Method;
import io.balor.http.StatusLine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The requests Balor answers itself by their method instead of forwarding them (an
 * {@link OwnAnswer} every HTTP listener has), and what it says the methods it forwards are.
 * Stateless; its bytes are made when the class loads, so an answer allocates nothing; any loop.
 *
 * <ul>
 *   <li><b>TRACE</b> is refused with 405 and an {@code Allow} field, by policy, as many edges do
 *   (nginx answers 405 to it too): a TRACE response reflects the request's fields, cookies and
 *   credentials included, which is what cross-site tracing reads. So {@code Max-Forwards} on a
 *   TRACE never matters.</li>
 *   <li><b>OPTIONS with {@code Max-Forwards: 0}</b> is answered by Balor as its final recipient
 *   (RFC 9110 §7.6.2): {@code 200}, {@code Allow} listing the methods it forwards,
 *   {@code Content-Length: 0}. A larger value is forwarded less one ({@code HeadWriter}).</li>
 *   <li>{@code CONNECT} never gets here: the parser answers it 501.</li>
 * </ul>
 * Every other method is forwarded, extension methods ({@code PURGE}, WebDAV's) included; the
 * {@code Allow} list names the standard ones.
 */
public final class MethodAnswers implements OwnAnswer {

    /** The methods Balor forwards, by name ({@code Allow}, RFC 9110 §10.2.1), CRLF included. */
    static final byte[] ALLOW = ascii("Allow: GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH\r\n");

    private static final byte[] OPTIONS_HEAD = concat(statusLine200(), ALLOW, ascii("Content-Length: 0\r\n"));
    private static final byte[] KEEP_OPEN = ascii("\r\n");
    private static final byte[] CLOSE = ascii("Connection: close\r\n\r\n");

    /** The one instance: it holds nothing. */
    public static final MethodAnswers INSTANCE = new MethodAnswers();

    private MethodAnswers() {
    }

    /** A TRACE, or an OPTIONS that says {@code Max-Forwards: 0}. */
    @Override
    public boolean answers(HttpHead request, ByteBuffer in) {
        return request.method() == Method.TRACE
                || request.method() == Method.OPTIONS && request.maxForwardsZero();
    }

    /** 405 (and the connection closes) for a TRACE, 200 for the OPTIONS. */
    @Override
    public int write(HttpHead request, ByteBuffer in, ByteBuffer out, long requestId, boolean close) {
        if (request.method() == Method.TRACE) {
            ErrorResponse.write(out, 405, requestId, 0);
            return 405;
        }
        return options(out, close) ? 200 : NO_ROOM;
    }

    /**
     * Writes the answer to an OPTIONS with {@code Max-Forwards: 0} at {@code out}'s position;
     * false (nothing written) if it does not fit.
     *
     * @param close whether the connection closes after it ({@code Connection: close} is added)
     */
    static boolean options(ByteBuffer out, boolean close) {
        byte[] end = close ? CLOSE : KEEP_OPEN;
        if (out.remaining() < OPTIONS_HEAD.length + end.length) {
            return false;
        }
        out.put(OPTIONS_HEAD).put(end);
        return true;
    }

    private static byte[] statusLine200() {
        ByteBuffer line = ByteBuffer.allocate(StatusLine.length(200));
        StatusLine.write(line, 200);
        return line.array();
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer all = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            all.put(part);
        }
        return all.array();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
