package io.balor.admin.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads an HTTP/1.1 response body for the raw-socket test clients: by {@code Content-Length}, or
 * chunked (RFC 9112 §7.1: hex size, extensions ignored, CRLFs, trailers skipped), as the admin API
 * sends every body. Stateless.
 */
public final class ResponseBodies {

    private ResponseBodies() {
    }

    /** The body after a head whose lower-cased header values are given (null when absent). */
    public static byte[] read(InputStream in, String contentLength, String transferEncoding) throws IOException {
        if (transferEncoding != null && transferEncoding.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
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
        return contentLength == null ? new byte[0] : in.readNBytes(Integer.parseInt(contentLength.trim()));
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
