package io.balor.net;

import io.balor.buffer.BufferPool;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The record layer under a {@link TlsTransport}: the ciphertext read from the socket and not
 * yet unwrapped, the ciphertext wrapped and not yet written, plaintext unwrapped and not yet
 * taken, and the {@link SSLEngine} calls between them. Each buffer is taken from the loop's pool
 * when bytes must wait in it and given back when it is empty, so an idle connection holds none.
 * Owned by the connection's loop thread.
 */
final class TlsRecords {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final BufferPool pool;
    private final boolean client;
    private SSLEngine engine;
    private ByteBuffer netIn;
    private ByteBuffer netOut;
    /** Plaintext unwrapped but not yet taken, in read mode, or null. */
    private ByteBuffer plainIn;
    private boolean eof;
    private boolean inboundClosed;
    private boolean endReported;
    private boolean closeNotifyQueued;

    TlsRecords(SocketChannel channel, BufferPool pool, boolean client, SSLEngine engine) {
        this.channel = channel;
        this.pool = pool;
        this.client = client;
        this.engine = engine;
    }

    SSLEngine engine() {
        return engine;
    }

    void engine(SSLEngine value) {
        engine = value;
    }

    /** Ciphertext received and not yet unwrapped ({@code [0, position)}), or null. */
    ByteBuffer netIn() {
        return netIn;
    }

    /** Whether the end of stream came without the peer's close_notify. */
    boolean truncated() {
        return eof && !inboundClosed;
    }

    boolean closeNotifyQueued() {
        return closeNotifyQueued;
    }

    // ---- application data

    /** Plaintext into {@code into}: the count, 0 when none is ready, -1 at the end. */
    int read(ByteBuffer into) throws IOException {
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

    /** Wraps plaintext from {@code from} as long as the socket takes the records; the count taken. */
    int write(ByteBuffer from) throws IOException {
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

    /** Whether plaintext, a whole record or an unreported end waits here (the socket may not be readable). */
    boolean bufferedInput() {
        return plainIn != null || completeRecord() || ((eof || inboundClosed) && !endReported);
    }

    /** A measure that changes whenever the session takes something buffered. */
    long bufferedBytes() {
        return (plainIn == null ? 0 : plainIn.remaining()) + (netIn == null ? 0 : netIn.position())
                + (endReported ? 1L << 40 : 0);
    }

    // ---- handshake records

    /** One handshake unwrap; false when more bytes must come from the socket first. */
    boolean unwrapHandshake() throws IOException {
        if (!completeRecord()) {
            if (readNet() < 0) {
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

    /** Wraps the engine's next handshake message. */
    void wrapHandshake() throws IOException {
        afterOperation(wrap(EMPTY));
    }

    /**
     * Runs the engine's delegated tasks inline: only for what an established connection's
     * records ask (a key update, a session ticket), which is cheap. The handshake's own tasks
     * run on the handshake workers ({@link TlsTransport}).
     */
    void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** Wraps close_notify (or, after a failure, the engine's alert) after what waits. */
    void queueCloseNotify() throws IOException {
        closeNotifyQueued = true;
        engine.closeOutbound();
        while (!engine.isOutboundDone()) {
            if (wrap(EMPTY).bytesProduced() == 0) {
                return;
            }
        }
    }

    /** Reads from the socket into {@code netIn}: the count, 0, or -1 at end of stream. */
    int readNet() throws IOException {
        if (eof) {
            return -1;
        }
        if (netIn == null) {
            netIn = pool.acquire();
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

    void releaseEmpty() {
        if (plainIn != null && !plainIn.hasRemaining()) {
            plainIn = release(plainIn);
        }
        if (netIn != null && netIn.position() == 0) {
            netIn = release(netIn);
        }
    }

    void releaseAll() {
        plainIn = release(plainIn);
        netIn = release(netIn);
        netOut = release(netOut);
    }

    // ---- engine calls

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
            plainIn = pool.acquire();
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
            netOut = pool.acquire();
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
        if (status == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
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

    private ByteBuffer release(ByteBuffer buffer) {
        if (buffer != null) {
            pool.release(buffer);
        }
        return null;
    }
}
