package io.balor.bench;

import io.balor.metrics.TrafficCounters;
import io.balor.proxy.SessionCounters;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Recording one HTTP exchange in a listener's per-loop shard (status count, duration bucket,
 * duration sum), and everything an exchange records (listener, route, pool and upstream, plus the
 * bytes of one read and one write each side): what every response costs the data path. With
 * {@code -prof gc} it shows that recording allocates nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetricsRecordBenchmark {

    private final SessionCounters shard = new SessionCounters();
    private final TrafficCounters route = new TrafficCounters(2);
    private final TrafficCounters pool = new TrafficCounters(2);
    private final TrafficCounters upstream = new TrafficCounters(2);
    private long nanos = 300_000;

    @Benchmark
    public void recordResponse() {
        nanos = nanos * 1103515245 + 12345 & 0x3ffffff;   // durations spread over the buckets
        shard.response(200, nanos);
    }

    @Benchmark
    public void recordExchange() {
        nanos = nanos * 1103515245 + 12345 & 0x3ffffff;
        shard.response(200, nanos);
        route.exchange(1, 200, nanos);
        pool.exchange(1, 200, nanos);
        upstream.exchange(1, 200, nanos);
        upstream.bytesIn(1, 180);
        upstream.bytesOut(1, 1200);
    }
}
