package io.balor.proxy;

import io.balor.loop.EventLoop;
import io.balor.loop.IoHandler;
import io.balor.loop.Timer;
import io.balor.net.Connection;
import io.balor.net.ProxyHeaderWriter;
import io.balor.tls.UpstreamTls;
import io.balor.upstream.Balancer;
import io.balor.upstream.Pool;
import io.balor.upstream.Upstream;
import io.balor.upstream.UpstreamError;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * Gets one session a connection to an upstream of a pool; owned by that session (a tunnel), or
 * part of a pooled {@link HttpExchange} and bound to one session at a time; loop thread
 * only. The one connect-and-failover loop, shared by the L4 {@link TcpTunnel} and the L7
 * {@link HttpExchange}: the connection it makes is registered with the session's loop and its
 * upstream {@link IoHandler}, and its connect timeout runs on the session's own timer.
 *
 * <h2>A dial</h2>
 * <ol>
 *   <li>The first upstream is the caller's pick (the balancer's, or for HTTP a sticky one). An
 *   HTTP dial first takes an idle connection to it from the loop's {@link KeepAliveCache} (made
 *   for the same TLS server name and settings); one found is handed over at once. The session
 *   gives a connection back with {@link #offer} when its exchange ends cleanly.</li>
 *   <li>Else a non-blocking connect, bounded by the pool's connect timeout on the session's
 *   timer (the session calls {@link #timedOut()} when it fires, {@link #finishConnect()} on
 *   {@code OP_CONNECT}). An HTTP connection to an upstream that speaks TLS gets an engine from
 *   the pool's TLS settings, for the server name {@link UpstreamServerName} chooses; a tunnel
 *   connects plain.</li>
 *   <li>A refused, reset, unresolvable or timed-out connect, or a failed TLS handshake, counts
 *   against the upstream ({@code target.failed(error, true, now)}: an event, and passive health
 *   may eject it) and in the listener's and upstream's connect-failure counters. The next
 *   eligible upstream in pool order not tried yet is tried: the balancer is not asked again, so
 *   a failing upstream does not shift the sequence other sessions get, and each upstream is
 *   tried at most once per dial. None left: {@code noUpstream} is counted and the session told
 *   ({@link Outcome#noUpstream}: HTTP answers 502, a tunnel closes).</li>
 *   <li>To a pool that sends the PROXY protocol ({@link Pool#sendProxyVersion()}), a new
 *   connection's header ({@link ProxyHeaderWriter}: the client as {@link Connection#client()}
 *   knows it, the address it connected to as {@link Connection#destination()}) is its
 *   {@link Connection#preface}, written the moment the TCP connect completes, before any TLS. A
 *   socket that does not take it whole fails the connect like a refusal. Such a connection
 *   speaks for one client: kept alive, it is private to this session (HAProxy's private
 *   connections, a few per session), taken again by its later requests only, and closed when
 *   the session ends.</li>
 *   <li>No socket could be made (the socket, the TLS engine or the registration threw, out of
 *   file descriptors typically): Balor's own trouble, which the next upstream would meet too.
 *   Nothing counts against the upstream and nothing else is tried ({@link Outcome#noSocket}:
 *   HTTP answers 503, a tunnel closes).</li>
 * </ol>
 * The connection is the dialer's until {@link Outcome#connected}, the session's from then on.
 * Besides what a connect needs (the socket, its {@link Connection}, for HTTP its
 * {@link UpstreamConnection}), a dial allocates nothing: the marks of upstreams tried are one
 * array per dialer, made at its first failover and reused, and so is the PROXY header, written
 * once per dialer (its client does not change) and again only if the pool's version does.
 */
final class UpstreamDialer {

    /** What the session does at each turn of a dial. Called on the loop thread, from inside the dialer's methods. */
    interface Outcome {

        /** A connection to {@code target} is being made or taken from the cache (each attempt, failovers too). */
        void attempting(Upstream target);

        /**
         * The connection is up (for TLS: handshaken) and the session's from now on: {@code upstream}
         * wraps it for the keep-alive cache (HTTP), null for a tunnel.
         */
        void connected(Connection connection, UpstreamConnection upstream);

        /** No socket could be made ({@code error}: {@link UpstreamError#ofLocal}); nothing else is tried. */
        void noSocket(String error);

        /**
         * No upstream is left to try ({@code error}: why the last one failed, null if the pick
         * was none); {@code noUpstream} has been counted.
         */
        void noUpstream(String error);
    }

    private final EventLoop loop;
    /** The loop's index: which shard of the upstream's traffic counters this dialer writes. */
    private final int shard;
    private SessionCounters counters;
    private final IoHandler handler;
    private Timer timer;
    private final Outcome outcome;
    /** The loop's idle upstream connections (HTTP), or null (a tunnel: no reuse, no TLS). */
    private final KeepAliveCache cache;
    /** The TLS server name for HTTP connections, or null for a tunnel. */
    private final UpstreamServerName names;
    /** The session's client connection, whose addresses a PROXY header names; null: an unknown client. */
    private Connection client;

    private Balancer balancer;
    private long connectTimeoutNanos;
    private Upstream target;
    /** The connection being made, or null. */
    private Connection connection;
    /** Its keep-alive wrapper (HTTP), or null. */
    private UpstreamConnection upstream;
    private boolean reused;
    /** This dial was made again ({@link #redial}): a request is sent again once at most. */
    private boolean redialed;
    /** Whether this dial has failed over yet (then {@link #tried} holds its marks). */
    private boolean failedOver;
    private boolean[] tried;
    /** The PROXY header for this dialer's client (made at its first use), and its version (0: not written yet). */
    private ByteBuffer proxyHeader;
    private int proxyHeaderVersion;
    /**
     * The idle connections this session keeps for itself (they carried a PROXY header naming its
     * client), watched by the cache; made at the first such connection, else null.
     */
    private java.util.ArrayDeque<UpstreamConnection> privateIdle;
    /** The request needs HTTP/1.1 (a WebSocket upgrade), whatever its pool speaks. */
    private boolean http1Only;

    private UpstreamDialer(EventLoop loop, SessionCounters counters, IoHandler handler, Timer timer,
                           Outcome outcome, KeepAliveCache cache, Connection client) {
        this.loop = loop;
        this.shard = loop.index();
        this.counters = counters;
        this.handler = handler;
        this.timer = timer;
        this.outcome = outcome;
        this.cache = cache;
        this.names = cache == null ? null : new UpstreamServerName();
        this.client = client;
    }

    /** A dialer for a tunnel of {@code client}'s: plain connections, never reused. */
    static UpstreamDialer forTunnel(EventLoop loop, SessionCounters counters, IoHandler handler, Timer timer,
                                    Outcome outcome, Connection client) {
        return new UpstreamDialer(loop, counters, handler, timer, outcome, null, client);
    }

    /**
     * A dialer for HTTP: kept-alive connections from {@code cache}, TLS where the pool says; part
     * of a pooled exchange, it dials for the session {@link #bind} names.
     */
    static UpstreamDialer forHttp(EventLoop loop, IoHandler handler, Outcome outcome, KeepAliveCache cache) {
        return new UpstreamDialer(loop, null, handler, null, outcome, cache, null);
    }

    /**
     * Dials for another session from now on (HTTP): its listener's {@code counters}, its
     * {@code timer}, its {@code client} connection and its private idle connections
     * ({@code privateIdle}, null if none yet), until {@link #unbind}.
     */
    void bind(SessionCounters counters, Timer timer, Connection client,
              java.util.ArrayDeque<UpstreamConnection> privateIdle) {
        this.counters = counters;
        this.timer = timer;
        this.client = client;
        this.privateIdle = privateIdle;
        proxyHeaderVersion = 0;   // another client: the PROXY header is written again
    }

    /** Lets go of the session (nothing is being dialed): its private idle connections, null if none, go back to it. */
    java.util.ArrayDeque<UpstreamConnection> unbind() {
        java.util.ArrayDeque<UpstreamConnection> own = privateIdle;
        privateIdle = null;
        return own;
    }

    /** Whether the next dial's request needs HTTP/1.1 (a WebSocket upgrade) even to a pool that speaks HTTP/2. */
    void http1Only(boolean value) {
        http1Only = value;
    }

    /** The client's host name for the TLS server name, {@code buffer[from, to)} as the request head found it (HTTP). */
    void clientHost(ByteBuffer buffer, int from, int to) {
        names.clientHost(buffer, from, to);
    }

    /**
     * Starts a dial to {@code balancer}'s pool, first to {@code first} (null: none to pick, which
     * ends it at once as {@link Outcome#noUpstream}). The outcome may be reported before this
     * returns. {@code connectTimeoutNanos} is the listener's, which the pool may override.
     */
    void dial(Balancer balancer, Upstream first, long connectTimeoutNanos) {
        this.balancer = balancer;
        this.connectTimeoutNanos = connectTimeoutNanos;
        failedOver = false;
        reused = false;
        redialed = false;
        if (first == null) {
            counters.noUpstream();
            outcome.noUpstream(null);
            return;
        }
        if (http2()) {
            String name = serverName(first);
            UpstreamStream stream = cache.http2().open(first, name, name == null ? null : balancer.pool().tls(), handler);
            if (stream != null) {
                reused = true;
                target = first;
                outcome.attempting(first);
                outcome.connected(stream, stream.handle(first, name));
                return;
            }
        } else if (cache != null) {
            String name = serverName(first);
            UpstreamTls tls = name == null ? null : balancer.pool().tls();
            UpstreamConnection idle = balancer.pool().sendProxyVersion() == 0 ? cache.take(first, name, tls)
                    : privateIdle == null ? null : cache.takePrivate(privateIdle, first, name, tls);
            if (idle != null) {
                reused = true;
                target = first;
                outcome.attempting(first);
                idle.connection().attach(handler);
                outcome.connected(idle.connection(), idle);
                return;
            }
        }
        attempt(first);
    }

    /**
     * Connects afresh to the upstream of the current dial (HTTP: a request sent again after its
     * reused connection failed), with the dial's failover marks as they are.
     */
    void redial() {
        reused = false;
        redialed = true;
        attempt(target);
    }

    /**
     * Gives {@code idle} (an HTTP connection whose exchange ended with nothing pending either
     * way) to the loop's keep-alive cache for a later dial, which may close it instead. One that
     * carried a PROXY header waits there for this session's dials only, until {@link #close}.
     */
    void offer(UpstreamConnection idle) {
        if (idle.connection() instanceof UpstreamStream) {
            idle.close();   // the stream is over; its connection stays with the other streams
            return;
        }
        if (!idle.sentProxyHeader()) {
            cache.offer(idle);
            return;
        }
        if (privateIdle == null) {
            privateIdle = new java.util.ArrayDeque<>(KeepAliveCache.PRIVATE_PER_SESSION);
        }
        cache.offerPrivate(idle, privateIdle);
    }

    /**
     * The session is over: the connection being made closes, and so does its private idle
     * connection, which no other session may take.
     */
    void close() {
        abandon();
        if (privateIdle != null) {
            cache.closePrivate(privateIdle);
        }
    }

    /** Whether this dial is a request sent again ({@link #redial}). */
    boolean redialed() {
        return redialed;
    }

    /** Whether the connection last handed over came from the keep-alive cache. */
    boolean reused() {
        return reused;
    }

    /** {@code OP_CONNECT}: the connect (for TLS: the handshake) finished, is still going, or failed. */
    void finishConnect() {
        try {
            if (connection.finishConnect()) {
                loop.timers().cancel(timer);
                connection.interest(SelectionKey.OP_CONNECT, false);
                handOver();
            }
        } catch (IOException e) {
            failed(UpstreamError.ofConnect(e));   // TCP, or the TLS handshake (verification)
        }
    }

    /** The session's timer fired while connecting: a failed connect. */
    void timedOut() {
        failed(UpstreamError.CONNECT_TIMEOUT);
    }

    /** Closes the connection being made, if any (the session closes or gives up the exchange). */
    void abandon() {
        if (connection != null) {
            connection.close();
        }
        connection = null;
        upstream = null;
    }

    private void attempt(Upstream next) {
        target = next;
        outcome.attempting(next);
        if (cache == null) {
            // A tunnel has always counted the attempt before it has a socket; HTTP once it has one.
            next.traffic().connecting(shard);
        }
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            String name = serverName(next);
            connection = name == null ? new Connection(channel)
                    : Connection.tlsClient(channel, loop, balancer.pool().tls().engine(name, next.address().getPort(), http2()));
            channel = null;   // closed with the connection from here on
            int proxyVersion = balancer.pool().sendProxyVersion();
            if (proxyVersion != 0) {
                connection.preface(proxyHeader(proxyVersion));
            }
            if (cache != null) {
                upstream = new UpstreamConnection(connection, next, name, name == null ? null : balancer.pool().tls(),
                        proxyVersion != 0);
            }
            connection.register(loop, handler, 0);
        } catch (IOException | RuntimeException e) {
            // No socket, engine or registration: Balor's own trouble (out of file descriptors,
            // typically), which the next upstream would meet too and which is not this one's fault.
            closeQuietly(channel);
            abandon();
            outcome.noSocket(UpstreamError.ofLocal(e));
            return;
        }
        try {
            if (cache != null) {
                cache.countOpened();
                next.traffic().connecting(shard);
            }
            if (connection.connect(next.address())) {
                handOver();
            } else {
                connection.interest(SelectionKey.OP_CONNECT, true);
                loop.timers().schedule(timer, loop.now() + balancer.pool().connectTimeout(connectTimeoutNanos));
            }
        } catch (IOException | RuntimeException e) {
            // Refused at once, unresolved, or an address this stack cannot use (an IPv6
            // upstream on an IPv4-only JVM): all are a failed connect to this upstream.
            failed(UpstreamError.ofConnect(e));
        }
    }

    /** The connect to the target failed because of {@code error}: an event, passive health, the next upstream. */
    private void failed(String error) {
        counters.connectFailed();
        target.traffic().connectFailed(shard);
        target.failed(error, true, loop.now());   // an event; passive health: may eject it
        loop.timers().cancel(timer);
        abandon();
        Upstream next = nextUntried();
        if (next == null) {
            counters.noUpstream();
            outcome.noUpstream(error);
            return;
        }
        attempt(next);
    }

    /** The next eligible upstream in pool order after the one that failed, not tried yet in this dial, or null. */
    private Upstream nextUntried() {
        Pool pool = balancer.pool();
        if (!failedOver) {
            failedOver = true;
            if (tried == null || tried.length < pool.size()) {
                tried = new boolean[pool.size()];
            } else {
                Arrays.fill(tried, false);
            }
        }
        tried[target.index()] = true;
        for (int k = 1; k < pool.size(); k++) {
            Upstream candidate = pool.get((target.index() + k) % pool.size());
            if (candidate.eligible() && !tried[candidate.index()]) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Gives the connection to the session, which owns it from here on. The dialer lets go of it
     * only once {@link Outcome#connected} has returned: should that throw on the immediate-connect
     * path, it is a failed connect (as it has always been) and {@link #failed} closes it.
     */
    private void handOver() {
        Connection made = connection;
        if (http2()) {
            // A new HTTP/2 connection: shared from now on, and this exchange gets its first stream.
            connection = null;
            UpstreamConnection first = upstream;
            upstream = null;
            UpstreamStream stream = cache.http2().adopt(made, target, first.serverName(), first.tls(), handler);
            outcome.connected(stream, stream.handle(target, first.serverName()));
            return;
        }
        outcome.connected(made, upstream);
        if (connection == made) {
            connection = null;
            upstream = null;
        }
    }

    /**
     * The PROXY header of {@code version} for this dialer's client, ready to be written (position
     * 0); written into the dialer's own buffer at its first use, and again only for another version.
     */
    private ByteBuffer proxyHeader(int version) {
        if (proxyHeader == null) {
            proxyHeader = ByteBuffer.allocate(ProxyHeaderWriter.MAX_LENGTH);
        }
        if (proxyHeaderVersion != version) {
            proxyHeader.clear();
            ProxyHeaderWriter.write(proxyHeader, version, client == null ? null : client.client(),
                    client == null ? null : client.destination());
            proxyHeader.flip();
            proxyHeaderVersion = version;
        }
        proxyHeader.rewind();   // a failed attempt may have written some of it
        return proxyHeader;
    }

    /** Whether this dial makes an HTTP/2 stream: an HTTP dial to a pool that speaks it, for a request that may use it. */
    private boolean http2() {
        return cache != null && balancer.pool().http2() && !http1Only;
    }

    /** The TLS server name for a connection to {@code target}, or null when it is plain. */
    private String serverName(Upstream target) {
        return names != null && target.tls() && balancer.pool().tls() != null
                ? names.forUpstream(balancer.pool(), target) : null;
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was connected
            }
        }
    }
}
