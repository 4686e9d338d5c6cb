package io.balor.daemon;

import sun.misc.Signal;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Turns SIGTERM and SIGINT into a graceful stop: the first one wakes the main thread, which
 * drains and exits 0; a second one while draining stops the process at once with exit code 1
 * (as Caddy and Docker do on a second Ctrl-C).
 *
 * <p>Why {@code sun.misc.Signal} (module {@code jdk.unsupported}): the JVM's own SIGTERM handling
 * runs shutdown hooks and then exits with 143 (128 + 15), and a shutdown hook cannot decide the
 * exit code. systemd and Kubernetes treat 143 as a failure unless told otherwise; we want to
 * stop accepting, drain and exit 0. The JDK offers no supported API for this.
 *
 * <p>Threads: the JVM runs each handler on a short-lived thread of its own; {@link #await()} is
 * called by the main thread.
 */
final class ShutdownSignal {

    private final CountDownLatch received = new CountDownLatch(1);
    private final AtomicReference<String> first = new AtomicReference<>();
    private final PrintStream err;

    private ShutdownSignal(PrintStream err) {
        this.err = err;
    }

    /** Replaces the JVM's handlers for TERM and INT. */
    static ShutdownSignal install(PrintStream err) {
        ShutdownSignal shutdown = new ShutdownSignal(err);
        for (String name : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(name), shutdown::handle);
            } catch (IllegalArgumentException e) {
                // E.g. the JVM runs with -Xrs, or the signal is reserved on this platform.
                err.println("balor: warning: cannot handle SIG" + name + " (" + e.getMessage()
                        + "); it will stop the process without draining");
            }
        }
        return shutdown;
    }

    /** Blocks until the first signal, or {@code millis} at most; returns its name ({@code SIGTERM}), or null if none came. */
    String await(long millis) {
        try {
            received.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            first.compareAndSet(null, "interrupt");
        }
        return first.get();
    }

    /** The daemon stops for another reason ({@code why}): a signal from now on is a second one. */
    void stopping(String why) {
        if (first.compareAndSet(null, why)) {
            received.countDown();
        }
    }

    private void handle(Signal signal) {
        String name = "SIG" + signal.getName();
        if (first.compareAndSet(null, name)) {
            received.countDown();
            return;
        }
        err.println("balor: " + name + " while draining: stopping now, open sessions are cut");
        // halt, not exit: the main thread may be inside close(), and nothing else needs to run.
        Runtime.getRuntime().halt(1);
    }
}
