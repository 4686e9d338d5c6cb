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

class HashRingTest {

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

    private static String[] assign(HashRing balancer, int[] clients) {
        String[] owners = new String[clients.length];
        for (int i = 0; i < clients.length; i++) {
            Upstream upstream = balancer.find(clients[i]);
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
        Map<String, Integer> counts = counts(assign(HashRing.of(pool("a", "b", "c", "d")), clients(CLIENTS)));
        assertEquals(4, counts.size());
        for (int count : counts.values()) {
            assertTrue(Math.abs(count - CLIENTS / 4) <= CLIENTS / 4 * 0.15, counts.toString());
        }
    }

    @Test
    void removingAnUpstreamMovesExactlyItsClients() {
        int[] clients = clients(CLIENTS);
        String[] before = assign(HashRing.of(pool("a", "b", "c", "d")), clients);
        // c leaves: b, d keep their ids but d's index changes
        String[] after = assign(HashRing.of(pool("a", "b", "d")), clients);
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
        String[] removed = assign(HashRing.of(pool("a", "b", "d")), clients);
        Pool disabled = new Pool("pool", List.of(upstream("a", 1, true, 0), upstream("b", 1, true, 1),
                upstream("c", 1, false, 2), upstream("d", 1, true, 3)));
        Pool zeroWeight = new Pool("pool", List.of(upstream("a", 1, true, 0), upstream("b", 1, true, 1),
                upstream("c", 0, true, 2), upstream("d", 1, true, 3)));
        assertEquals(List.of(removed), List.of(assign(HashRing.of(disabled), clients)));
        assertEquals(List.of(removed), List.of(assign(HashRing.of(zeroWeight), clients)));
        HashRing all = HashRing.of(pool("a", "b", "c", "d"));
        Predicate<Upstream> notC = upstream -> !upstream.name().equals("c");
        for (int i = 0; i < clients.length; i++) {
            assertEquals(removed[i], all.find(clients[i], notC).name());
        }
    }

    @Test
    void addingAnUpstreamTakesClientsOnlyForItself() {
        int[] clients = clients(CLIENTS);
        String[] before = assign(HashRing.of(pool("a", "b", "c")), clients);
        String[] after = assign(HashRing.of(pool("a", "b", "c", "d")), clients);
        for (int i = 0; i < clients.length; i++) {
            assertTrue(after[i].equals(before[i]) || after[i].equals("d"));
        }
    }

    @Test
    void theAssignmentDependsOnIdsNotOnPoolOrder() {
        int[] clients = clients(CLIENTS);
        String[] ordered = assign(HashRing.of(pool("a", "b", "c", "d")), clients);
        String[] shuffled = assign(HashRing.of(pool("d", "b", "a", "c")), clients);
        assertEquals(List.of(ordered), List.of(shuffled));
    }

    @Test
    void honoursWeights() {
        Pool pool = new Pool("pool", List.of(upstream("a", 1, true, 0), upstream("b", 2, true, 1),
                upstream("c", 3, true, 2)));
        assertEquals(6 * HashRing.POINTS_PER_WEIGHT, HashRing.of(pool).size());
        int clients = 60_000;
        Map<String, Integer> counts = counts(assign(HashRing.of(pool), clients(clients)));
        for (Upstream upstream : pool.upstreams()) {
            double fair = clients * upstream.weight() / 6.0;
            assertTrue(Math.abs(counts.get(upstream.name()) - fair) <= fair * 0.15, counts.toString());
        }
    }

    @Test
    void picksByAddressHash() throws UnknownHostException {
        HashRing balancer = HashRing.of(pool("a", "b", "c", "d"));
        InetAddress v4 = InetAddress.getByAddress(new byte[] {10, 0, 0, 7});
        assertEquals((10 << 24) + 7, v4.hashCode());
        // The client hash is InetAddress.hashCode(): the address bits for IPv4, as ip_hash expects.
        assertEquals(balancer.find((10 << 24) + 7), balancer.find(v4.hashCode()));
    }

    @Test
    void returnsNullWhenNothingIsEligible() {
        HashRing disabled = HashRing.of(new Pool("pool", List.of(upstream("a", 1, false, 0),
                upstream("b", 0, true, 1))));
        assertNull(disabled.find(42));
        assertNull(HashRing.of(new Pool("pool", List.of())).find(42));
        HashRing all = HashRing.of(pool("a", "b"));
        assertNull(all.find(42, upstream -> false));
    }

}
