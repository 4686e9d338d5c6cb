package io.balor.loop;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run the CPU work of TLS handshakes (the {@code SSLEngine}'s delegated tasks:
 * key agreement, signatures, certificate checks) away from the event loops, so that a burst of
 * new connections does not stop the loop from serving the established ones. A JDK handshake
 * costs a millisecond or more of CPU: sixty-four of them inline would hold a loop for a tenth
 * of a second, which every request on that loop would wait through.
 *
 * <p>One per {@link LoopGroup}, shared by its loops; as many threads as the machine has
 * processors, started when work comes and ended after {@link #IDLE_SECONDS} without any, so an
 * idle Balor has none. A connection has at most one task batch here at a time, so the queue is
 * bounded by the number of connections in their handshake. Thread-safe.
 */
public final class HandshakeWorkers implements Executor {

    /** How long an idle worker thread lives. */
    private static final int IDLE_SECONDS = 30;

    private final ThreadPoolExecutor pool;

    public HandshakeWorkers(int threads) {
        AtomicInteger number = new AtomicInteger();
        pool = new ThreadPoolExecutor(threads, threads, IDLE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), work -> {
                    Thread thread = new Thread(work, "balor-handshake-" + number.getAndIncrement());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code work} on a worker thread; after {@link #shutdown} it is not run at all. */
    @Override
    public void execute(Runnable work) {
        if (!pool.isShutdown()) {
            try {
                pool.execute(work);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // shut down between the check and the call: the connections are closing
            }
        }
    }

    /** Drops queued work and interrupts what runs; the connections waiting on it are being closed. */
    void shutdown() {
        pool.shutdownNow();
    }
}
