package io.balor.proxy;

import io.balor.upstream.Pool;
import io.balor.upstream.Upstream;


import java.nio.ByteBuffer;

/**
 * The name an {@code https://} upstream connection sends as SNI and checks the certificate
 * against: the pool's fixed name, else the client's Host without its port, else the upstream's
 * own host. One per HTTP session (in its {@link UpstreamDialer}); the Host's string is kept and
 * reused while requests carry the same Host, so steady traffic makes no string per request.
 * Loop thread only.
 */
final class UpstreamServerName {

    private String host;

    /** Reads the client's host name from {@code buffer[start, end)} ({@link io.balor.http.HttpHead#hostStart()}). */
    void clientHost(ByteBuffer buffer, int start, int end) {
        if (end - start >= 2 && buffer.get(start) == '[' && buffer.get(end - 1) == ']') {
            start++;   // an IPv6 literal: the name checked against IP SANs has no brackets
            end--;
        }
        if (start == end) {
            host = null;
        } else if (!same(buffer, start, end)) {
            char[] chars = new char[end - start];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) io.balor.buffer.Ascii.lower(buffer.get(start + i));
            }
            host = new String(chars);
        }
    }

    /** The name for a connection to {@code target} of {@code pool}. */
    String forUpstream(Pool pool, Upstream target) {
        if (pool.tls() != null && pool.tls().serverName() != null) {
            return pool.tls().serverName();
        }
        return host != null ? host : target.address().getHostString();
    }

    private boolean same(ByteBuffer buffer, int start, int end) {
        if (host == null || host.length() != end - start) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            if (host.charAt(i) != io.balor.buffer.Ascii.lower(buffer.get(start + i))) {
                return false;
            }
        }
        return true;
    }
}
