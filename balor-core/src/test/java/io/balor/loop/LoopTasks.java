package io.balor.loop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** For tests: runs code on a loop's thread and waits for it, with a deadline. */
public final class LoopTasks {

    private LoopTasks() {
    }

    /** Runs {@code task} on {@code loop} and waits (5 s at most) for it; what it throws is thrown here. */
    public static void run(EventLoop loop, Runnable task) throws Exception {
        CompletableFuture<Void> ran = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                task.run();
                ran.complete(null);
            } catch (Throwable e) {
                ran.completeExceptionally(e);
            }
        });
        ran.get(5, TimeUnit.SECONDS);
    }
}
