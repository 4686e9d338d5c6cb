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
 * One non-blocking socket registered with one loop: reads, writes, half-close, and the interest
 * set, which it changes only when an operation's interest really changes. Owned by its loop's
 * thread. Read and write return what the channel returns (-1 is end of stream); an
 * {@link IOException} means the peer is gone.
 */
public final class Connection {

    private final SocketChannel channel;
    private SelectionKey key;
    private int interest;
    private boolean outputShut;
    private String peer;

    public Connection(SocketChannel channel) {
        this.channel = channel;
    }

    /** Makes the channel non-blocking with Nagle off and registers it with {@code loop}. */
    public void register(EventLoop loop, IoHandler handler, int ops) throws IOException {
        channel.configureBlocking(false);
        channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, Boolean.TRUE);
        interest = ops;
        key = loop.register(channel, ops, handler);
    }

    /** Hands the connection's readiness to another handler (an idle upstream connection changing owner). */
    public void attach(IoHandler handler) {
        if (key != null) {
            key.attach(handler);
        }
    }

    /** Whether the connection has been closed by {@link #close()}. */
    public boolean isOpen() {
        return channel.isOpen();
    }

    public SocketChannel channel() {
        return channel;
    }

    public int read(ByteBuffer into) throws IOException {
        return channel.read(into);
    }

    public int write(ByteBuffer from) throws IOException {
        return channel.write(from);
    }

    /** Turns {@code op} ({@link SelectionKey#OP_READ} ...) on or off in the interest set. */
    public void interest(int op, boolean on) {
        int wanted = on ? interest | op : interest & ~op;
        if (wanted != interest && key != null && key.isValid()) {
            interest = wanted;
            key.interestOps(wanted);
        }
    }

    /** Sends FIN: the peer reads end of stream, and may still send to us. */
    public void shutdownOutput() throws IOException {
        if (!outputShut) {
            outputShut = true;
            channel.shutdownOutput();
        }
    }

    /** Closes the socket and forgets its key; safe to call twice. */
    public void close() {
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // the socket is gone either way
        }
    }

    /** The remote address as {@code ip:port}, computed once. */
    public String peer() {
        if (peer == null) {
            try {
                SocketAddress address = channel.getRemoteAddress();
                peer = address instanceof InetSocketAddress inet
                        ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
                        : String.valueOf(address);
            } catch (IOException e) {
                peer = "?";
            }
        }
        return peer;
    }
}
