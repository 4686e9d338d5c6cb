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

        bHealth.failed(ticker.nanoTime());
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
