package io.balor.loop;

/**
 * A reusable timeout owned by one loop: a session makes its timers once and re-arms them with
 * {@link TimerWheel#schedule}, so timeouts cost no allocation per request. Loop thread only.
 */
public final class Timer {

    private final Runnable task;
    /** Run when {@code task} throws, or null. */
    private final Runnable release;
    long deadline;
    long rounds;
    Timer prev;
    Timer next;
    int slot = -1;

    /** @param task what to run, on the loop, when the deadline passes */
    public Timer(Runnable task) {
        this(task, null);
    }

    /**
     * A timer whose {@code task} is a session's: should it throw, {@code release} runs (closing
     * the session, as a failing I/O handler is closed) before the loop logs the failure, so a
     * session whose timer failed is never left open with no timer armed.
     */
    public Timer(Runnable task, Runnable release) {
        this.task = task;
        this.release = release;
    }

    /** Runs the task (the wheel calls it when the deadline passed). */
    void fire() {
        if (release == null) {
            task.run();
            return;
        }
        try {
            task.run();
        } catch (Throwable e) {
            try {
                release.run();
            } catch (Throwable again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /** Whether it waits in a wheel. */
    public boolean isScheduled() {
        return slot >= 0;
    }

    /** The deadline it was last scheduled for, in ticker nanoseconds. */
    public long deadline() {
        return deadline;
    }
}
