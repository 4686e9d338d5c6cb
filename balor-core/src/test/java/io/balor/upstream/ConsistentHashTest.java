package io.balor.upstream;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsistentHashTest {

    private static final int CLIENTS = 10_000;

    private static Upstream upstream(String name, int weight, boolean enabled, int index) {
        return new Upstream("pool/" + name, name, InetSocketAddress.createUnresolved(name, 80), weight, enabled, index);
    }

    /** A pool of the given names, weights 1, indices in order. */
    private static Pool pool(String... names) {
        List<Upstream> upstreams = new ArrayList<>();
        for (String name : names) {
            upstreams.add(upstream(name, 1, true, upstreams.size()));
        }
        return new Pool("pool", upstreams);
    }

    /** 10,000 synthetic IPv4 clients, 10.0.0.0 upwards: their hash is their address bits. */
    private static int[] clients(int count) {
        int[] hashes = new int[count];
        for (int i = 0; i < count; i++) {
            hashes[i] = (10 << 24) + i;
        }
        return hashes;
    }

    private static String[] assign(ConsistentHash balancer, int[] clients) {
        String[] owners = new String[clients.length];
        for (int i = 0; i < clients.length; i++) {
            Upstream upstream = balancer.pick(clients[i]);
            owners[i] = upstream == null ? null : upstream.name();
        }
        return owners;
    }

    private static Map<String, Integer> counts(String[] owners) {
        Map<String, Integer> counts = new HashMap<>();
        for (String owner : owners) {
            counts.merge(owner, 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void spreadsClientsFairly() {
        Map<String, Integer> counts = counts(assign(new ConsistentHash(pool("a", "b", "c", "d")), clients(CLIENTS)));
        assertEquals(4, counts.size());
        for (int count : counts.values()) {
            assertTrue(Math.abs(count - CLIENTS / 4) <= CLIENTS / 4 * 0.15, counts.toString());
        }
    }

    @Test
    void removingAnUpstreamMovesExactlyItsClients() {
        int[] clients = clients(CLIENTS);
        String[] before = assign(new ConsistentHash(pool("a", "b", "c", "d")), clients);
        // c leaves: b, d keep their ids but d's index changes
        String[] after = assign(new ConsistentHash(pool("a", "b", "d")), clients);
        int moved = 0;
        for (int i = 0; i < clients.length; i++) {
            if (before[i].equals("c")) {
                assertNotEquals("c", after[i]);
                moved++;
            } else {
                assertEquals(before[i], after[i], "client " + i + " moved");
            }
        }
        assertEquals(counts(before).get("c"), moved);
        // the moved clients spread over the others rather than landing on one
        Map<String, Integer> movedTo = new HashMap<>();
        for (int i = 0; i < clients.length; i++) {
            if (before[i].equals("c")) {
                movedTo.merge(after[i], 1, Integer::sum);
            }
        }
        assertEquals(3, movedTo.size(), movedTo.toString());
    }

    @Test
    void disablingOrFilteringAnUpstreamIsTheSameAsRemovingIt() {
        int[] clients = clients(CLIENTS);
        String[] removed = assign(new ConsistentHash(pool("a", "b", "d")), clients);
        Pool disabled = new Pool("pool", List.of(upstream("a", 1, true, 0), upstream("b", 1, true, 1),
                upstream("c", 1, false, 2), upstream("d", 1, true, 3)));
        Pool zeroWeight = new Pool("pool", List.of(upstream("a", 1, true, 0), upstream("b", 1, true, 1),
                upstream("c", 0, true, 2), upstream("d", 1, true, 3)));
        assertEquals(List.of(removed), List.of(assign(new ConsistentHash(disabled), clients)));
        assertEquals(List.of(removed), List.of(assign(new ConsistentHash(zeroWeight), clients)));
        ConsistentHash all = new ConsistentHash(pool("a", "b", "c", "d"));
        Predicate<Upstream> notC = upstream -> !upstream.name().equals("c");
        for (int i = 0; i < clients.length; i++) {
            assertEquals(removed[i], all.pick(clients[i], notC).name());
        }
    }

    @Test
    void addingAnUpstreamTakesClientsOnlyForItself() {
        int[] clients = clients(CLIENTS);
        String[] before = assign(new ConsistentHash(pool("a", "b", "c")), clients);
        String[] after = assign(new ConsistentHash(pool("a", "b", "c", "d")), clients);
        for (int i = 0; i < clients.length; i++) {
            assertTrue(after[i].equals(before[i]) || after[i].equals("d"));
        }
    }

    @Test
    void theAssignmentDependsOnIdsNotOnPoolOrder() {
        int[] clients = clients(CLIENTS);
        String[] ordered = assign(new ConsistentHash(pool("a", "b", "c", "d")), clients);
        String[] shuffled = assign(new ConsistentHash(pool("d", "b", "a", "c")), clients);
        assertEquals(List.of(ordered), List.of(shuffled));
    }

    @Test
    void honoursWeights() {
        Pool pool = new Pool("pool", List.of(upstream("a", 1, true, 0), upstream("b", 2, true, 1),
                upstream("c", 3, true, 2)));
        assertEquals(6 * HashRing.POINTS_PER_WEIGHT, HashRing.of(pool).size());
        int clients = 60_000;
        Map<String, Integer> counts = counts(assign(new ConsistentHash(pool), clients(clients)));
        for (Upstream upstream : pool.upstreams()) {
            double fair = clients * upstream.weight() / 6.0;
            assertTrue(Math.abs(counts.get(upstream.name()) - fair) <= fair * 0.15, counts.toString());
        }
    }

    @Test
    void picksByAddressHash() throws UnknownHostException {
        ConsistentHash balancer = new ConsistentHash(pool("a", "b", "c", "d"));
        InetAddress v4 = InetAddress.getByAddress(new byte[] {10, 0, 0, 7});
        assertEquals((10 << 24) + 7, v4.hashCode());
        assertEquals(balancer.pick((10 << 24) + 7), balancer.pick(v4));
        InetAddress v6 = InetAddress.getByName("2001:db8::7");
        assertEquals(balancer.pick(v6.hashCode()), balancer.pick(v6));
    }

    @Test
    void returnsNullWhenNothingIsEligible() {
        ConsistentHash disabled = new ConsistentHash(new Pool("pool", List.of(upstream("a", 1, false, 0),
                upstream("b", 0, true, 1))));
        assertNull(disabled.pick(42));
        assertNull(disabled.pick());
        assertNull(new ConsistentHash(new Pool("pool", List.of())).pick(42));
        ConsistentHash all = new ConsistentHash(pool("a", "b"));
        assertNull(all.pick(42, upstream -> false));
    }

    @Test
    void withoutAKeyFallsBackToWeightedRoundRobin() {
        Pool pool = new Pool("pool", List.of(upstream("a", 1, true, 0), upstream("b", 2, true, 1),
                upstream("c", 3, true, 2)));
        ConsistentHash balancer = new ConsistentHash(pool);
        StringBuilder picks = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            picks.append(balancer.pick().name());
        }
        assertEquals("cbacbc", picks.toString());
        assertEquals(pool, balancer.pool());
    }

    @Test
    void loopsShareOneRing() {
        HashRing ring = HashRing.of(pool("a", "b", "c", "d"));
        ConsistentHash first = new ConsistentHash(ring);
        ConsistentHash second = new ConsistentHash(ring);
        int[] clients = clients(1000);
        assertEquals(List.of(assign(first, clients)), List.of(assign(second, clients)));
    }
}
