package io.balor.http2;

/**
 * What one HTTP/2 connection lets its peer do, as this side announces it in its SETTINGS (RFC
 * 9113 §6.5.2) and enforces it. Immutable.
 *
 * @param maxConcurrentStreams SETTINGS_MAX_CONCURRENT_STREAMS (100, as HAProxy and nginx)
 * @param streamWindow         SETTINGS_INITIAL_WINDOW_SIZE: what the peer may send on one stream
 *                             before this side has passed it on (64 KiB - 1, the RFC's default)
 * @param connectionWindow     what the peer may send on all streams together before this side
 *                             has passed it on: the most one connection buffers (256 KiB)
 * @param maxHeaderListSize    SETTINGS_MAX_HEADER_LIST_SIZE: a request's fields in the §6.5.2
 *                             measure (32 KiB, as HTTP/1.1's head limit); more → 431
 * @param headerTableSize      SETTINGS_HEADER_TABLE_SIZE: the HPACK table the peer may fill (4096;
 *                             not less, which a client may use before it sees this side's SETTINGS)
 *
 * <p>A stream window below 65535 applies once the client has acknowledged this side's SETTINGS;
 * until then each stream may take the RFC's default.
 */
public record Http2Limits(int maxConcurrentStreams, int streamWindow, int connectionWindow, int maxHeaderListSize,
        int headerTableSize) {

    public static final Http2Limits DEFAULT = new Http2Limits(100, Frames.DEFAULT_WINDOW, 256 * 1024, 32 * 1024, 4096);

    public Http2Limits {
        // Below the RFC's defaults a table or window would bind the client before it has seen
        // this side's SETTINGS: a client may use 4096 and 65535 until then (RFC 9113 §6.5.3).
        if (maxConcurrentStreams < 1 || maxConcurrentStreams > 1000 || streamWindow < 1 || streamWindow > Frames.MAX_WINDOW
                || connectionWindow < Frames.DEFAULT_WINDOW || maxHeaderListSize < 1024
                || maxHeaderListSize > 1024 * 1024 || headerTableSize < 4096 || headerTableSize > 65536) {
            throw new IllegalArgumentException("HTTP/2 limits out of range: " + maxConcurrentStreams + ", " + streamWindow
                    + ", " + connectionWindow + ", " + maxHeaderListSize + ", " + headerTableSize);
        }
    }
}
