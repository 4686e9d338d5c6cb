package io.balor.upstream;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SmoothWeightedRoundRobinTest {

    private static Upstream upstream(String name, int weight, boolean enabled, int index) {
        return new Upstream("pool/" + name, name, InetSocketAddress.createUnresolved(name, 80), weight, enabled, index);
    }

    private static Pool pool(Upstream... upstreams) {
        return new Pool("pool", List.of(upstreams));
    }

    private static String picks(Balancer balancer, int count) {
        StringBuilder picks = new StringBuilder();
        for (int i = 0; i < count; i++) {
            Upstream upstream = balancer.pick();
            picks.append(upstream == null ? "-" : upstream.name());
        }
        return picks.toString();
    }

    @Test
    void spreadsWeightsOneTwoThreeSmoothly() {
        Balancer balancer = new SmoothWeightedRoundRobin(pool(upstream("a", 1, true, 0),
                upstream("b", 2, true, 1), upstream("c", 3, true, 2)));
        assertEquals("cbacbc".repeat(3), picks(balancer, 18));
    }

    @Test
    void equalWeightsAlternate() {
        Balancer balancer = new SmoothWeightedRoundRobin(pool(upstream("a", 1, true, 0), upstream("b", 1, true, 1)));
        assertEquals("abababab", picks(balancer, 8));
    }

    @Test
    void threeToOneIsSpreadOut() {
        Balancer balancer = new SmoothWeightedRoundRobin(pool(upstream("a", 3, true, 0), upstream("b", 1, true, 1)));
        assertEquals("aaba".repeat(4), picks(balancer, 16));
    }

    /**
     * Every loop picks from the same balancer: the position is one atomic counter, so picks made
     * at once from several threads take every slot of the sequence exactly once, and the shares
     * stay exact over the whole run (30,000 periods of 1:2:3).
     */
    @Test
    void threadsPickingAtOnceShareOnePositionAndTheExactShares() throws Exception {
        Balancer balancer = new SmoothWeightedRoundRobin(pool(upstream("a", 1, true, 0),
                upstream("b", 2, true, 1), upstream("c", 3, true, 2)));
        int threads = 4;
        int each = 45_000;
        java.util.concurrent.atomic.AtomicIntegerArray counts = new java.util.concurrent.atomic.AtomicIntegerArray(3);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<Thread> pickers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread picker = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                int[] own = new int[3];
                for (int i = 0; i < each; i++) {
                    own[balancer.pick().index()]++;
                }
                for (int i = 0; i < 3; i++) {
                    counts.addAndGet(i, own[i]);
                }
            });
            picker.start();
            pickers.add(picker);
        }
        start.countDown();
        for (Thread picker : pickers) {
            picker.join(30_000);
        }
        assertEquals(List.of(30_000, 60_000, 90_000), List.of(counts.get(0), counts.get(1), counts.get(2)));
    }

    /** Health: a down upstream is left out at once, and scheduled again as soon as its check says up. */
    @Test
    void aDownUpstreamIsSkippedAndComesBackWhenItsCheckSaysUp() {
        UpstreamHealth bHealth = new UpstreamHealth(new io.balor.time.ManualTicker());
        Upstream a = upstream("a", 1, true, 0);
        Upstream b = new Upstream("pool/b", "b", InetSocketAddress.createUnresolved("b", 80), 1, true, 1,
                new byte[0], false, bHealth);
        Upstream c = upstream("c", 1, true, 2);
        Balancer balancer = new SmoothWeightedRoundRobin(pool(a, b, c));
        assertEquals("abcabc", picks(balancer, 6));
        bHealth.record("connect: refused", 1, 1);
        assertEquals("acacac", picks(balancer, 6));
        bHealth.record(null, 1, 1);
        String back = picks(balancer, 6);
        assertEquals(2, count(back, 'b'), "back in the sequence: " + back);
        bHealth.record("connect: refused", 1, 1);
        Balancer allDown = new SmoothWeightedRoundRobin(pool(b, upstream("d", 0, true, 1)));
        assertEquals("--", picks(allDown, 2));
        bHealth.record(null, 1, 1);
        assertEquals("bb", picks(allDown, 2), "the only eligible one, noticed without a new slot for it");
    }

    /**
     * A pool whose weights add up to more than the longest schedule is scaled down to it: every
     * upstream still gets its share to within a slot per period, and none is left out.
     */
    @Test
    void weightSumsOverTheLongestScheduleAreScaledToFit() {
        List<Upstream> upstreams = new ArrayList<>();
        long sum = 0;
        for (int i = 0; i < 100; i++) {
            int weight = 157 + i;   // gcd 1, sum 20,650: over 16,384 slots
            upstreams.add(upstream("u" + i, weight, true, i));
            sum += weight;
        }
        Balancer balancer = new SmoothWeightedRoundRobin(new Pool("pool", upstreams));
        int picks = RoundRobinSchedule.of(upstreams.toArray(new Upstream[0])).slots.length;
        assertTrue(picks <= RoundRobinSchedule.MAX_SLOTS, "slots: " + picks);
        int[] counts = new int[100];
        for (int i = 0; i < picks; i++) {
            counts[balancer.pick().index()]++;
        }
        for (int i = 0; i < 100; i++) {
            double expected = (double) picks * upstreams.get(i).weight() / sum;
            assertTrue(Math.abs(counts[i] - expected) <= 1.0, "u" + i + ": " + counts[i] + " for " + expected);
        }
    }

    private static int count(String picks, char name) {
        return (int) picks.chars().filter(c -> c == name).count();
    }

    @Test
    void skipsDisabledAndZeroWeight() {
        Balancer balancer = new SmoothWeightedRoundRobin(pool(upstream("a", 5, false, 0),
                upstream("b", 0, true, 1), upstream("c", 1, true, 2)));
        assertEquals("cccc", picks(balancer, 4));
        assertNull(new SmoothWeightedRoundRobin(pool(upstream("a", 1, false, 0))).pick());
    }

    @Test
    void aRebuiltBalancerContinuesTheSequenceOfUnchangedUpstreams() {
        Pool before = pool(upstream("a", 1, true, 0), upstream("b", 2, true, 1), upstream("c", 3, true, 2));
        SmoothWeightedRoundRobin first = new SmoothWeightedRoundRobin(before);
        String head = picks(first, 3);
        SmoothWeightedRoundRobin rebuilt = new SmoothWeightedRoundRobin(
                pool(upstream("a", 1, true, 0), upstream("b", 2, true, 1), upstream("c", 3, true, 2)), first);
        assertEquals("cbacbc", head + picks(rebuilt, 3));
    }

    @Test
    void largeWeightsStayExactOverAFullCycle() {
        List<Upstream> upstreams = new ArrayList<>();
        int[] weights = {256, 1, 17, 100};
        for (int i = 0; i < weights.length; i++) {
            upstreams.add(upstream("u" + i, weights[i], true, i));
        }
        Balancer balancer = new SmoothWeightedRoundRobin(new Pool("pool", upstreams));
        int[] counts = new int[weights.length];
        for (int i = 0; i < 374 * 3; i++) {
            counts[balancer.pick().index()]++;
        }
        assertEquals(List.of(768, 3, 51, 300), List.of(counts[0], counts[1], counts[2], counts[3]));
    }

    /**
     * Slow start: b comes back from an ejection and ramps over 60 s while a keeps weight 1.
     * Picks spread evenly over the ramp (a manual ticker, so the counts are exact and
     * repeatable): b's share grows from the first half to the second, stays below the steady
     * state's 1/2, and is exactly 1/2 again once the ramp is over.
     */
    @Test
    void slowStartRampsARecoveredUpstreamsShare() {
        io.balor.time.ManualTicker ticker = new io.balor.time.ManualTicker();
        UpstreamHealth aHealth = new UpstreamHealth(ticker);
        UpstreamHealth bHealth = new UpstreamHealth(ticker);
        long slow = java.time.Duration.ofSeconds(60).toNanos();
        aHealth.configure(1, java.time.Duration.ofSeconds(30).toNanos(), true, slow);
        bHealth.configure(1, java.time.Duration.ofSeconds(30).toNanos(), true, slow);
        Upstream a = new Upstream("p/a", "a", java.net.InetSocketAddress.createUnresolved("a", 1), 1, true, 0,
                new byte[0], false, aHealth);
        Upstream b = new Upstream("p/b", "b", java.net.InetSocketAddress.createUnresolved("b", 1), 1, true, 1,
                new byte[0], false, bHealth);
        SmoothWeightedRoundRobin balancer = new SmoothWeightedRoundRobin(new Pool("p", List.of(a, b)));

        bHealth.failed(ticker.nanoTime(), UpstreamError.RESET);
        for (int i = 0; i < 100; i++) {
            assertSame(a, balancer.pick(), "b is ejected");
            ticker.advance(java.time.Duration.ofMillis(300));
        }
        // 30 s on: b is back, and ramps from now on.
        int picks = 1000;
        java.time.Duration step = java.time.Duration.ofNanos(slow / picks);
        int firstHalf = 0;
        int secondHalf = 0;
        for (int i = 0; i < picks; i++) {
            if (balancer.pick() == b) {
                if (i < picks / 2) {
                    firstHalf++;
                } else {
                    secondHalf++;
                }
            }
            ticker.advance(step);
        }
        // Linear ramp: b's weight is w(t) = t/T against a's 1, so its share in the first half is
        // about the mean of t/(t+1) over [0, 1/2] (~0.19) and in the second about ~0.40.
        assertTrue(firstHalf > 0, "b gets some traffic from the start");
        assertTrue(firstHalf < 0.25 * picks / 2, "first half: " + firstHalf);
        assertTrue(secondHalf > firstHalf, firstHalf + " then " + secondHalf);
        assertTrue(secondHalf < 0.45 * picks / 2, "second half: " + secondHalf);
        int steady = 0;
        for (int i = 0; i < 1000; i++) {
            steady += balancer.pick() == b ? 1 : 0;
            ticker.advance(step);
        }
        assertEquals(500, steady, "after the ramp: the exact share again");
    }
}
