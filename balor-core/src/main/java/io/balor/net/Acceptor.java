package io.balor.net;

import io.balor.log.EventLogger;
import io.balor.loop.EventLoop;
import io.balor.loop.IoHandler;
import io.balor.loop.Timer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listening socket, registered with one loop (its accept loop), that accepts connections and
 * hands each to a {@link Dispatcher}. It enforces the listener's connection limit as HAProxy's
 * {@code maxconn} does: at the limit it stops accepting, so new clients wait in the kernel's
 * backlog instead of being reset, and it starts again when a session ends.
 *
 * <h2>When accepting fails</h2>
 * An accept fails mostly for want of a file descriptor ({@code EMFILE}, {@code ENFILE}). Then the
 * listener stops accepting for {@link #ACCEPT_ERROR_BACKOFF_NANOS} (as nginx and HAProxy pause
 * theirs, instead of spinning on a socket that stays ready), gives the process's
 * {@link DescriptorReserve} back so the admin API and health probes can still open one, and tries
 * again until the reserve is whole again and an accept works. One WARNING says so at the start of
 * such a burst and one INFO at its end, with the count of failed attempts
 * ({@link #acceptErrors()} counts them all).
 *
 * <p>Threads: accepting, pausing and resuming run on the accept loop. {@link #sessionEnded()} is
 * called from whichever loop ran the session; the pause/resume hand-shake is explained there.
 * The counters are readable from any thread.
 */
public final class Acceptor implements IoHandler {

    /** Receives accepted sockets on the accept loop; must not block. */
    public interface Dispatcher {
        void dispatch(Acceptor acceptor, SocketChannel channel);
    }

    private static final int ACCEPTS_PER_WAKEUP = 64;
    private static final long ACCEPT_ERROR_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final EventLogger LOG = EventLogger.of("listener", Acceptor.class.getName());

    private final ServerSocketChannel server;
    private final InetSocketAddress localAddress;
    /** {@code 127.0.0.1:80} or {@code [::1]:80}, for log lines. */
    private final String described;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicBoolean resumeQueued = new AtomicBoolean();
    private final Runnable resumeTask = this::resume;
    private final Timer backoff = new Timer(this::retryAfterError);
    private volatile int maxConnections;
    private volatile boolean paused;
    private volatile long accepted;
    private volatile long acceptErrors;
    /** Failed accepts in the current burst (0: none), its start time and whether the backoff runs; accept loop only. */
    private long burstFailures;
    private long burstStart;
    private boolean backingOff;
    private volatile EventLoop loop;
    private Dispatcher dispatcher;
    private SelectionKey key;
    private boolean closed;

    private Acceptor(ServerSocketChannel server) throws IOException {
        this.server = server;
        this.localAddress = (InetSocketAddress) server.getLocalAddress();
        String ip = localAddress.getAddress().getHostAddress();
        this.described = (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + localAddress.getPort();
    }

    /** Binds {@code address} now (on the caller's thread), so a bind error reaches the caller. */
    public static Acceptor bind(InetSocketAddress address, int backlog) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, Boolean.TRUE);
            server.bind(address, backlog);
            server.configureBlocking(false);
            return new Acceptor(server);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Starts accepting on {@code acceptLoop}. Any thread; call once. */
    public void start(EventLoop acceptLoop, Dispatcher target) {
        this.loop = acceptLoop;
        this.dispatcher = target;
        acceptLoop.execute(() -> {
            try {
                key = acceptLoop.register(server, SelectionKey.OP_ACCEPT, this);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot register listener " + described, e);
            }
        });
    }

    /** 0 means no limit. Any thread; applies to the next accept. */
    public void maxConnections(int value) {
        maxConnections = value;
        if (loop != null) {
            loop.execute(resumeTask);
        }
    }

    @Override
    public void onReady(int readyOps) {
        for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
            if (atLimit()) {
                pause();
                return;
            }
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                acceptFailed(e);
                return;
            }
            if (burstFailures > 0) {
                burstEnded();
            }
            if (channel == null) {
                return;
            }
            active.incrementAndGet();
            accepted++;
            dispatcher.dispatch(this, channel);
        }
    }

    @Override
    public void onFailure(Throwable cause) {
        LOG.log(System.Logger.Level.ERROR, "listener " + described + " failed", cause);
    }

    /**
     * A session of this listener ended. Any loop.
     *
     * <p>The accept loop sets {@code paused} before it checks the count once more, and this
     * method lowers the count before it reads {@code paused}; both are volatile, so at least one
     * of the two sees the other's write and the listener cannot stay paused below its limit.
     */
    public void sessionEnded() {
        active.decrementAndGet();
        if (paused && resumeQueued.compareAndSet(false, true)) {
            loop.execute(resumeTask);
        }
    }

    /**
     * Stops accepting and closes the socket. Runs on the accept loop; any thread may call it.
     * The future completes once the port is free again: a registered channel's socket is only
     * released when its selector next selects, so completion waits for one more iteration.
     */
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> released = new CompletableFuture<>();
        if (loop == null || loop.dead()) {
            // Never started, or its loop died (the key went with the selector): nothing else to wait for.
            closed = true;
            closeSocket();
            released.complete(null);
            return released;
        }
        loop.execute(() -> {
            closed = true;
            loop.timers().cancel(backoff);
            if (key != null) {
                key.cancel();
            }
            closeSocket();
            loop.afterNextSelect(() -> released.complete(null));
        });
        return released;
    }

    public InetSocketAddress localAddress() {
        return localAddress;
    }

    public long accepted() {
        return accepted;
    }

    public int active() {
        return active.get();
    }

    public boolean paused() {
        return paused || dead();
    }

    /** Whether the loop this listener accepts on has died: it accepts nothing more. Any thread. */
    public boolean dead() {
        EventLoop accepting = loop;
        return accepting != null && accepting.dead();
    }

    /** Failed accepts since the listener was bound (descriptors exhausted, typically). */
    public long acceptErrors() {
        return acceptErrors;
    }

    /** Stops accepting for a while; the first failure of a burst frees the descriptor reserve and says so. */
    private void acceptFailed(IOException e) {
        acceptErrors++;
        if (burstFailures++ == 0) {
            burstStart = loop.now();
            int freed = DescriptorReserve.process().release();
            LOG.log(System.Logger.Level.WARNING, "accept on " + described + " failed: " + e.getMessage()
                    + "; not accepting, trying again every " + TimeUnit.NANOSECONDS.toMillis(ACCEPT_ERROR_BACKOFF_NANOS)
                    + " ms" + (freed > 0 ? "; " + freed + " spare descriptors freed for the admin API and health checks" : ""));
        }
        paused = true;
        backingOff = true;
        key.interestOps(0);
        loop.timers().schedule(backoff, loop.now() + ACCEPT_ERROR_BACKOFF_NANOS);
    }

    /** The backoff timer: accept again once the descriptor reserve is whole, else wait another round. */
    private void retryAfterError() {
        if (closed) {
            return;
        }
        if (!DescriptorReserve.process().refill()) {
            loop.timers().schedule(backoff, loop.now() + ACCEPT_ERROR_BACKOFF_NANOS);
            return;
        }
        backingOff = false;
        resume();
    }

    private void burstEnded() {
        LOG.log(System.Logger.Level.INFO, "accept on " + described + " works again after " + burstFailures
                + " failed accepts in " + TimeUnit.NANOSECONDS.toMillis(loop.now() - burstStart) + " ms");
        burstFailures = 0;
    }

    private boolean atLimit() {
        int max = maxConnections;
        return max > 0 && active.get() >= max;
    }

    private void pause() {
        paused = true;
        key.interestOps(0);
        if (!atLimit()) {
            resume();
        }
    }

    private void resume() {
        resumeQueued.set(false);
        if (closed || backingOff || key == null || !key.isValid() || atLimit()) {
            return;
        }
        paused = false;
        key.interestOps(SelectionKey.OP_ACCEPT);
    }

    private void closeSocket() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing: nothing more to do
        }
    }
}
