package io.balor.proxy;

import io.balor.http.HttpHead;
import io.balor.http.Method;
import io.balor.http.StatusLine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * ACME's HTTP-01 challenge answers (RFC 8555 §8.3), which every HTTP listener gives before its
 * rate limits and its routes: {@code GET /.well-known/acme-challenge/TOKEN} for a token in flight
 * is answered {@code 200} with its key authorization, from memory. A token not in flight, or any
 * other path, is routed as usual (an upstream may run its own ACME client).
 *
 * <p>Tokens are published and withdrawn by the ACME client's threads ({@link #publish},
 * {@link #withdraw}); the loops read the published set through one volatile array, copied on
 * every change, so a lookup takes no lock and allocates nothing. Tokens are checked strictly
 * (base64url, 1 to 128 characters), and only the path's bytes are compared with them: nothing
 * from the request names a file or reaches a map.
 */
public final class Http01Answers implements OwnAnswer {

    /** The path before the token. */
    static final byte[] PREFIX = "/.well-known/acme-challenge/".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_TOKEN = 128;

    /** A token in flight and its whole response, with and without {@code Connection: close}. */
    private record Entry(String tokenText, byte[] token, byte[] keepOpen, byte[] close, int headLength) {
    }

    private volatile Entry[] entries = new Entry[0];

    /**
     * Answers {@code token} with {@code keyAuthorization} from now on (replacing what it had).
     *
     * @throws IllegalArgumentException for a token that is not 1 to 128 base64url characters, or
     *                                  a key authorization that is not {@code token.thumbprint}
     */
    public synchronized void publish(String token, String keyAuthorization) {
        if (!base64url(token, 0, token.length())) {
            throw new IllegalArgumentException("an ACME token is 1 to 128 base64url characters");
        }
        int dot = keyAuthorization.indexOf('.');
        if (!keyAuthorization.startsWith(token + ".")
                || !base64url(keyAuthorization, dot + 1, keyAuthorization.length())) {
            throw new IllegalArgumentException("a key authorization is the token, '.', and the account key's thumbprint");
        }
        Entry entry = entry(token, keyAuthorization.getBytes(StandardCharsets.US_ASCII));
        Entry[] next = Arrays.stream(entries).filter(e -> !e.tokenText.equals(token)).toArray(Entry[]::new);
        next = Arrays.copyOf(next, next.length + 1);
        next[next.length - 1] = entry;
        entries = next;
    }

    /** Stops answering {@code token}; one not in flight changes nothing. */
    public synchronized void withdraw(String token) {
        entries = Arrays.stream(entries).filter(e -> !e.tokenText.equals(token)).toArray(Entry[]::new);
    }

    /** How many tokens are in flight. */
    public int size() {
        return entries.length;
    }

    /** Answered before the listener's and the routes' rate limits: a CA's validator must not get a 429. */
    @Override
    public boolean beforeLimits() {
        return true;
    }

    @Override
    public boolean answers(HttpHead request, ByteBuffer in) {
        return find(request, in) != null;
    }

    @Override
    public int write(HttpHead request, ByteBuffer in, ByteBuffer out, long requestId, boolean close) {
        Entry entry = find(request, in);
        if (entry == null) {   // withdrawn between the two calls: cannot happen on one loop turn, but never forward
            ErrorResponse.write(out, 404, requestId, 0);
            return 404;
        }
        byte[] response = close ? entry.close : entry.keepOpen;
        int length = request.method() == Method.HEAD ? entry.headLength + (close ? CLOSE.length : END.length)
                : response.length;
        if (out.remaining() < length) {
            return NO_ROOM;
        }
        out.put(response, 0, length);
        return 200;
    }

    /** The entry whose token the request's path names exactly (GET or HEAD, no query), or null. */
    private Entry find(HttpHead request, ByteBuffer in) {
        Entry[] now = entries;
        if (now.length == 0 || (request.method() != Method.GET && request.method() != Method.HEAD)) {
            return null;
        }
        int start = request.absoluteForm() ? request.authorityEnd() : request.targetStart();
        int end = request.targetEnd();
        int length = end - start - PREFIX.length;
        if (length < 1 || length > MAX_TOKEN || !startsWith(in, start, PREFIX)) {
            return null;
        }
        for (Entry entry : now) {
            if (entry.token.length == length && startsWith(in, start + PREFIX.length, entry.token)) {
                return entry;
            }
        }
        return null;
    }

    private static boolean startsWith(ByteBuffer in, int at, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (in.get(at + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean base64url(String text, int from, int to) {
        if (to - from < 1 || to - from > MAX_TOKEN) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static final byte[] HEAD_FIELDS = ascii("Content-Type: application/octet-stream\r\n"
            + "Cache-Control: no-store\r\nContent-Length: ");
    private static final byte[] END = ascii("\r\n\r\n");
    private static final byte[] CLOSE = ascii("\r\nConnection: close\r\n\r\n");

    private static Entry entry(String token, byte[] body) {
        ByteBuffer status = ByteBuffer.allocate(StatusLine.length(200));
        StatusLine.write(status, 200);
        byte[] length = ascii(Integer.toString(body.length));
        int head = status.capacity() + HEAD_FIELDS.length + length.length;
        return new Entry(token, ascii(token), response(status.array(), length, END, body),
                response(status.array(), length, CLOSE, body), head);
    }

    private static byte[] response(byte[] status, byte[] length, byte[] end, byte[] body) {
        return ByteBuffer.allocate(status.length + HEAD_FIELDS.length + length.length + end.length + body.length)
                .put(status).put(HEAD_FIELDS).put(length).put(end).put(body).array();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
