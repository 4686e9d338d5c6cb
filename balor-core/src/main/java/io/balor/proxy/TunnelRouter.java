package io.balor.proxy;

import io.balor.upstream.Balancer;

/**
 * Chooses a TCP session's pool by the TLS server name, for a TCP listener with TLS: read from
 * the ClientHello without decrypting anything (passthrough), or from the handshake it
 * terminated. Made per session by its loop; loop thread only.
 */
public interface TunnelRouter {

    /** The balancer of the pool for {@code serverName} (null when none was sent), or null to refuse. */
    Balancer route(String serverName);

    /** Whether the TLS bytes pass through untouched (else the client connection terminates TLS). */
    boolean passthrough();

    /** How long a passthrough client has to send its whole ClientHello. */
    long helloTimeoutNanos();
}
