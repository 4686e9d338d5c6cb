package io.balor.net;

import javax.net.ssl.SSLEngine;

/**
 * Where a TLS-terminating connection gets its {@link SSLEngine}, once the ClientHello's server
 * name is known: the listener's certificates chosen by SNI. Called on the loop thread, once per
 * handshake; implementations read their current certificates without locking.
 */
public interface ServerEngines {

    /**
     * A server-mode engine for {@code serverName} (lower case, null when the client sent none),
     * or null when no certificate serves that name: the handshake then fails with an alert.
     */
    SSLEngine engineFor(String serverName);

    /** How long a client has, from accept, to finish its handshake, in nanoseconds. */
    long handshakeTimeoutNanos();
}
