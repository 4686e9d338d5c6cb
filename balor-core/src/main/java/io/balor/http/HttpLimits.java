package io.balor.http;

/**
 * How much of a message head Balor accepts before it refuses it. Immutable.
 *
 * @param maxRequestLine bytes of the request line, CRLF included (8 KiB, as nginx's
 *                       {@code large_client_header_buffers}); longer → 414
 * @param maxHead        bytes of the whole head (32 KiB); longer → 431
 * @param maxFields      header fields (100, as HAProxy's {@code tune.http.maxhdr}); more → 431
 */
public record HttpLimits(int maxRequestLine, int maxHead, int maxFields) {

    public static final HttpLimits DEFAULT = new HttpLimits(8 * 1024, 32 * 1024, 100);

    public HttpLimits {
        if (maxRequestLine < 16 || maxHead < maxRequestLine || maxFields < 1) {
            throw new IllegalArgumentException("limits out of range: " + maxRequestLine + ", " + maxHead + ", "
                    + maxFields);
        }
    }
}
