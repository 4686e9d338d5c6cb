package io.balor.proxy;

import io.balor.SessionInfo;
import io.balor.loop.EventLoop;
import io.balor.loop.IoHandler;
import io.balor.loop.Timer;
import io.balor.net.Acceptor;
import io.balor.net.ProxyHeader;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The first stage of a connection to a listener that takes the PROXY protocol: reads the header
 * a trusted proxy sends first ({@link ProxyHeader}, never a byte past it, so TLS or HTTP that
 * follows stays in the socket), then hands the socket over to the session the listener runs
 * ({@link Next}), telling it whom the proxy speaks for. A header that is malformed, longer than
 * the protocol allows, or not complete within {@link #DEADLINE_NANOS} closes the connection,
 * counted in {@code balor_proxy_headers_refused_total}.
 *
 * <p>A session of its own while it reads (in the loop's list, counted by the listener, closed by
 * a drain), so a proxy that sends nothing cannot hold a connection past the deadline or outside
 * the listener's limits. Owned by one loop's thread.
 */
public final class ProxyHeaderSession extends Session implements IoHandler {

    /** How long a proxy has to send the whole header: as HAProxy's default {@code timeout client} for it, 5 s. */
    public static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(5);

    /**
     * Starts the listener's session on the socket, for the client the header named and the
     * address that client connected to (both null: the socket's own peer and local address).
     */
    public interface Next {
        void start(SocketChannel channel, InetSocketAddress client, InetSocketAddress destination);
    }

    private final EventLoop loop;
    private final SessionCounters counters;
    private final String listener;
    private final SocketChannel channel;
    private final Next next;
    private final ProxyHeader header = new ProxyHeader();
    private final Timer deadline = new Timer(this::expired, this::close);
    private ByteBuffer buffer;

    public ProxyHeaderSession(EventLoop loop, Acceptor acceptor, SessionList sessions, SessionCounters counters,
                              String listener, SocketChannel channel, Next next) {
        super(acceptor, sessions);
        this.loop = loop;
        this.counters = counters;
        this.listener = listener;
        this.channel = channel;
        this.next = next;
    }

    /** Registers the socket and waits for the header. Loop thread. */
    public void start() {
        sessions.add(this);
        try {
            channel.configureBlocking(false);
            loop.register(channel, SelectionKey.OP_READ, this);
        } catch (IOException e) {
            close();
            return;
        }
        buffer = loop.buffers().acquire();
        loop.timers().schedule(deadline, loop.now() + DEADLINE_NANOS);
    }

    @Override
    public void onReady(int readyOps) {
        if (closed) {
            return;
        }
        int verdict;
        try {
            verdict = read();
        } catch (IOException e) {
            close();   // the proxy reset: nothing to count as a bad header
            return;
        }
        if (verdict == ProxyHeader.INCOMPLETE) {
            return;
        }
        if (verdict == ProxyHeader.INVALID) {
            refuse();
            return;
        }
        InetSocketAddress client = header.local() ? null : address(header.source(), header.sourcePort());
        InetSocketAddress destination = header.local() ? null
                : address(header.destination(), header.destinationPort());
        loop.timers().cancel(deadline);
        buffer = release(buffer);
        handedOver();   // the next session counts as the listener's from here on
        next.start(channel, client, destination);
    }

    @Override
    public void onFailure(Throwable cause) {
        close();
    }

    /** Reads no more than the header may still need; the parse verdict (or INCOMPLETE at no news). */
    private int read() throws IOException {
        int have = buffer.position();
        buffer.limit(Math.min(buffer.capacity(), have + ProxyHeader.wanted(buffer, 0, have)));
        int n = channel.read(buffer);
        buffer.limit(buffer.capacity());
        if (n < 0) {
            return ProxyHeader.INVALID;   // closed before the header was whole
        }
        return n == 0 ? ProxyHeader.INCOMPLETE : header.parse(buffer, 0, buffer.position());
    }

    /** One of the header's addresses ({@code bytes}: its source or destination) with its port. */
    private InetSocketAddress address(byte[] bytes, int port) {
        byte[] address = header.family() == 4 ? Arrays.copyOf(bytes, 4) : bytes.clone();
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);   // 4 or 16 bytes: cannot happen
        }
    }

    private void expired() {
        if (!closed) {
            refuse();
        }
    }

    private void refuse() {
        counters.proxyHeaderRefused();
        close();
    }

    @Override
    void releaseAll() {
        loop.timers().cancel(deadline);
        buffer = release(buffer);
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing: nothing more to do
        }
    }

    private ByteBuffer release(ByteBuffer pooled) {
        if (pooled != null) {
            loop.buffers().release(pooled);
        }
        return null;
    }

    @Override
    public void drain() {
        close();   // nothing in flight yet: a draining listener starts nothing new
    }

    @Override
    public SessionInfo describe() {
        return new SessionInfo(listener, channelPeer(), null, "proxy-header", buffer == null ? 0 : buffer.position(),
                0, 0, 0, false, false);
    }

    private String channelPeer() {
        try {
            InetSocketAddress peer = (InetSocketAddress) channel.getRemoteAddress();
            return peer == null ? "?" : peer.getAddress().getHostAddress() + ":" + peer.getPort();
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
