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
 * <p>The handshake's CPU work (the engine's delegated tasks) runs on the loop group's handshake
 * workers; while it does, the loop leaves this engine alone and serves its other connections.
 *
 * <p>The records and their buffers are {@link TlsRecords}'s; an idle connection holds the engine
 * and no buffer. A failed handshake (bad hello, no certificate, protocol or
 * verification error, timeout) is reported to a server-side session through
 * {@link IoHandler#onFailure} and to a client-side one as an exception from
 * {@link #finishConnect()}.
 */
final class TlsTransport implements IoHandler {

    /** A fatal unrecognized_name alert, sent when no certificate serves the client's name. */
    private static final byte[] UNRECOGNIZED_NAME = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 112};
    /** Calls in a row to a session that keeps taking buffered plaintext before yielding the loop. */
    private static final int MAX_REDELIVERIES = 16;

    private final Connection connection;
    private final SocketChannel channel;
    private final EventLoop loop;
    private final ServerEngines engines;
    private final boolean client;
    private final TlsRecords records;
    private final Timer handshakeTimer = new Timer(this::onHandshakeTimeout);
    private final Runnable redeliverTask = this::redeliverLater;
    private final Runnable tasksAside = this::runTasksOnWorker;
    private final Runnable tasksDone = this::onTasksDone;
    private IoHandler app;
    private int appInterest;
    private boolean tcpConnected;
    private boolean handshaking = true;
    private boolean shutdownPending;
    private boolean redeliveryQueued;
    /** Whether the engine's delegated tasks run on a handshake worker: the loop leaves the engine alone. */
    private boolean tasksRunning;
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
        this.records = new TlsRecords(channel, loop.tlsBuffers(), false, null);
    }

    /** The client side of an upstream connection, with its engine (SNI, verification) made. */
    TlsTransport(Connection connection, EventLoop loop, SSLEngine engine) {
        this.connection = connection;
        this.channel = connection.channel();
        this.loop = loop;
        this.engines = null;
        this.client = true;
        this.records = new TlsRecords(channel, loop.tlsBuffers(), true, engine);
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
        return records.truncated();
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
        if (on && op == SelectionKey.OP_READ && !handshaking && records.bufferedInput()) {
            queueRedelivery();
        }
        updateInterest();
    }

    // ---- the session's side

    /** Starts connecting; true only when already connected and handshaken (never, in practice). */
    boolean connect(java.net.SocketAddress address) throws IOException {
        if (channel.connect(address)) {
            connection.writePreface();   // plain, before the ClientHello
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
            connection.writePreface();   // plain, before the ClientHello
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
        return handshaking ? 0 : records.read(into);
    }

    int write(ByteBuffer from) throws IOException {
        if (failure != null) {
            throw failure;
        }
        return handshaking ? 0 : records.write(from);
    }

    /** Writes waiting ciphertext; true when none is left. */
    boolean flush() throws IOException {
        return records.flush();
    }

    boolean flushed() {
        return records.flushed();
    }

    /** Sends close_notify after what is waiting, then FIN; the peer may still send. */
    void shutdownOutput() throws IOException {
        if (records.engine() == null || handshaking || failure != null) {
            channel.shutdownOutput();
            return;
        }
        shutdownPending = true;
        finishShutdown();
        updateInterest();
    }

    void close() {
        loop.timers().cancel(handshakeTimer);
        if (records.engine() != null && !handshaking && failure == null && !records.closeNotifyQueued()) {
            try {
                if (records.flush()) {
                    records.queueCloseNotify();
                    records.flush();
                }
            } catch (IOException | RuntimeException ignored) {
                // a courtesy to the peer only
            }
        }
        records.releaseAll();
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
                if (records.flush() && finishShutdown()) {
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

    // ---- the handshake

    private void onHandshakeReady(int readyOps) {
        try {
            if ((readyOps & SelectionKey.OP_WRITE) != 0) {
                records.flush();
            }
            if (!tasksRunning) {
                handshake();
            }
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
            records.engine().beginHandshake();
            handshake();
        } catch (IOException e) {
            failure = e;
            sendAlert();
        }
        updateInterest();
    }

    private void handshake() throws IOException {
        if (records.engine() == null && !chooseEngine()) {
            return;
        }
        SSLEngine engine = records.engine();
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> {
                    if (!records.flush()) {
                        return;
                    }
                    records.wrapHandshake();
                    if (!records.flush()) {
                        return;
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!records.unwrapHandshake()) {
                        return;
                    }
                }
                case NEED_TASK -> {
                    runTasksAside();
                    return;
                }
                default -> {
                    handshaking = false;
                    return;
                }
            }
        }
    }

    /** Server side: waits for the whole ClientHello, then asks for the engine its name needs. */
    private boolean chooseEngine() throws IOException {
        if (records.readNet() < 0) {
            throw new EOFException("closed before the TLS handshake");
        }
        ByteBuffer netIn = records.netIn();
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
        SSLEngine engine = engines.engineFor(serverName);
        if (engine == null) {
            try {
                channel.write(ByteBuffer.wrap(UNRECOGNIZED_NAME));
            } catch (IOException ignored) {
                // the handshake fails either way
            }
            throw new SSLException("no certificate for server name '" + hello.serverName() + "'");
        }
        records.engine(engine);
        engine.beginHandshake();
        return true;
    }

    /**
     * Hands the engine's delegated tasks (the handshake's key agreement, signature and
     * certificate checks) to the loop group's {@linkplain EventLoop#handshakeWorkers() handshake
     * workers}; the loop serves other connections meanwhile and goes on with this handshake in
     * {@link #onTasksDone}. A task's failure is kept by the engine and thrown by its next call.
     */
    private void runTasksAside() {
        tasksRunning = true;
        loop.handshakeWorkers().execute(tasksAside);
    }

    /** On a handshake worker; the engine was set on the loop before the hand-over, which publishes it. */
    private void runTasksOnWorker() {
        SSLEngine engine = records.engine();
        try {
            Runnable task;
            // A connection closed meanwhile (timed out, failed, the client gone) gets no more
            // of the workers' CPU: a burst of abandoned handshakes does not queue up work.
            while (connection.isOpen() && (task = engine.getDelegatedTask()) != null) {
                task.run();
            }
        } finally {
            loop.execute(tasksDone);
        }
    }

    private void onTasksDone() {
        tasksRunning = false;
        if (!connection.isOpen() || failure != null) {
            return;
        }
        try {
            onHandshakeReady(0);
        } catch (RuntimeException | Error e) {
            app.onFailure(e);
        }
    }

    private void handshakeDone() {
        loop.timers().cancel(handshakeTimer);
        records.releaseEmpty();
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
        if (records.engine() == null || tasksRunning) {
            return;   // no engine yet, or it is busy on a worker: the socket just closes
        }
        try {
            if (records.flush()) {
                records.queueCloseNotify();
                records.flush();
            }
        } catch (IOException | RuntimeException ignored) {
            // the connection is failing anyway
        }
    }

    // ---- delivery of buffered plaintext

    private void redeliver() {
        for (int i = 0; i < MAX_REDELIVERIES; i++) {
            if ((appInterest & SelectionKey.OP_READ) == 0 || !records.bufferedInput() || !connection.isOpen()) {
                return;
            }
            long before = records.bufferedBytes();
            app.onReady(SelectionKey.OP_READ);
            if (records.bufferedBytes() == before) {
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

    // ---- the socket

    private void updateInterest() {
        int ops;
        if (!tcpConnected) {
            ops = appInterest & SelectionKey.OP_CONNECT;
        } else if (failure != null) {
            ops = 0;
        } else if (handshaking && tasksRunning) {
            ops = records.flushed() ? 0 : SelectionKey.OP_WRITE;
        } else if (handshaking) {
            SSLEngine engine = records.engine();
            SSLEngineResult.HandshakeStatus status = engine == null ? null : engine.getHandshakeStatus();
            boolean unwrap = engine == null || status == SSLEngineResult.HandshakeStatus.NEED_UNWRAP
                    || status == SSLEngineResult.HandshakeStatus.NEED_UNWRAP_AGAIN;
            ops = (unwrap ? SelectionKey.OP_READ : 0) | (records.flushed() ? 0 : SelectionKey.OP_WRITE);
        } else {
            ops = appInterest & SelectionKey.OP_READ;
            if ((appInterest & SelectionKey.OP_WRITE) != 0 || !records.flushed() || shutdownPending) {
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
        if (!records.flush()) {
            return false;
        }
        if (!records.closeNotifyQueued()) {
            records.queueCloseNotify();
            if (!records.flush()) {
                return false;
            }
        }
        shutdownPending = false;
        channel.shutdownOutput();
        return true;
    }
}
