package io.balor.proxy;

import io.balor.loop.IoHandler;
import io.balor.loop.Timer;
import io.balor.net.Connection;
import io.balor.tls.UpstreamTls;
import io.balor.upstream.Upstream;

import java.io.IOException;
import java.util.ArrayDeque;

/**
 * One HTTP connection to an upstream, kept across requests: the socket, the upstream it goes
 * to, and what the {@link KeepAliveCache} needs while it waits idle (made once per connection,
 * so keeping and reusing it allocates nothing). Owned by one loop: by an {@link HttpExchange}
 * while it uses it, by the cache in between.
 */
public final class UpstreamConnection implements IoHandler {

    private final Connection connection;
    private final Upstream upstream;
    /** The TLS server name it was made for (a request for another name needs another connection), or null. */
    private final String serverName;
    /** The pool's TLS settings it was made with (an apply that replaces them retires it), or null when plain. */
    private final UpstreamTls tls;
    /** Whether it began with a PROXY header: it speaks for one client, and is kept for that client's session only. */
    private final boolean sentProxyHeader;
    final Timer idleTimer = new Timer(this::idleExpired);
    /** The cache queue it waits in, or null while a session owns it. */
    ArrayDeque<UpstreamConnection> idleIn;
    KeepAliveCache cache;

    UpstreamConnection(Connection connection, Upstream upstream, String serverName, UpstreamTls tls,
                       boolean sentProxyHeader) {
        this.connection = connection;
        this.upstream = upstream;
        this.serverName = serverName;
        this.tls = tls;
        this.sentProxyHeader = sentProxyHeader;
    }

    /** Whether the connection began with a PROXY header naming its client (then it is kept alive for no other). */
    boolean sentProxyHeader() {
        return sentProxyHeader;
    }

    String serverName() {
        return serverName;
    }

    UpstreamTls tls() {
        return tls;
    }

    public Connection connection() {
        return connection;
    }

    public Upstream upstream() {
        return upstream;
    }

    /**
     * Idle: readable means the upstream closed it, or sent bytes nobody asked for. A TLS record
     * without data (a TLS 1.3 session ticket, a key update) reads as 0 and changes nothing.
     */
    @Override
    public void onReady(int readyOps) {
        try {
            if (connection.read(cache.probe()) == 0 && connection.isTls()) {
                return;
            }
        } catch (IOException ignored) {
            // reset: closed below either way
        }
        cache.expired(this);
    }

    @Override
    public void onFailure(Throwable cause) {
        cache.expired(this);
    }

    void close() {
        connection.close();
    }

    private void idleExpired() {
        if (idleIn != null) {
            cache.expired(this);
        }
    }
}
