package io.balor.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;


import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

/**
 * {@link EventLoop#endOfTurn}: what a task at the turn's end queues for it runs in the same turn
 * (before the turn's other tasks), not after a select of its own; one that queues itself forever
 * does not keep the loop from its other work.
 */
class EventLoopTurnEndTest extends OneLoopTest {


    @Test
    void whatTheTurnsEndQueuesRunsInTheSameTurn() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> loop.endOfTurn(() -> {
            ran.add("end");
            loop.execute(() -> {   // a task: it runs once this turn's end is over
                ran.add("task");
                done.complete(null);
            });
            loop.endOfTurn(() -> ran.add("queued by the end"));
        }));
        done.get(5, TimeUnit.SECONDS);
        assertEquals(List.of("end", "queued by the end", "task"), ran);
    }

    @Test
    void aTaskThatQueuesItselfForeverLetsTheLoopGoOn() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Runnable again = new Runnable() {
            @Override
            public void run() {
                if (!stop.get()) {
                    loop.endOfTurn(this);
                }
            }
        };
        loop.execute(() -> loop.endOfTurn(again));
        CompletableFuture<Void> other = new CompletableFuture<>();
        loop.execute(() -> other.complete(null));
        try {
            other.get(5, TimeUnit.SECONDS);
        } finally {
            stop.set(true);
        }
    }
}
