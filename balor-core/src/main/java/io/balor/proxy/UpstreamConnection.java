package io.balor.proxy;

import io.balor.loop.IoHandler;
import io.balor.loop.Timer;
import io.balor.net.Connection;
import io.balor.upstream.Upstream;

import java.io.IOException;
import java.util.ArrayDeque;

/**
 * One HTTP connection to an upstream, kept across requests: the socket, the upstream it goes
 * to, and what the {@link KeepAliveCache} needs while it waits idle (made once per connection,
 * so keeping and reusing it allocates nothing). Owned by one loop: by an {@link HttpSession}
 * while an exchange uses it, by the cache in between.
 */
public final class UpstreamConnection implements IoHandler {

    private final Connection connection;
    private final Upstream upstream;
    final Timer idleTimer = new Timer(this::idleExpired);
    /** The cache queue it waits in, or null while a session owns it. */
    ArrayDeque<UpstreamConnection> idleIn;
    KeepAliveCache cache;

    UpstreamConnection(Connection connection, Upstream upstream) {
        this.connection = connection;
        this.upstream = upstream;
    }

    public Connection connection() {
        return connection;
    }

    public Upstream upstream() {
        return upstream;
    }

    /** Idle: readable means the upstream closed it, or sent bytes nobody asked for. */
    @Override
    public void onReady(int readyOps) {
        try {
            connection.read(cache.probe());
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
