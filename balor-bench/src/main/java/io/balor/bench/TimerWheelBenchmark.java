package io.balor.bench;

import io.balor.loop.Timer;
import io.balor.loop.TimerWheel;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The loop's timer wheel on its hot paths: re-arming a session's idle timeout on every read or
 * write, arming and cancelling a connect timeout around an upstream connect, and expiring due
 * timers. {@code armed} background timers (idle timeouts of other sessions, an hour out) sit in
 * the wheel, as on a loop with that many open sessions. Every operation should allocate nothing:
 * run with {@code -prof gc} and check {@code gc.alloc.rate.norm}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TimerWheelBenchmark {

    private static final long TICK = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int SLOTS = 512;
    private static final long IDLE = TimeUnit.HOURS.toNanos(1);
    private static final long CONNECT = TimeUnit.SECONDS.toNanos(5);
    /** Timers that come due in one tick in {@link #expire}. */
    private static final int DUE_PER_TICK = 64;

    /** Sessions with an armed idle timeout. */
    @Param({"10000"})
    public int armed;

    private TimerWheel wheel;
    private Timer[] sessions;
    private Timer[] due;
    private Timer connect;
    private long now;
    private int next;
    private long fired;

    @Setup
    public void setUp() {
        now = 0;
        wheel = new TimerWheel(TICK, SLOTS, now);
        Runnable count = () -> fired++;
        sessions = new Timer[armed];
        for (int i = 0; i < sessions.length; i++) {
            int index = i;
            // an idle session that times out comes back at once, so the wheel keeps its size
            sessions[i] = new Timer(() -> wheel.schedule(sessions[index], now + IDLE));
            // spread the deadlines as if the sessions had been active at different times
            wheel.schedule(sessions[i], now + IDLE - i * 1_000_000L);
        }
        due = new Timer[DUE_PER_TICK];
        for (int i = 0; i < due.length; i++) {
            due[i] = new Timer(count);
        }
        connect = new Timer(count);
    }

    /** A session saw bytes: push its idle deadline out (unlink + relink in another slot). */
    @Benchmark
    public int rearmIdle() {
        now += 20_000; // 20 µs between events on the loop
        Timer timer = sessions[next];
        if (++next == sessions.length) {
            next = 0;
        }
        wheel.schedule(timer, now + IDLE);
        return wheel.size();
    }

    /** An upstream connect: arm its timeout, then cancel it when the connect completes. */
    @Benchmark
    public int scheduleCancel() {
        now += 20_000;
        wheel.schedule(connect, now + CONNECT);
        wheel.cancel(connect);
        return wheel.size();
    }

    /** One loop iteration per tick: {@value #DUE_PER_TICK} timers come due and fire. */
    @Benchmark
    @OperationsPerInvocation(DUE_PER_TICK)
    public long expire() {
        for (Timer timer : due) {
            wheel.schedule(timer, now + TICK);
        }
        now += TICK;
        wheel.expire(now);
        return fired;
    }
}
