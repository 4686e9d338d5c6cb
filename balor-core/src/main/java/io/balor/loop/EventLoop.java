package io.balor.loop;

import io.balor.buffer.BufferPool;
import io.balor.log.EventLogger;
import io.balor.time.Ticker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One event-loop thread: its own {@link Selector}, a task inbox other threads post to, a
 * {@link TimerWheel} and a {@link BufferPool}. Every channel registered here, and every object
 * attached to one, belongs to this thread alone; other threads reach them only through
 * {@link #execute}.
 *
 * <h2>An iteration</h2>
 * Wait in {@code select} until a channel is ready, a task arrives or the next timer slot is due;
 * read the ticker once ({@link #now()}, just before the first ready key is handled); dispatch the
 * ready keys, run the inbox, expire timers.
 *
 * <p>Nothing a handler, task or timer throws ends the thread, whatever it is: an {@link Error}
 * such as "direct buffer memory", a {@code NoClassDefFoundError} or an
 * {@code ExceptionInInitializerError} included. It is logged, and the handler's
 * {@link IoHandler#onFailure} releases what it holds. Logging itself cannot end the thread either
 * ({@link #report}). Only a failing selector stops the loop: then the loop is
 * {@linkplain #health dead}, with the cause, and health checks say so.
 *
 * <h2>Liveness</h2>
 * Each iteration stores the time it began ({@code lastTurn}); an idle loop still turns once a
 * second ({@link #HEARTBEAT_MILLIS}), so a loop that has not turned for several seconds is stuck
 * in something (a handler that blocks, an endless loop) and {@link #health} reports it stalled.
 *
 * <h2>The wake-up race</h2>
 * {@link #execute} offers the task and then calls {@link Selector#wakeup()} only if
 * {@code wakeupPending} flips from false to true. The loop clears the flag before it looks at the
 * inbox and selects. If a task arrives after the loop found the inbox empty but before it blocks,
 * its poster sees the flag false, sets it and wakes the selector; a wake-up that comes before
 * {@code select} makes the next {@code select} return at once, so the task is never stranded.
 * Tasks posted from the loop itself never wake it: the loop runs its inbox before it selects.
 */
public final class EventLoop implements Executor {

    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int WHEEL_SLOTS = 1024;
    private static final int MAX_TASKS_PER_ITERATION = 4096;
    /** The longest an idle loop blocks in {@code select}, so that its heartbeat goes on. */
    static final long HEARTBEAT_MILLIS = 1_000;
    /** How many times one turn's end runs what its own tasks queued ({@link #runTurnEnd}). */
    private static final int TURN_END_PASSES = 4;
    private static final EventLogger LOG = EventLogger.of("loop", EventLoop.class.getName());

    private final int index;
    private final Selector selector;
    private final Queue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Runnable> afterSelect = new ArrayDeque<>();
    /** Tasks for the end of this turn's events ({@link #endOfTurn}). */
    private final ArrayDeque<Runnable> turnEnd = new ArrayDeque<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final Ticker ticker;
    private final TimerWheel timers;
    private static final int TLS_BUFFER = 32 * 1024;
    private final BufferPool buffers;
    private BufferPool tlsBuffers;
    private BufferPool heapBuffers;
    private final Executor handshakeWorkers;
    private final Thread thread;
    private final Consumer<SelectionKey> dispatcher = this::dispatch;
    private volatile boolean running = true;
    /**
     * The ticker time at the start of the newest iteration; written by the loop with a release
     * store (no fence on the loop's path), read by health checks.
     */
    private final AtomicLong lastTurn = new AtomicLong();
    /** Why the loop thread ended while it was meant to run, or null. */
    private volatile Throwable death;
    private long now;
    private static final long FAILURE_LOG_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Handler failures logged, when the newest was, and how many were left out since; loop thread only. */
    private boolean handlerFailuresLogged;
    private long lastHandlerFailureLog;
    private long handlerFailuresSuppressed;
    /** Whether {@code now} was read since the selector last blocked. */
    private boolean nowFresh;
    /** How often the loop lets go of what its pools kept beyond recent use. */
    static final long TRIM_NANOS = TimeUnit.SECONDS.toNanos(1);
    private long lastTrim;
    /** The trims of the loop's pools: its buffers', and those given to {@link #onTrim}; loop thread only. */
    private final java.util.ArrayList<Runnable> trims = new java.util.ArrayList<>(3);

    EventLoop(int index, Ticker ticker, BufferPool buffers, Executor handshakeWorkers, String threadName) {
        this.index = index;
        this.ticker = ticker;
        this.buffers = buffers;
        this.handshakeWorkers = handshakeWorkers;
        this.now = ticker.nanoTime();
        this.timers = new TimerWheel(TICK_NANOS, WHEEL_SLOTS, now);
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        this.lastTurn.set(now);
        this.lastTrim = now;
        trims.add(buffers::trim);
        this.thread = new Thread(this::run, threadName);
    }

    void start() {
        thread.start();
    }

    /** This loop's position in its group, from 0. */
    public int index() {
        return index;
    }

    /** The ticker time read at the start of this iteration. Loop thread only. */
    public long now() {
        return now;
    }

    /**
     * Reads the ticker again and makes that this iteration's time: for a task that another
     * thread queued after the iteration began (a handed-over connection), whose decision
     * depends on the time. Loop thread only.
     */
    public long refreshNow() {
        now = ticker.nanoTime();
        return now;
    }

    /** Timeouts of this loop. Loop thread only. */
    public TimerWheel timers() {
        return timers;
    }

    /** Buffers of this loop. Loop thread only. */
    public BufferPool buffers() {
        return buffers;
    }

    /**
     * Heap buffers of {@link #buffers()}' size, a pool made on first use: for bytes that never meet
     * a socket (an HTTP/2 stream's request and response as HTTP/1.1), which the parsers read
     * octet by octet faster from an array than from direct memory. Loop thread only.
     */
    public BufferPool heapBuffers() {
        if (heapBuffers == null) {
            heapBuffers = new BufferPool(buffers.bufferSize(), 1024, true);
            trims.add(heapBuffers::trim);
        }
        return heapBuffers;
    }

    /**
     * Heap buffers of 32 KiB for TLS records (a whole record fits; the JDK's AES-GCM allocates
     * less with arrays than with direct buffers), a pool made on first use. Loop thread only.
     */
    public BufferPool tlsBuffers() {
        if (tlsBuffers == null) {
            tlsBuffers = new BufferPool(TLS_BUFFER, 256, true);
            trims.add(tlsBuffers::trim);
        }
        return tlsBuffers;
    }

    /** Where this loop's TLS connections run their handshakes' CPU work (shared by the group). */
    public Executor handshakeWorkers() {
        return handshakeWorkers;
    }

    /** Whether the caller runs on this loop's thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on this loop, after what is already queued. Any thread. */
    @Override
    public void execute(Runnable task) {
        inbox.offer(task);
        if (!inLoop() && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Whether this loop's thread ended on a failure: it runs nothing more. Any thread. */
    public boolean dead() {
        return death != null;
    }

    /** The selector, for tests that make it fail as a broken one would. */
    Selector selector() {
        return selector;
    }

    /** Registers a channel with this loop's selector. Loop thread only. */
    public SelectionKey register(SelectableChannel channel, int ops, IoHandler handler)
            throws ClosedChannelException {
        return channel.register(selector, ops, handler);
    }

    /** Stops the loop after the current iteration and closes its selector. Any thread. */
    void shutdown() {
        running = false;
        selector.wakeup();
    }

    void awaitTermination(long millis) throws InterruptedException {
        thread.join(millis);
    }

    private void run() {
        try {
            while (running) {
                turn();
            }
        } catch (Throwable e) {
            // The selector failed (or something the iteration's own code threw escaped): this
            // loop is gone. Health checks report it; its sessions are lost with the selector.
            death = e;
            report("event loop " + index + " died; its connections are closed", e);
            runLeftTasks();
        } finally {
            closeSelector();
        }
    }

    /**
     * One iteration: select (waiting for the next timer slot at most when nothing is queued), then
     * the turn's end, the tasks and the timers. A method of its own, so that the JIT compiles it
     * as any hot method rather than waiting to replace {@link #run()}'s loop on the stack.
     */
    private void turn() throws IOException {
        wakeupPending.set(false);
        nowFresh = false;
        if (inbox.isEmpty() && afterSelect.isEmpty() && turnEnd.isEmpty()) {
            // Timers are only checked once per tick; waking for the next slot is enough.
            // The time is read again here: this iteration's work may have taken a while
            // (or, with a manual ticker, the clock moved while a task ran).
            now = ticker.nanoTime();
            long wait = timers.nanosUntilNext(now);
            if (wait == 0) {
                selector.selectNow(dispatcher);
            } else {
                long millis = wait < 0 ? HEARTBEAT_MILLIS : Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait));
                selector.select(dispatcher, Math.min(millis, HEARTBEAT_MILLIS));
            }
        } else {
            selector.selectNow(dispatcher);
        }
        if (!nowFresh) {
            now = ticker.nanoTime();
        }
        lastTurn.lazySet(now);
        runTurnEnd();
        runAfterSelect();
        runTasks();
        expireTimers();
        trimPools();
    }

    /**
     * What this loop is doing, as of {@code nowNanos} on its ticker: running, stalled (no
     * iteration began within {@code stallNanos}), dead (its thread ended on a failure) or
     * stopped. Any thread; reads two volatile fields.
     */
    public io.balor.LoopHealth health(long nowNanos, long stallNanos) {
        String name = thread.getName();
        Throwable failure = death;
        long turned = lastTurn.get();
        long since = Math.max(0, TimeUnit.NANOSECONDS.toMillis(nowNanos - turned));
        if (failure != null) {
            return new io.balor.LoopHealth(index, name, io.balor.LoopHealth.DEAD, since,
                    "died: " + failure);
        }
        if (!running) {
            return new io.balor.LoopHealth(index, name, io.balor.LoopHealth.STOPPED, since, null);
        }
        if (nowNanos - turned > stallNanos) {
            return new io.balor.LoopHealth(index, name, io.balor.LoopHealth.STALLED, since,
                    "no iteration for " + since + " ms");
        }
        return new io.balor.LoopHealth(index, name, io.balor.LoopHealth.RUNNING, since, null);
    }

    /**
     * Logs a handler's failure (its connection is closed by then), at most one line a second per
     * loop, the next one saying how many it left out: a bug that fails every request must not
     * also flood the log.
     */
    private void reportHandlerFailure(Throwable failure) {
        if (handlerFailuresLogged && now - lastHandlerFailureLog < FAILURE_LOG_NANOS) {
            handlerFailuresSuppressed++;
            return;
        }
        String more = handlerFailuresSuppressed == 0 ? ""
                : " (and " + handlerFailuresSuppressed + " more since the previous one)";
        handlerFailuresSuppressed = 0;
        handlerFailuresLogged = true;
        lastHandlerFailureLog = now;
        report("a connection failed on loop " + index + " and was closed" + more, failure);
    }

    /**
     * Logs a failure on this loop. Whatever the logging backend throws (it may need a file
     * descriptor the process no longer has, or a class that failed to initialise) is dropped:
     * a log line is never worth the loop.
     */
    private static void report(String message, Throwable failure) {
        try {
            LOG.log(System.Logger.Level.ERROR, message, failure);
        } catch (Throwable ignored) {
            // nothing safer to do: the loop goes on
        }
    }

    private void dispatch(SelectionKey key) {
        if (!nowFresh) {
            // Handlers run inside select: the time must be read after it stopped blocking.
            now = ticker.nanoTime();
            nowFresh = true;
        }
        IoHandler handler = (IoHandler) key.attachment();
        try {
            if (key.isValid()) {
                handler.onReady(key.readyOps());
            }
        } catch (Throwable e) {
            try {
                handler.onFailure(e);
            } catch (Throwable again) {
                e.addSuppressed(again);
            }
            reportHandlerFailure(e);
        }
    }

    /**
     * Runs {@code task} on this loop after its selector has selected once more: by then the
     * sockets of keys cancelled before this call are really closed (the JDK closes a registered
     * channel's socket only when its key is deregistered, at the next select). Loop thread only.
     */
    public void afterNextSelect(Runnable task) {
        afterSelect.add(task);
    }

    /**
     * Runs {@code task} on this loop once the events of this turn are handled (from a task at the
     * turn's end, still in it; from any other task or a timer, after the next turn's events): work
     * several events make, such as a write that can carry what each of them produced, is done once.
     * Loop thread only; allocates nothing.
     */
    public void endOfTurn(Runnable task) {
        turnEnd.add(task);
    }

    /**
     * Runs the turn's end, and what its tasks queue for it (an HTTP/2 stream that ends in its
     * session's round): in this turn, not after a select of its own. A few passes at most, so that
     * a task that queues itself again and again still lets the loop select.
     */
    private void runTurnEnd() {
        for (int pass = 0; pass < TURN_END_PASSES && !turnEnd.isEmpty(); pass++) {
            runQueued(turnEnd);
        }
    }

    private void runAfterSelect() {
        runQueued(afterSelect);
    }

    /** Runs the tasks queued now (those they queue wait for the next turn), each on its own. */
    private void runQueued(ArrayDeque<Runnable> queue) {
        for (int n = queue.size(); n > 0; n--) {
            Runnable task = queue.poll();
            try {
                task.run();
            } catch (Throwable e) {
                report("task failed on loop " + index, e);
            }
        }
    }

    /**
     * Runs {@code trim} about once a second from now on, as the loop does with its own buffer pools
     * ({@link BufferPool#trim()}): for a pool of per-request state that a burst may leave large.
     * Loop thread only.
     */
    public void onTrim(Runnable trim) {
        trims.add(trim);
    }

    /** Once a second: the pools let go of what was not used since the previous trim. */
    private void trimPools() {
        if (now - lastTrim < TRIM_NANOS) {
            return;
        }
        lastTrim = now;
        try {
            for (int i = 0; i < trims.size(); i++) {
                trims.get(i).run();
            }
        } catch (Throwable e) {
            report("trimming pools failed on loop " + index, e);
        }
    }

    private void expireTimers() {
        try {
            timers.expire(now);
        } catch (Throwable e) {
            report("timer failed on loop " + index, e);
        }
    }

    private void runTasks() {
        // Bounded, so a flood of tasks cannot starve I/O; the rest run next iteration.
        for (int i = 0; i < MAX_TASKS_PER_ITERATION; i++) {
            Runnable task = inbox.poll();
            if (task == null) {
                return;
            }
            try {
                task.run();
            } catch (Throwable e) {
                report("task failed on loop " + index, e);
            }
        }
    }

    /**
     * After the loop died: runs once what was queued for it, so that a caller waiting for an
     * answer gets one (or its failure) rather than waiting for ever. A task that needs the
     * selector fails, and is dropped.
     */
    private void runLeftTasks() {
        for (Runnable task = afterSelect.poll(); task != null; task = afterSelect.poll()) {
            runQuietly(task);
        }
        for (Runnable task = inbox.poll(); task != null; task = inbox.poll()) {
            runQuietly(task);
        }
    }

    private static void runQuietly(Runnable task) {
        try {
            task.run();
        } catch (Throwable ignored) {
            // the loop is gone: nothing to report to
        }
    }

    private void closeSelector() {
        for (SelectionKey key : selector.keys()) {
            try {
                key.channel().close();
            } catch (IOException ignored) {
                // closing on shutdown: nothing more to do
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }
}
