package io.balor.loop;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EventLoop}: nothing a task, a timer or a handler throws may end the
 * loop thread, because every session on it would be stranded (never closed, never counted as
 * ended by its acceptor) and every later {@code execute} would be silently dropped.
 */
class EventLoopFailureTest extends OneLoopTest {


    /** Runs {@code task} on the loop and waits (with a deadline) for it to finish. */
    private boolean runsWithin(Runnable task, long seconds) throws Exception {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        loop.execute(() -> {
            task.run();
            done.complete(true);
        });
        try {
            return done.get(seconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    @Test
    void aTimerTaskThatThrowsDoesNotKillTheLoop() throws Exception {
        // timers.expire(now) is called outside any try/catch in EventLoop.run (line 144).
        assertTrue(runsWithin(() -> loop.timers().schedule(new Timer(() -> {
            throw new IllegalStateException("a timer task failed");
        }), loop.now()), 5));
        ticker.advance(Duration.ofSeconds(1));
        assertTrue(runsWithin(() -> { }, 5), "wakes the loop so that it expires the failing timer");

        assertTrue(runsWithin(() -> { }, 5), "the loop must still run tasks after a timer threw");
    }

    @Test
    void anErrorThrownByATaskDoesNotKillTheLoop() throws Exception {
        // runTasks catches RuntimeException only; ByteBuffer.allocateDirect (BufferPool.acquire)
        // throws OutOfMemoryError("Direct buffer memory") under memory pressure, which then ends
        // the thread with every session of the loop still open.
        loop.execute(() -> {
            throw new OutOfMemoryError("Direct buffer memory (simulated)");
        });
        assertTrue(runsWithin(() -> { }, 5), "the loop must still run tasks after one threw an Error");
    }

    @Test
    void noThrowableATaskOrHandlerThrowsKillsTheLoop() throws Exception {
        // What fd exhaustion produced in the logging path: a class whose initialisation failed.
        for (Throwable thrown : java.util.List.of(new ExceptionInInitializerError("tzdb.dat: Too many open files"),
                new NoClassDefFoundError("java/time/zone/ZoneRulesProvider"), new StackOverflowError(),
                new java.io.IOException("a checked exception thrown sneakily"))) {
            loop.execute(() -> EventLoopFailureTest.<RuntimeException>sneaky(thrown));
            assertTrue(runsWithin(() -> { }, 5), "the loop runs tasks after one threw " + thrown);
        }
        assertEquals(io.balor.LoopHealth.RUNNING, loop.health(ticker.nanoTime(), 1_000_000_000L).state());
    }

    @Test
    void aHandlerWhoseFailureHandlerAlsoThrowsAnErrorDoesNotKillTheLoop() throws Exception {
        java.nio.channels.Pipe pipe = java.nio.channels.Pipe.open();
        try {
            pipe.source().configureBlocking(false);
            CompletableFuture<Void> registered = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    loop.register(pipe.source(), java.nio.channels.SelectionKey.OP_READ, new IoHandler() {
                        @Override
                        public void onReady(int readyOps) {
                            throw new ExceptionInInitializerError("while reading");
                        }

                        @Override
                        public void onFailure(Throwable cause) {
                            try {
                                pipe.source().close();
                            } catch (java.io.IOException ignored) {
                                // the test only needs the key gone
                            }
                            throw new NoClassDefFoundError("while releasing");
                        }
                    });
                    registered.complete(null);
                } catch (java.io.IOException e) {
                    registered.completeExceptionally(e);
                }
            });
            registered.get(5, TimeUnit.SECONDS);
            pipe.sink().write(java.nio.ByteBuffer.wrap(new byte[] {1}));
            assertTrue(runsWithin(() -> { }, 5), "the loop runs tasks after a handler and its failure handler threw");
            io.balor.LoopHealth health = loop.health(ticker.nanoTime(), 1_000_000_000L);
            assertEquals(io.balor.LoopHealth.RUNNING, health.state(), health.toString());
        } finally {
            pipe.sink().close();
            pipe.source().close();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneaky(Throwable thrown) throws T {
        throw (T) thrown;
    }
}
