package io.balor.loop;

import io.balor.buffer.BufferPool;
import io.balor.time.Ticker;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The event loops of one Balor. Created and shut down by the supervisor; the loops themselves
 * are reached by index. Thread-safe.
 */
public final class LoopGroup {

    private final EventLoop[] loops;
    /** The group's own handshake workers, or null when the caller gave the executor. */
    private final HandshakeWorkers ownWorkers;

    /**
     * Starts {@code count} loops, each with its own buffer pool.
     *
     * @param bufferSize    bytes per pooled buffer
     * @param pooledBuffers free buffers each loop keeps
     */
    public LoopGroup(int count, Ticker ticker, int bufferSize, int pooledBuffers) {
        this(count, ticker, bufferSize, pooledBuffers, null);
    }

    /**
     * As above, with the executor of the TLS handshakes' CPU work; null for the group's own
     * {@link HandshakeWorkers}, one thread per processor (tests pass one that holds the work).
     */
    public LoopGroup(int count, Ticker ticker, int bufferSize, int pooledBuffers, Executor handshakeWorkers) {
        ownWorkers = handshakeWorkers == null
                ? new HandshakeWorkers(Runtime.getRuntime().availableProcessors()) : null;
        Executor workers = handshakeWorkers == null ? ownWorkers : handshakeWorkers;
        loops = new EventLoop[count];
        for (int i = 0; i < count; i++) {
            loops[i] = new EventLoop(i, ticker, new BufferPool(bufferSize, pooledBuffers), workers,
                    "balor-loop-" + i);
        }
        for (EventLoop loop : loops) {
            loop.start();
        }
    }

    public int size() {
        return loops.length;
    }

    public EventLoop get(int index) {
        return loops[index];
    }

    /** What each loop is doing ({@link EventLoop#health}), in loop order. Any thread. */
    public List<io.balor.LoopHealth> health(long nowNanos, long stallNanos) {
        io.balor.LoopHealth[] all = new io.balor.LoopHealth[loops.length];
        for (EventLoop loop : loops) {
            all[loop.index()] = loop.health(nowNanos, stallNanos);
        }
        return List.of(all);
    }

    /**
     * Runs {@code task} on every loop and returns the futures of their answers, in loop order.
     * The caller decides how long to wait. A {@linkplain EventLoop#dead() dead} loop's future
     * fails at once with an {@link IllegalStateException} naming it.
     */
    public <T> List<CompletableFuture<T>> onEach(Function<EventLoop, T> task) {
        CompletableFuture<?>[] futures = new CompletableFuture<?>[loops.length];
        for (EventLoop loop : loops) {
            CompletableFuture<T> future = new CompletableFuture<>();
            futures[loop.index()] = future;
            if (loop.dead()) {
                future.completeExceptionally(new IllegalStateException("event loop " + loop.index() + " is dead"));
                continue;
            }
            loop.execute(() -> {
                try {
                    future.complete(task.apply(loop));
                } catch (Throwable e) {
                    future.completeExceptionally(e);
                }
            });
        }
        @SuppressWarnings("unchecked")
        List<CompletableFuture<T>> list = (List<CompletableFuture<T>>) (List<?>) List.of(futures);
        return list;
    }

    /** Stops every loop and waits for its thread to end, up to {@code millis} in all. */
    public void shutdown(long millis) {
        for (EventLoop loop : loops) {
            loop.shutdown();
        }
        if (ownWorkers != null) {
            ownWorkers.shutdown();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            for (EventLoop loop : loops) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left > 0) {
                    loop.awaitTermination(left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
