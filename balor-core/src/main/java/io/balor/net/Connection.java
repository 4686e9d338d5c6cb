package io.balor.net;

import io.balor.loop.EventLoop;
import io.balor.loop.IoHandler;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One non-blocking socket registered with one loop, plain or TLS: reads, writes, half-close,
 * and the interest set, which it changes only when an operation's interest really changes.
 * Owned by its loop's thread. Read and write move plaintext and return counts as a channel does
 * (-1 is end of stream); an {@link IOException} means the peer is gone (or its TLS failed).
 *
 * <p>With TLS ({@link #tlsServer}, {@link #tlsClient}) a {@link TlsTransport} stands between the
 * selector and the handler; the handler sees the same calls as on a plain socket, with two
 * additions that are no-ops on plain sockets: {@link #flushed()} (ciphertext may still wait after
 * a write took all plaintext) and the handshake inside {@link #connect}/{@link #finishConnect}.
 *
 * <p>An upstream connection may have a {@link #preface}: plain bytes (a PROXY protocol header)
 * written the moment the TCP connect completes, before anything else, the TLS handshake
 * included. It is part of the connect: a socket that does not take it whole fails the connect.
 *
 * <p>A subclass may stand for something that is not a socket of its own but is read and written
 * as one (an HTTP/2 stream to an upstream, which speaks HTTP/1.1 to the exchange that uses it):
 * it overrides what its user calls (read, write, interest, attach, close, isOpen, flush,
 * flushed, truncated, isTls).
 */
public class Connection {

    private final SocketChannel channel;
    private SelectionKey key;
    private int interest;
    private boolean outputShut;
    private String peer;
    private InetSocketAddress client;
    /** Where the client connected to, as a PROXY header said or the socket's local address; null until asked. */
    private InetSocketAddress destination;
    /** Plain bytes to write first once the TCP connect completes, or null. */
    private ByteBuffer preface;
    private TlsTransport tls;

    public Connection(SocketChannel channel) {
        this.channel = channel;
    }

    /** For a subclass that has no socket of its own. */
    protected Connection() {
        this.channel = null;
    }

    /** An accepted connection that terminates TLS, its engine chosen by the ClientHello's SNI. */
    public static Connection tlsServer(SocketChannel channel, EventLoop loop, ServerEngines engines) {
        Connection connection = new Connection(channel);
        connection.tls = new TlsTransport(connection, loop, engines);
        return connection;
    }

    /** An upstream connection that speaks TLS through {@code engine} (client mode, SNI and checks set). */
    public static Connection tlsClient(SocketChannel channel, EventLoop loop, javax.net.ssl.SSLEngine engine) {
        Connection connection = new Connection(channel);
        connection.tls = new TlsTransport(connection, loop, engine);
        return connection;
    }

    /** Makes the channel non-blocking with Nagle off and registers it with {@code loop}. */
    public void register(EventLoop loop, IoHandler handler, int ops) throws IOException {
        channel.configureBlocking(false);
        channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, Boolean.TRUE);
        if (tls == null) {
            interest = ops;
            key = loop.register(channel, ops, handler);
        } else {
            key = loop.register(channel, 0, tls);
            tls.registered(handler, ops);
        }
    }

    /** Hands the connection's readiness to another handler (an idle upstream connection changing owner). */
    public void attach(IoHandler handler) {
        if (tls != null) {
            tls.attach(handler);
        } else if (key != null) {
            key.attach(handler);
        }
    }

    /** The server name a TLS client asked for (SNI), or null. */
    public String serverName() {
        return tls == null ? null : tls.serverName();
    }

    /**
     * Whether the end of stream read last came without the peer's TLS close_notify (a bare TCP
     * close: what was sent may have been cut). Always false for plain sockets.
     */
    public boolean truncated() {
        return tls != null && tls.truncated();
    }

    /** Whether this connection speaks TLS. */
    public boolean isTls() {
        return tls != null;
    }

    /**
     * Starts connecting to {@code address}: true when already connected (a plain socket on
     * loopback may be), else wait for {@code OP_CONNECT} and call {@link #finishConnect()}.
     */
    public boolean connect(java.net.SocketAddress address) throws IOException {
        if (tls != null) {
            return tls.connect(address);
        }
        if (!channel.connect(address)) {
            return false;
        }
        writePreface();
        return true;
    }

    /** Whether the connection is ready for data (for TLS: handshake done); throws if it failed. */
    public boolean finishConnect() throws IOException {
        if (tls != null) {
            return tls.finishConnect();
        }
        if (!channel.finishConnect()) {
            return false;
        }
        writePreface();
        return true;
    }

    /**
     * Has {@code bytes} (from its position to its limit) written plain as soon as the TCP connect
     * completes, before anything else, TLS included: HAProxy's PROXY protocol header. Set before
     * {@link #connect}; the buffer stays the caller's, read (not kept) during the connect.
     */
    public void preface(ByteBuffer bytes) {
        preface = bytes;
    }

    /**
     * The TCP connect completed: writes the {@link #preface}, if any. A fresh socket's send buffer
     * takes a few hundred bytes whole; one that does not is a failed connect.
     */
    void writePreface() throws IOException {
        ByteBuffer bytes = preface;
        if (bytes == null) {
            return;
        }
        preface = null;
        channel.write(bytes);
        if (bytes.hasRemaining()) {
            throw new IOException("the new connection did not take the PROXY header whole");
        }
    }

    /** Writes ciphertext still waiting (TLS); true when nothing waits. */
    public boolean flush() throws IOException {
        return tls == null || tls.flush();
    }

    /** Whether everything written so far has been handed to the socket (always, when plain). */
    public boolean flushed() {
        return tls == null || tls.flushed();
    }

    /** Whether the connection has been closed by {@link #close()}. */
    public boolean isOpen() {
        return channel.isOpen();
    }

    public SocketChannel channel() {
        return channel;
    }

    public int read(ByteBuffer into) throws IOException {
        return tls == null ? channel.read(into) : tls.read(into);
    }

    public int write(ByteBuffer from) throws IOException {
        return tls == null ? channel.write(from) : tls.write(from);
    }

    /** Turns {@code op} ({@link SelectionKey#OP_READ} ...) on or off in the interest set. */
    public void interest(int op, boolean on) {
        if (tls != null) {
            tls.interest(op, on);
        } else {
            socketInterest(on ? interest | op : interest & ~op);
        }
    }

    /** Sets the socket's interest set to {@code wanted} if it differs. */
    void socketInterest(int wanted) {
        if (wanted != interest && key != null && key.isValid()) {
            interest = wanted;
            key.interestOps(wanted);
        }
    }

    /** Sends FIN (after close_notify, with TLS): the peer reads end of stream, and may still send to us. */
    public void shutdownOutput() throws IOException {
        if (!outputShut) {
            outputShut = true;
            if (tls == null) {
                channel.shutdownOutput();
            } else {
                tls.shutdownOutput();
            }
        }
    }

    /** Closes the socket (a TLS one with a courtesy close_notify) and forgets its key; safe to call twice. */
    public void close() {
        if (tls != null && channel.isOpen()) {
            tls.close();
        }
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // the socket is gone either way
        }
    }

    /**
     * The hash of the peer's IP address (its bits, for IPv4), for per-client buckets and
     * {@code ip_hash}; 0 when the peer is unknown. Computed once per connection, no allocation later.
     */
    public static int addressHash(SocketChannel channel) {
        try {
            return ((InetSocketAddress) channel.getRemoteAddress()).getAddress().hashCode();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * The client this connection speaks for: what a trusted proxy's PROXY header said
     * ({@link #speaksFor}), else the socket's peer. The one place sessions learn the client's
     * address (X-Forwarded-For, per-client limits, {@code ip_hash}, the access log); null when
     * the socket no longer knows its peer.
     */
    public InetSocketAddress client() {
        if (client == null) {
            try {
                SocketAddress address = channel.getRemoteAddress();
                client = address instanceof InetSocketAddress inet ? inet : null;
            } catch (IOException e) {
                client = null;
            }
        }
        return client;
    }

    /**
     * The client is {@code address} and connected to {@code destination} (null: this socket's
     * local address), as a trusted proxy's PROXY header says; before the session starts.
     */
    public void speaksFor(InetSocketAddress address, InetSocketAddress destination) {
        client = address;
        this.destination = destination;
        peer = null;
    }

    /**
     * The address the client connected to: what a trusted proxy's PROXY header said
     * ({@link #speaksFor}), else the socket's local address (the listener's, for an accepted
     * socket); null when the socket no longer knows it. Computed once. What Balor's own PROXY
     * header names as the destination.
     */
    public InetSocketAddress destination() {
        if (destination == null) {
            try {
                SocketAddress address = channel.getLocalAddress();
                destination = address instanceof InetSocketAddress inet ? inet : null;
            } catch (IOException e) {
                destination = null;
            }
        }
        return destination;
    }

    /** The hash of {@link #client()}'s IP address (its bits, for IPv4); 0 when unknown. */
    public int clientHash() {
        InetSocketAddress address = client();
        return address == null ? 0 : address.getAddress().hashCode();
    }

    /** {@link #client()} as {@code ip:port}, computed once. */
    public String peer() {
        if (peer == null) {
            InetSocketAddress address = client();
            peer = address == null ? "?" : address.getAddress().getHostAddress() + ":" + address.getPort();
        }
        return peer;
    }
}
