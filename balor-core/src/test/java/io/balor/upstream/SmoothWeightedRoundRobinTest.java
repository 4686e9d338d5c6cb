package io.balor.upstream;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
}
