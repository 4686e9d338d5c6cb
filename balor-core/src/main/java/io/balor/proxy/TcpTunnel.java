package io.balor.proxy;

import io.balor.SessionInfo;
import io.balor.loop.EventLoop;
import io.balor.loop.IoHandler;
import io.balor.loop.Timer;
import io.balor.net.Acceptor;
import io.balor.net.Connection;
import io.balor.tls.ClientHelloPeeker;
import io.balor.upstream.Balancer;
import io.balor.upstream.Upstream;
import io.balor.ws.CloseFrame;
import io.balor.ws.FrameScanner;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * An L4 session: one client connection forwarded to one upstream, bytes copied both ways.
 * Owned by one loop's thread from start to close; both sockets are registered with that loop.
 *
 * <h2>States</h2>
 * <b>routing</b> (TCP listeners with TLS only): the pool is chosen by the TLS server name, read
 * from the ClientHello (kept and forwarded first; passthrough, bounded by the handshake timeout)
 * or from the handshake the client connection terminated. <b>connecting</b>: the
 * {@link UpstreamDialer} connects to the balancer's pick, failing over to upstreams not tried yet
 * (none left: the client is closed); the client is not read meanwhile. <b>open</b>: each
 * {@link Direction} reads its source into one pooled buffer and writes it on; reading stops while
 * {@code highWatermark} bytes wait and starts again at {@code lowWatermark}, so a session holds at
 * most one buffer per direction, and none when idle. <b>half-closed</b>: one side's end of
 * stream, once its bytes are written on, becomes {@code shutdownOutput} on the other, whose
 * direction keeps flowing. <b>closed</b>: both directions shut, a socket failed, or the idle
 * timeout or a drain deadline passed; both sockets close, buffers go back to the pool.
 */
public final class TcpTunnel extends Session implements UpstreamDialer.Outcome {

    /** Masking keys for the close frames Balor sends upstream (RFC 6455 §5.3: unpredictable). */
    private static final java.security.SecureRandom MASKS = new java.security.SecureRandom();

    private final EventLoop loop;
    private final SessionCounters counters;
    /** The loop's index: which shard of the upstream's traffic counters this tunnel writes. */
    private final int shard;
    private Balancer balancer;
    private final TunnelRouter router;
    private boolean routing;
    private final TunnelPolicy policy;
    private final Connection client;
    private final Direction toUpstream;
    private final Direction toClient;
    private final Timer connectTimer = new Timer(this::onConnectTimeout, this::close);
    private final Timer idleTimer = new Timer(this::onIdleCheck, this::close);
    private Connection upstream;
    private Upstream target;
    private boolean connecting = true;
    /** Close once both directions have written what they hold (after a WebSocket close frame). */
    private boolean closing;
    private long lastActivity;

    private final IoHandler clientHandler = new IoHandler() {
        @Override
        public void onReady(int readyOps) {
            onClientReady(readyOps);
        }

        @Override
        public void onFailure(Throwable cause) {
            close();
        }
    };

    private final IoHandler upstreamHandler = new IoHandler() {
        @Override
        public void onReady(int readyOps) {
            onUpstreamReady(readyOps);
        }

        @Override
        public void onFailure(Throwable cause) {
            close();
        }
    };

    private final UpstreamDialer dialer;

    /**
     * A session to {@code balancer}'s pool, or (with a {@code router}, balancer null) to the pool
     * its TLS server name routes to.
     */
    public TcpTunnel(EventLoop loop, Acceptor acceptor, SessionCounters counters, SessionList sessions,
                     Balancer balancer, TunnelRouter router, TunnelPolicy policy, Connection client) {
        super(acceptor, sessions);
        this.loop = loop;
        this.shard = loop.index();
        this.counters = counters;
        this.balancer = balancer;
        this.router = router;
        this.policy = policy;
        this.client = client;
        this.toUpstream = new Direction(client);
        this.toClient = new Direction(null);
        this.dialer = UpstreamDialer.forTunnel(loop, counters, upstreamHandler, connectTimer, this, client);
    }

    /**
     * Takes over two connected sockets (registered with {@code loop}) from an HTTP session whose
     * exchange became a WebSocket tunnel, with the bytes each side sent past the handshake
     * ({@code toClient}, {@code toUpstream}: {@code [start, end)}, or null). From this call on
     * the tunnel owns them and counts as the listener's session, even if it fails at once.
     *
     * @param maxFrame   largest frame payload either way; a larger one (or a frame that breaks
     *                   RFC 6455 §5) closes the tunnel with 1009 (1002) to its sender
     * @param extensions an extension was negotiated (RSV bits may be set)
     */
    public static TcpTunnel adopt(EventLoop loop, Acceptor acceptor, SessionCounters counters, SessionList sessions,
                                  TunnelPolicy policy, Connection client, Connection upstream, Upstream target,
                                  ByteBuffer toClient, int toClientStart, int toClientEnd,
                                  ByteBuffer toUpstream, int toUpstreamStart, int toUpstreamEnd,
                                  long maxFrame, boolean extensions) {
        TcpTunnel tunnel = new TcpTunnel(loop, acceptor, counters, sessions, null, null, policy, client);
        tunnel.toUpstream.frames = FrameScanner.clientToServer(maxFrame, extensions);
        tunnel.toClient.frames = FrameScanner.serverToClient(maxFrame, extensions);
        sessions.add(tunnel);
        tunnel.target = target;
        tunnel.upstream = upstream;
        client.attach(tunnel.clientHandler);
        upstream.attach(tunnel.upstreamHandler);
        tunnel.open();
        try {
            tunnel.toClient.preload(toClient, toClientStart, toClientEnd);
            tunnel.toUpstream.preload(toUpstream, toUpstreamStart, toUpstreamEnd);
        } catch (IOException e) {
            tunnel.close();   // the tunnel owns the sockets and the listener's count from here on
        }
        return tunnel;
    }

    /** Registers the client socket and connects to the first upstream. Loop thread. */
    public void start() {
        sessions.add(this);
        lastActivity = loop.now();
        try {
            if (router == null) {
                client.register(loop, clientHandler, 0);
                dialer.dial(balancer, balancer.pick(), policy.connectTimeoutNanos());
            } else if (router.passthrough()) {
                routing = true;
                client.register(loop, clientHandler, SelectionKey.OP_READ);
                loop.timers().schedule(connectTimer, loop.now() + router.helloTimeoutNanos());
            } else {
                routing = true;   // the TLS transport reports its finished handshake as OP_CONNECT
                client.register(loop, clientHandler, SelectionKey.OP_CONNECT);
            }
        } catch (IOException | RuntimeException e) {
            close();
        }
    }

    /** Routing: reads the ClientHello (passthrough) or takes the name of the finished handshake. */
    private void route() throws IOException {
        String name;
        if (router.passthrough()) {
            if (toUpstream.buffer == null) {
                toUpstream.buffer = loop.buffers().acquire();
            }
            ByteBuffer hello = toUpstream.buffer;
            int n = client.read(hello);
            toUpstream.bytes += Math.max(0, n);
            counters.received(n);
            ClientHelloPeeker.Result result = ClientHelloPeeker.peek(hello, 0, hello.position());
            if (result.status() == ClientHelloPeeker.Status.INCOMPLETE && n >= 0 && hello.hasRemaining()) {
                return;
            }
            if (result.status() != ClientHelloPeeker.Status.COMPLETE) {
                close();   // not TLS, a broken hello, or the client gave up before sending one
                return;
            }
            name = result.serverName();
        } else {
            name = client.serverName();
        }
        loop.timers().cancel(connectTimer);
        balancer = router.route(name);
        if (balancer == null) {
            counters.noUpstream();
            close();
            return;
        }
        routing = false;
        client.interest(SelectionKey.OP_READ | SelectionKey.OP_CONNECT, false);
        dialer.dial(balancer, balancer.pick(), policy.connectTimeoutNanos());
    }

    @Override
    void releaseAll() {
        loop.timers().cancel(connectTimer);
        loop.timers().cancel(idleTimer);
        client.close();
        dialer.abandon();
        if (upstream != null) {
            upstream.close();
        }
        toUpstream.release();
        toClient.release();
    }

    /**
     * A WebSocket tunnel tells both sides its listener is going away (1001, RFC 6455 §7.4.1) at
     * each direction's next frame boundary; a plain TCP tunnel runs on to the drain deadline.
     */
    @Override
    public void drain() {
        if (closed || toUpstream.frames == null) {
            return;
        }
        toUpstream.injectClose(CloseFrame.GOING_AWAY, "going away");
        toClient.injectClose(CloseFrame.GOING_AWAY, "going away");
        closing = true;
        try {
            toUpstream.flush();
            toClient.flush();
        } catch (IOException e) {
            close();
        }
    }

    @Override
    public SessionInfo describe() {
        String state = closed ? "closing" : connecting ? "connecting"
                : toUpstream.shut || toClient.shut ? "half-closed" : "open";
        return new SessionInfo(policy.listener(), client.peer(), target == null ? null : target.id(), state,
                toUpstream.bytes, toClient.bytes, toUpstream.buffered(), toClient.buffered(),
                toUpstream.paused, toClient.paused);
    }

    private void onClientReady(int readyOps) {
        try {
            if (routing) {
                route();
                return;
            }
            if ((readyOps & SelectionKey.OP_READ) != 0) {
                toUpstream.onReadable();
            }
            if (!closed && (readyOps & SelectionKey.OP_WRITE) != 0) {
                toClient.flush();
            }
        } catch (IOException e) {
            close();
        }
    }

    private void onUpstreamReady(int readyOps) {
        if (connecting) {
            if ((readyOps & SelectionKey.OP_CONNECT) != 0) {
                dialer.finishConnect();
            }
            return;
        }
        try {
            if ((readyOps & SelectionKey.OP_READ) != 0) {
                toClient.onReadable();
            }
            if (!closed && (readyOps & SelectionKey.OP_WRITE) != 0) {
                toUpstream.flush();
            }
        } catch (IOException e) {
            close();
        }
    }

    private void onConnectTimeout() {
        if (routing && !closed) {
            close();   // no whole ClientHello in time
        } else if (connecting && !closed) {
            dialer.timedOut();
        }
    }

    // ---- how the dial ends (UpstreamDialer.Outcome): the tunnel opens, or it closes (no socket, or no upstream left)

    @Override
    public void attempting(Upstream next) {
        target = next;
    }

    @Override
    public void connected(Connection connection, UpstreamConnection kept) {
        upstream = connection;
        open();
    }

    @Override
    public void noSocket(String error) {
        close();
    }

    @Override
    public void noUpstream(String error) {
        close();
    }

    private void open() {
        connecting = false;
        target.health().succeeded();
        toUpstream.destination = upstream;
        toClient.source = upstream;
        toClient.destination = client;
        client.interest(SelectionKey.OP_READ, true);
        upstream.interest(SelectionKey.OP_CONNECT, false);
        upstream.interest(SelectionKey.OP_READ, true);
        lastActivity = loop.now();
        loop.timers().schedule(idleTimer, lastActivity + policy.idleTimeoutNanos());
        if (toUpstream.buffered() > 0) {
            try {
                toUpstream.flush();   // the ClientHello read while routing
            } catch (IOException e) {
                close();
            }
        }
    }

    /** Idle timers are not moved on every read: when one fires it checks, and re-arms if needed. */
    private void onIdleCheck() {
        if (closed) {
            return;
        }
        long idleUntil = lastActivity + policy.idleTimeoutNanos();
        if (loop.now() - idleUntil >= 0) {
            close();
        } else {
            loop.timers().schedule(idleTimer, idleUntil);
        }
    }

    /**
     * Bytes going one way: read from {@code source}, held in at most one pooled buffer (in fill
     * mode: the data is {@code [0, position)}), written to {@code destination}.
     */
    private final class Direction {

        Connection source;
        Connection destination;
        ByteBuffer buffer;
        /** WebSocket framing checks for a tunnel that came from a 101, else null. */
        FrameScanner frames;
        boolean closeSent;
        boolean eof;
        boolean shut;
        boolean paused;
        long bytes;

        Direction(Connection source) {
            this.source = source;
        }

        int buffered() {
            return buffer == null ? 0 : buffer.position();
        }

        /** Counts {@code n} bytes read from the source ({@code read}) or written to the destination. */
        void counted(int n, boolean read) {
            boolean clientSide = (this == toUpstream) == read;
            if (clientSide && read) {
                counters.received(n);
            } else if (clientSide) {
                counters.sent(n);
            } else if (target != null && read) {
                target.traffic().bytesOut(shard, n);
            } else if (target != null) {
                target.traffic().bytesIn(shard, n);
            }
        }

        void onReadable() throws IOException {
            if (buffer == null) {
                buffer = loop.buffers().acquire();
            }
            int room = policy.highWatermark() - buffer.position();
            if (room > 0) {
                buffer.limit(buffer.position() + room);
                int before = buffer.position();
                int n = source.read(buffer);
                buffer.limit(buffer.capacity());
                if (n < 0) {
                    eof = true;
                    source.interest(SelectionKey.OP_READ, false);
                } else if (n > 0) {
                    bytes += n;
                    counted(n, true);
                    lastActivity = loop.now();
                    if (frames != null && frames.scan(buffer, before, before + n) == FrameScanner.VIOLATION) {
                        refuseFrames();
                        return;
                    }
                }
            }
            flush();
        }

        /** Writes what it can, then sets interest and watermarks from what is left. */
        void flush() throws IOException {
            if (buffer != null && buffer.position() > 0) {
                buffer.flip();
                int n = destination.write(buffer);
                if (n > 0) {
                    counted(n, false);
                    lastActivity = loop.now();
                }
                buffer.compact();
            }
            int left = buffered();
            if (left == 0) {
                release();
                // TLS ciphertext may still wait: stay writable until it is out.
                destination.interest(SelectionKey.OP_WRITE, !destination.flush());
                if (closing && toUpstream.buffered() == 0 && toClient.buffered() == 0 && client.flushed()
                        && (upstream == null || upstream.flushed())) {
                    close();
                    return;
                }
            } else {
                destination.interest(SelectionKey.OP_WRITE, true);
            }
            if (eof) {
                if (left == 0 && !shut) {
                    shut = true;
                    destination.shutdownOutput();
                    if (toUpstream.shut && toClient.shut) {
                        close();
                    }
                }
            } else if (left >= policy.highWatermark()) {
                if (!paused) {
                    paused = true;
                    source.interest(SelectionKey.OP_READ, false);
                }
            } else if (paused && left <= policy.lowWatermark()) {
                paused = false;
                source.interest(SelectionKey.OP_READ, true);
            }
        }

        /**
         * The source broke the WebSocket framing rules: the bytes of the bad frame are dropped,
         * the source is told why with a close frame (1002 or 1009) if the other direction is at
         * a frame boundary, the destination is told 1001 likewise, and both sides close once
         * that is written.
         */
        void refuseFrames() throws IOException {
            buffer.position(Math.max(0, frames.violationIndex()));
            source.interest(SelectionKey.OP_READ, false);
            Direction back = this == toUpstream ? toClient : toUpstream;
            back.injectClose(frames.closeCode(), frames.reason());
            if (frames.atFrameBoundary()) {
                injectClose(CloseFrame.GOING_AWAY, "");
            }
            closing = true;
            flush();
            back.flush();
        }

        /** Appends a close frame toward this direction's destination if it is at a frame boundary. */
        void injectClose(int code, String reason) {
            if (frames == null || !frames.atFrameBoundary() || closeSent) {
                return;
            }
            if (buffer == null) {
                buffer = loop.buffers().acquire();
            }
            buffer.limit(buffer.capacity());
            if (this == toUpstream) {
                CloseFrame.writeMasked(buffer, code, reason, MASKS.nextInt());
            } else {
                CloseFrame.write(buffer, code, reason);
            }
            closeSent = true;
            source.interest(SelectionKey.OP_READ, false);
        }

        /** Bytes the previous owner of the sockets read but did not forward: sent on first. */
        void preload(ByteBuffer from, int start, int end) throws IOException {
            if (from == null || start >= end) {
                return;
            }
            buffer = loop.buffers().acquire();
            buffer.put(0, from, start, Math.min(end - start, buffer.capacity()));
            buffer.position(Math.min(end - start, buffer.capacity()));
            flush();
        }

        void release() {
            if (buffer != null) {
                loop.buffers().release(buffer);
                buffer = null;
            }
        }
    }
}
