package io.balor.bench;

import io.balor.upstream.Balancer;
import io.balor.upstream.Pool;
import io.balor.upstream.SmoothWeightedRoundRobin;
import io.balor.upstream.Upstream;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One balancer pick per new session: smooth weighted round-robin over a pool. {@code pool}
 * names the shape: {@code 2x1} is the bench rig's pool (two upstreams, equal weights),
 * {@code 8mixed} eight upstreams with weights 1..8 and one disabled, {@code 64x1} a large
 * pool. The balancer is shared by every loop (one position per pool): {@code pick} is one loop
 * picking, {@code pickTwoLoops} two threads picking from it at once (the atomic add's cache line
 * moving between the cores). A pick must allocate nothing: run with {@code -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SmoothWeightedRoundRobinBenchmark {

    @Param({"2x1", "8mixed", "64x1"})
    public String pool;

    private Balancer balancer;

    @Setup
    public void setUp() {
        List<Upstream> upstreams = new ArrayList<>();
        switch (pool) {
            case "2x1" -> {
                upstreams.add(upstream(0, 1, true));
                upstreams.add(upstream(1, 1, true));
            }
            case "8mixed" -> {
                for (int i = 0; i < 8; i++) {
                    upstreams.add(upstream(i, i + 1, i != 3));
                }
            }
            case "64x1" -> {
                for (int i = 0; i < 64; i++) {
                    upstreams.add(upstream(i, 1, true));
                }
            }
            default -> throw new IllegalArgumentException("unknown pool shape " + pool);
        }
        balancer = new SmoothWeightedRoundRobin(new Pool("bench", upstreams));
    }

    @Benchmark
    public Upstream pick() {
        return balancer.pick();
    }

    @Benchmark
    @Threads(2)
    public Upstream pickTwoLoops() {
        return balancer.pick();
    }

    private static Upstream upstream(int i, int weight, boolean enabled) {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", 18001 + i);
        return new Upstream("bench/127.0.0.1:" + (18001 + i), "127.0.0.1:" + (18001 + i), address, weight,
                enabled, i);
    }
}
