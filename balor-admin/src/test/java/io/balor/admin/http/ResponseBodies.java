package io.balor.admin.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads an HTTP/1.1 response body for the raw-socket test clients: by {@code Content-Length},
 * chunked (RFC 9112 §7.1: hex size, extensions ignored, CRLFs, trailers skipped), as the admin API
 * sends every body to HTTP/1.1 clients, or to the end of the connection (HTTP/1.0). Stateless.
 */
public final class ResponseBodies {

    private ResponseBodies() {
    }

    /**
     * The body after a head whose header values are given (null when absent): chunked, by length,
     * none for a status that has none (1xx, 204, 304) or an answer to HEAD, else to the end of the
     * connection (an HTTP/1.0 exchange's).
     */
    public static byte[] read(InputStream in, int status, boolean head, String contentLength, String transferEncoding)
            throws IOException {
        if (!head && transferEncoding != null && transferEncoding.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String size = line(in);
                int semicolon = size.indexOf(';');
                int length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                if (length == 0) {
                    while (!line(in).isEmpty()) {
                        // trailers
                    }
                    return body.toByteArray();
                }
                body.write(in.readNBytes(length));
                line(in);
            }
        }
        if (head || status < 200 || status == 204 || status == 304) {
            return new byte[0];
        }
        return contentLength != null ? in.readNBytes(Integer.parseInt(contentLength.trim())) : in.readAllBytes();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("the body ended inside a chunk line");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
