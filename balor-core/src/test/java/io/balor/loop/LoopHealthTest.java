package io.balor.loop;

import io.balor.LoopHealth;
import io.balor.time.ManualTicker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EventLoop#health}: a loop that stops turning is reported stalled, one whose thread ended
 * on a failure dead (and never waited for), one that turns again running. Time is a manual ticker.
 */
class LoopHealthTest {

    private static final long STALL = Duration.ofSeconds(5).toNanos();

    private final ManualTicker ticker = new ManualTicker();
    private final LoopGroup group = new LoopGroup(2, ticker, 1024, 4);

    @AfterEach
    void shutdown() {
        group.shutdown(2_000);
    }

    @Test
    void idleLoopsAreRunning() {
        for (LoopHealth loop : group.health(ticker.nanoTime(), STALL)) {
            assertEquals(LoopHealth.RUNNING, loop.state(), loop.toString());
            assertTrue(loop.ok());
        }
        assertEquals("balor-loop-1", group.health(ticker.nanoTime(), STALL).get(1).thread());
    }

    @Test
    void aLoopThatStopsTurningIsStalledUntilItTurnsAgain() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        group.get(0).execute(() -> {
            blocked.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(blocked.await(5, TimeUnit.SECONDS));
        ticker.advance(Duration.ofSeconds(6));
        LoopHealth stuck = group.health(ticker.nanoTime(), STALL).get(0);
        assertEquals(LoopHealth.STALLED, stuck.state(), stuck.toString());
        assertTrue(stuck.sinceTurnMillis() >= 6_000, stuck.toString());
        assertTrue(stuck.problem().contains("no iteration for"), stuck.problem());
        // The other loop turns at least once a second while idle, so it sees the new time.
        until("loop 1 turns with the new time", () -> group.health(ticker.nanoTime(), STALL).get(1).ok());

        release.countDown();
        until("loop 0 turns again", () -> group.health(ticker.nanoTime(), STALL).get(0).ok());
    }

    @Test
    void aLoopWhoseSelectorFailsIsDeadAndNotWaitedFor() throws Exception {
        EventLoop doomed = group.get(1);
        doomed.execute(() -> {
            try {
                doomed.selector().close();
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        });
        until("loop 1 is dead", () -> group.health(ticker.nanoTime(), STALL).get(1).state().equals(LoopHealth.DEAD));
        LoopHealth dead = group.health(ticker.nanoTime(), STALL).get(1);
        assertTrue(dead.problem().startsWith("died: java.nio.channels.ClosedSelectorException"), dead.problem());
        assertTrue(doomed.dead());
        assertEquals(LoopHealth.RUNNING, group.health(ticker.nanoTime(), STALL).get(0).state());

        var futures = group.onEach(EventLoop::index);
        assertEquals(0, futures.get(0).get(5, TimeUnit.SECONDS));
        CompletableFuture<Integer> fromDead = futures.get(1);
        assertTrue(fromDead.isCompletedExceptionally(), "a dead loop's answer fails at once");
        ExecutionException failed = assertThrows(ExecutionException.class, fromDead::get);
        assertTrue(failed.getCause().getMessage().contains("event loop 1 is dead"), failed.getCause().getMessage());
    }

    @Test
    void stoppedLoopsSaySo() {
        group.shutdown(2_000);
        for (LoopHealth loop : group.health(ticker.nanoTime(), STALL)) {
            assertEquals(LoopHealth.STOPPED, loop.state(), loop.toString());
        }
    }

    private static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
