package io.balor.net;

import io.balor.loop.EventLoop;
import io.balor.loop.IoHandler;
import io.balor.loop.Timer;
import io.balor.tls.ClientHelloPeeker;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * TLS on one {@link Connection}: an {@link SSLEngine} driven by the socket's readiness, never a
 * blocking handshake. Owned by the connection's loop thread.
 *
 * <p>The session above reads and writes plaintext and asks for read or write interest as it
 * would on a plain socket. The transport sits between the selector and the session: during the
 * handshake it reads and writes for itself (on the server side it first peeks at the
 * ClientHello to choose the certificate by SNI); afterwards the socket is read when the session
 * wants to read, and written when the session wants to or ciphertext is still waiting. One
 * socket read can bring several records, so plaintext can be ready while the socket is not: the
 * transport then calls the session again itself. Ciphertext the socket did not take stays here
 * and is written when it can be; {@link #flushed()} tells a session that wants to close after
 * its last byte whether that byte has really left.
 *
 * <p>Buffers (pooled, per loop) are held only while bytes wait in them, so an idle connection
 * holds the engine and nothing else. A failed handshake (bad hello, no certificate, protocol or
 * verification error, timeout) is reported to a server-side session through
 * {@link IoHandler#onFailure} and to a client-side one as an exception from
 * {@link #finishConnect()}.
 */
final class TlsTransport implements IoHandler {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** A fatal unrecognized_name alert, sent when no certificate serves the client's name. */
    private static final byte[] UNRECOGNIZED_NAME = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 112};
    /** Calls in a row to a session that keeps taking buffered plaintext before yielding the loop. */
    private static final int MAX_REDELIVERIES = 16;

    private final Connection connection;
    private final SocketChannel channel;
    private final EventLoop loop;
    private final ServerEngines engines;
    private final boolean client;
    private final Timer handshakeTimer = new Timer(this::onHandshakeTimeout);
    private final Runnable redeliverTask = this::redeliverLater;
    private SSLEngine engine;
    private IoHandler app;
    private int appInterest;
    private ByteBuffer netIn;
    private ByteBuffer netOut;
    /** Plaintext unwrapped but not yet taken, in read mode, or null. */
    private ByteBuffer plainIn;
    private boolean tcpConnected;
    private boolean handshaking = true;
    private boolean eof;
    private boolean inboundClosed;
    private boolean endReported;
    private boolean shutdownPending;
    private boolean closeNotifyQueued;
    private boolean redeliveryQueued;
    private IOException failure;
    /** Server side: the name the ClientHello asked for, or null. */
    private String serverName;

    /** The server side of an accepted connection: the engine is made once the ClientHello is in. */
    TlsTransport(Connection connection, EventLoop loop, ServerEngines engines) {
        this.connection = connection;
        this.channel = connection.channel();
        this.loop = loop;
        this.engines = engines;
        this.client = false;
        this.tcpConnected = true;
    }

    /** The client side of an upstream connection, with its engine (SNI, verification) made. */
    TlsTransport(Connection connection, EventLoop loop, SSLEngine engine) {
        this.connection = connection;
        this.channel = connection.channel();
        this.loop = loop;
        this.engines = null;
        this.client = true;
        this.engine = engine;
    }

    void registered(IoHandler handler, int ops) {
        app = handler;
        appInterest = ops;
        if (!client) {
            loop.timers().schedule(handshakeTimer, loop.now() + engines.handshakeTimeoutNanos());
        }
        updateInterest();
    }

    String serverName() {
        return serverName;
    }

    boolean truncated() {
        return eof && !inboundClosed;
    }

    void attach(IoHandler handler) {
        app = handler;
    }

    void interest(int op, boolean on) {
        int before = appInterest;
        appInterest = on ? appInterest | op : appInterest & ~op;
        if (appInterest == before) {
            return;
        }
        if (on && op == SelectionKey.OP_READ && !handshaking && bufferedInput()) {
            queueRedelivery();
        }
        updateInterest();
    }

    // ---- the session's side

    /** Starts connecting; true only when already connected and handshaken (never, in practice). */
    boolean connect(java.net.SocketAddress address) throws IOException {
        if (channel.connect(address)) {
            startClientHandshake();
        }
        return false;
    }

    /** Whether the TCP connect and the handshake are both done; throws if either failed. */
    boolean finishConnect() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (!tcpConnected) {
            if (!channel.finishConnect()) {
                return false;
            }
            startClientHandshake();
            if (failure != null) {
                throw failure;
            }
        }
        return !handshaking;
    }

    int read(ByteBuffer into) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (handshaking) {
            return 0;
        }
        int produced = drainPlain(into);
        boolean readSocket = false;
        while (plainIn == null && into.hasRemaining() && !inboundClosed) {
            if (!completeRecord()) {
                if (readSocket || eof) {
                    break;
                }
                readSocket = true;
                if (readNet() <= 0) {
                    break;
                }
                continue;
            }
            SSLEngineResult result = unwrap(into);
            switch (result.getStatus()) {
                case OK -> {
                    produced += result.bytesProduced();
                    refuseRenegotiation(result);
                    afterOperation(result);
                }
                case BUFFER_OVERFLOW -> {
                    if (produced > 0) {
                        return produced;   // the rest waits for the session's next read
                    }
                    afterOperation(unwrapToStage());
                    produced += drainPlain(into);
                }
                case CLOSED -> {
                    inboundClosed = true;
                    afterOperation(result);
                }
                default -> throw new SSLException("TLS record could not be read: " + result);
            }
        }
        releaseEmpty();
        if (produced > 0) {
            return produced;
        }
        if ((eof && !completeRecord()) || inboundClosed) {
            endReported = true;
            return -1;
        }
        return 0;
    }

    int write(ByteBuffer from) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (handshaking) {
            return 0;
        }
        int consumed = 0;
        while (from.hasRemaining() && flush()) {
            SSLEngineResult result = wrap(from);
            if (result.getStatus() != SSLEngineResult.Status.OK) {
                throw new IOException("TLS output closed: " + result.getStatus());
            }
            consumed += result.bytesConsumed();
            afterOperation(result);
        }
        flush();
        return consumed;
    }

    /** Writes waiting ciphertext; true when none is left. */
    boolean flush() throws IOException {
        if (netOut == null) {
            return true;
        }
        if (netOut.position() > 0) {
            netOut.flip();
            channel.write(netOut);
            netOut.compact();
        }
        if (netOut.position() == 0) {
            netOut = release(netOut);
            return true;
        }
        return false;
    }

    boolean flushed() {
        return netOut == null;
    }

    /** Sends close_notify after what is waiting, then FIN; the peer may still send. */
    void shutdownOutput() throws IOException {
        if (engine == null || handshaking || failure != null) {
            channel.shutdownOutput();
            return;
        }
        shutdownPending = true;
        finishShutdown();
        updateInterest();
    }

    void close() {
        loop.timers().cancel(handshakeTimer);
        if (engine != null && !handshaking && failure == null && !closeNotifyQueued) {
            try {
                if (flush()) {
                    queueCloseNotify();
                    flush();
                }
            } catch (IOException | RuntimeException ignored) {
                // a courtesy to the peer only
            }
        }
        plainIn = release(plainIn);
        netIn = release(netIn);
        netOut = release(netOut);
    }

    // ---- readiness

    @Override
    public void onReady(int readyOps) {
        if (!tcpConnected) {
            app.onReady(readyOps);   // the session finishes its connect through finishConnect()
            return;
        }
        if (handshaking) {
            onHandshakeReady(readyOps);
            return;
        }
        int deliver = 0;
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            try {
                if (flush() && finishShutdown()) {
                    deliver |= appInterest & SelectionKey.OP_WRITE;
                }
            } catch (IOException e) {
                deliver |= appInterest & SelectionKey.OP_WRITE;   // the session's next write meets it
            }
        }
        if ((readyOps & SelectionKey.OP_READ) != 0) {
            deliver |= appInterest & SelectionKey.OP_READ;
        }
        if (deliver != 0) {
            app.onReady(deliver);
        }
        redeliver();
        updateInterest();
    }

    @Override
    public void onFailure(Throwable cause) {
        app.onFailure(cause);
    }

    private void onHandshakeReady(int readyOps) {
        try {
            if ((readyOps & SelectionKey.OP_WRITE) != 0) {
                flush();
            }
            handshake();
        } catch (IOException e) {
            fail(e);
            return;
        }
        if (handshaking) {
            updateInterest();
        } else {
            handshakeDone();
        }
    }

    private void startClientHandshake() throws IOException {
        tcpConnected = true;
        try {
            engine.beginHandshake();
            handshake();
        } catch (IOException e) {
            failure = e;
            sendAlert();
        }
        updateInterest();
    }

    private void handshake() throws IOException {
        if (engine == null && !chooseEngine()) {
            return;
        }
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> {
                    if (!flush()) {
                        return;
                    }
                    afterOperation(wrap(EMPTY));
                    if (!flush()) {
                        return;
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrapHandshake()) {
                        return;
                    }
                }
                case NEED_TASK -> runTasks();
                default -> {
                    handshaking = false;
                    return;
                }
            }
        }
    }

    /** Server side: waits for the whole ClientHello, then asks for the engine its name needs. */
    private boolean chooseEngine() throws IOException {
        if (readNet() < 0) {
            throw new EOFException("closed before the TLS handshake");
        }
        if (netIn == null) {
            return false;
        }
        ClientHelloPeeker.Result hello = ClientHelloPeeker.peek(netIn, 0, netIn.position());
        switch (hello.status()) {
            case INCOMPLETE -> {
                if (!netIn.hasRemaining()) {
                    throw new SSLException("TLS ClientHello too large");
                }
                return false;
            }
            case NOT_TLS, INVALID -> throw new SSLException("not a TLS ClientHello");
            default -> { }
        }
        serverName = hello.serverName();
        engine = engines.engineFor(serverName);
        if (engine == null) {
            try {
                channel.write(ByteBuffer.wrap(UNRECOGNIZED_NAME));
            } catch (IOException ignored) {
                // the handshake fails either way
            }
            throw new SSLException("no certificate for server name '" + hello.serverName() + "'");
        }
        engine.beginHandshake();
        return true;
    }

    /** One handshake unwrap; false when more bytes must come from the socket first. */
    private boolean unwrapHandshake() throws IOException {
        if (!completeRecord()) {
            int n = readNet();
            if (n < 0) {
                throw new EOFException("closed during the TLS handshake");
            }
            if (!completeRecord()) {
                return false;
            }
        }
        SSLEngineResult result = unwrapToStage();
        if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new SSLException("peer closed during the TLS handshake");
        }
        if (result.getStatus() != SSLEngineResult.Status.OK) {
            throw new SSLException("TLS handshake record could not be read: " + result);
        }
        return true;
    }

    private void handshakeDone() {
        loop.timers().cancel(handshakeTimer);
        releaseEmpty();
        if (client || (appInterest & SelectionKey.OP_CONNECT) != 0) {
            // The client side's finishConnect() now answers true; a server-side handler that
            // asked for OP_CONNECT learns that the handshake is done (and serverName() known).
            app.onReady(SelectionKey.OP_CONNECT);
        }
        redeliver();
        updateInterest();
    }

    private void onHandshakeTimeout() {
        if (handshaking && failure == null && connection.isOpen()) {
            fail(new SSLException("TLS handshake timed out"));
        }
    }

    private void fail(IOException cause) {
        failure = cause;
        loop.timers().cancel(handshakeTimer);
        sendAlert();
        if (client) {
            app.onReady(SelectionKey.OP_CONNECT);   // finishConnect() throws the cause
        } else {
            app.onFailure(cause);
        }
    }

    /** After a failure the engine may hold an alert for the peer: one attempt to send it. */
    private void sendAlert() {
        if (engine == null) {
            return;
        }
        try {
            engine.closeOutbound();
            if (flush()) {
                wrap(EMPTY);
                flush();
            }
        } catch (IOException | RuntimeException ignored) {
            // the connection is failing anyway
        }
    }

    // ---- delivery of buffered plaintext

    private void redeliver() {
        for (int i = 0; i < MAX_REDELIVERIES; i++) {
            if ((appInterest & SelectionKey.OP_READ) == 0 || !bufferedInput() || !connection.isOpen()) {
                return;
            }
            long before = bufferedBytes();
            app.onReady(SelectionKey.OP_READ);
            if (bufferedBytes() == before && !endReported) {
                return;   // the session took nothing: it asks again by turning reading back on
            }
        }
        queueRedelivery();
    }

    private void queueRedelivery() {
        if (!redeliveryQueued) {
            redeliveryQueued = true;
            loop.execute(redeliverTask);
        }
    }

    private void redeliverLater() {
        redeliveryQueued = false;
        if (!connection.isOpen() || handshaking) {
            return;
        }
        try {
            redeliver();
            updateInterest();
        } catch (RuntimeException | Error e) {
            app.onFailure(e);
        }
    }

    private boolean bufferedInput() {
        return plainIn != null || completeRecord() || ((eof || inboundClosed) && !endReported);
    }

    private long bufferedBytes() {
        return (plainIn == null ? 0 : plainIn.remaining()) + (netIn == null ? 0 : netIn.position())
                + (endReported ? 1L << 40 : 0);
    }

    // ---- engine and socket operations

    private void updateInterest() {
        int ops;
        if (!tcpConnected) {
            ops = appInterest & SelectionKey.OP_CONNECT;
        } else if (failure != null) {
            ops = 0;
        } else if (handshaking) {
            SSLEngineResult.HandshakeStatus status = engine == null ? null : engine.getHandshakeStatus();
            boolean unwrap = engine == null || status == SSLEngineResult.HandshakeStatus.NEED_UNWRAP
                    || status == SSLEngineResult.HandshakeStatus.NEED_UNWRAP_AGAIN;
            ops = (unwrap ? SelectionKey.OP_READ : 0) | (netOut != null ? SelectionKey.OP_WRITE : 0);
        } else {
            ops = appInterest & SelectionKey.OP_READ;
            if ((appInterest & SelectionKey.OP_WRITE) != 0 || netOut != null || shutdownPending) {
                ops |= SelectionKey.OP_WRITE;
            }
        }
        connection.socketInterest(ops);
    }

    /** Sends close_notify and FIN once the waiting ciphertext is out; true when done or not asked. */
    private boolean finishShutdown() throws IOException {
        if (!shutdownPending) {
            return true;
        }
        if (!flush()) {
            return false;
        }
        if (!closeNotifyQueued) {
            queueCloseNotify();
            if (!flush()) {
                return false;
            }
        }
        shutdownPending = false;
        channel.shutdownOutput();
        return true;
    }

    private void queueCloseNotify() throws IOException {
        closeNotifyQueued = true;
        engine.closeOutbound();
        while (!engine.isOutboundDone()) {
            if (wrap(EMPTY).bytesProduced() == 0) {
                return;
            }
        }
    }

    /** Reads from the socket into {@code netIn}: the count, 0, or -1 at end of stream. */
    private int readNet() throws IOException {
        if (eof) {
            return -1;
        }
        if (netIn == null) {
            netIn = loop.tlsBuffers().acquire();
        }
        int n = channel.read(netIn);
        if (n < 0) {
            eof = true;
        }
        if (netIn.position() == 0) {
            netIn = release(netIn);
        }
        return n;
    }

    /** Whether {@code netIn} starts with a whole TLS record. */
    private boolean completeRecord() {
        if (netIn == null || netIn.position() < 5) {
            return false;
        }
        int length = (netIn.get(3) & 0xff) << 8 | (netIn.get(4) & 0xff);
        return netIn.position() >= 5 + length;
    }

    private SSLEngineResult unwrap(ByteBuffer into) throws IOException {
        netIn.flip();
        try {
            return engine.unwrap(netIn, into);
        } finally {
            netIn.compact();
        }
    }

    /** Unwraps one record into {@code plainIn} (for handshake records, or a session buffer too small). */
    private SSLEngineResult unwrapToStage() throws IOException {
        if (plainIn == null) {
            plainIn = loop.tlsBuffers().acquire();
        } else {
            plainIn.compact();
        }
        SSLEngineResult result;
        try {
            result = unwrap(plainIn);
        } finally {
            plainIn.flip();
        }
        if (!plainIn.hasRemaining()) {
            plainIn = release(plainIn);
        }
        return result;
    }

    private int drainPlain(ByteBuffer into) {
        if (plainIn == null) {
            return 0;
        }
        int n = Math.min(plainIn.remaining(), into.remaining());
        into.put(into.position(), plainIn, plainIn.position(), n);
        into.position(into.position() + n);
        plainIn.position(plainIn.position() + n);
        if (!plainIn.hasRemaining()) {
            plainIn = release(plainIn);
        }
        return n;
    }

    private SSLEngineResult wrap(ByteBuffer from) throws IOException {
        if (netOut == null) {
            netOut = loop.tlsBuffers().acquire();
        }
        SSLEngineResult result = engine.wrap(from, netOut);
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            throw new SSLException("TLS record larger than the output buffer");
        }
        return result;
    }

    /** Post-handshake work a record can ask for (a key update, a close_notify answer, a task). */
    private void afterOperation(SSLEngineResult result) throws IOException {
        SSLEngineResult.HandshakeStatus status = result.getHandshakeStatus();
        if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            runTasks();
            status = engine.getHandshakeStatus();
        }
        if (!handshaking && status == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
            while (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP && flush()) {
                if (wrap(EMPTY).bytesProduced() == 0) {
                    break;
                }
            }
            flush();
        }
    }

    /**
     * A TLS 1.2 client asking for a new handshake on an established connection is refused, as
     * nginx and HAProxy do: it would let one client make the server repeat costly handshakes.
     * (TLS 1.3 has no renegotiation; its key updates pass.)
     */
    private void refuseRenegotiation(SSLEngineResult result) throws SSLException {
        SSLEngineResult.HandshakeStatus status = result.getHandshakeStatus();
        if (!client && status != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                && status != SSLEngineResult.HandshakeStatus.FINISHED
                && "TLSv1.2".equals(engine.getSession().getProtocol())) {
            throw new SSLException("TLS renegotiation refused");
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();   // CPU work of the handshake (signatures, key agreement): done inline
        }
    }

    private void releaseEmpty() {
        if (plainIn != null && !plainIn.hasRemaining()) {
            plainIn = release(plainIn);
        }
        if (netIn != null && netIn.position() == 0) {
            netIn = release(netIn);
        }
    }

    private ByteBuffer release(ByteBuffer buffer) {
        if (buffer != null) {
            buffer.clear();
            loop.tlsBuffers().release(buffer);
        }
        return null;
    }
}
