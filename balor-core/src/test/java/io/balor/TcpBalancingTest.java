package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which upstream an L4 listener picks: weights, disabled upstreams, failover. Real sockets. */
class TcpBalancingTest {

    private final TestResources resources = new TestResources();

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private <T extends AutoCloseable> T track(T resource) {
        return resources.track(resource);
    }

    private Balor start(int loops, UpstreamConfig... upstreams) {
        BalorConfig config = new BalorConfig(
                List.of(ListenerConfig.tcp("front", "127.0.0.1:0", "backends")),
                List.of(PoolConfig.of("backends", upstreams)));
        return track(Balor.start(config, BalorOptions.defaults().withLoops(loops)));
    }

    @Test
    void weightsAreHonouredExactlyAndInterleaved() throws IOException {
        TestServer a = track(TestServer.named("a"));
        TestServer b = track(TestServer.named("b"));
        TestServer c = track(TestServer.named("c"));
        int loops = 2;
        Balor balor = start(loops, UpstreamConfig.of(a.address(), 1), UpstreamConfig.of(b.address(), 2),
                UpstreamConfig.of(c.address(), 3));
        InetSocketAddress front = balor.boundAddress("front");

        List<String> picks = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            picks.add(Clients.readAll(front));
        }

        assertEquals(Map.of("a", 100, "b", 200, "c", 300), count(picks));
        assertEquals(List.of("c", "b", "a", "c", "b", "c"), picks.subList(0, 6), "the smooth sequence, from its start");
        // One position per pool, shared by the loops the sockets go to in turn: every run of 6
        // consecutive connections holds exactly the weights' shares, whichever loop took each.
        for (int start = 0; start + 6 <= picks.size(); start++) {
            assertEquals(Map.of("a", 1, "b", 2, "c", 3), count(picks.subList(start, start + 6)),
                    "window at " + start + ": " + picks);
        }
    }

    /**
     * Issue 12: with each loop keeping its own position, two loops taking connections in turn
     * sent them {@code ONE ONE TWO TWO}. Consecutive connections alternate, for two and three
     * loops, and 3:1 holds in every window of four.
     */
    @Test
    void consecutiveConnectionsAlternateAcrossLoops() throws IOException {
        TestServer one = track(TestServer.named("ONE"));
        TestServer two = track(TestServer.named("TWO"));
        for (int loops = 2; loops <= 3; loops++) {
            Balor balor = start(loops, UpstreamConfig.of(one.address()), UpstreamConfig.of(two.address()));
            List<String> picks = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                picks.add(Clients.readAll(balor.boundAddress("front")));
            }
            assertEquals("ONE TWO ".repeat(12).trim(), String.join(" ", picks), loops + " loops");
            balor.close();
        }

        Balor weighted = start(2, UpstreamConfig.of(one.address(), 3), UpstreamConfig.of(two.address(), 1));
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            picks.add(Clients.readAll(weighted.boundAddress("front")));
        }
        for (int start = 0; start + 4 <= picks.size(); start++) {
            assertEquals(Map.of("ONE", 3, "TWO", 1), count(picks.subList(start, start + 4)),
                    "window at " + start + ": " + picks);
        }
    }

    @Test
    void disabledAndZeroWeightUpstreamsGetNothing() throws IOException {
        TestServer a = track(TestServer.named("a"));
        TestServer b = track(TestServer.named("b"));
        TestServer c = track(TestServer.named("c"));
        Balor balor = start(1, UpstreamConfig.of(a.address()), UpstreamConfig.of(b.address()).withEnabled(false),
                UpstreamConfig.of(c.address(), 0));
        for (int i = 0; i < 20; i++) {
            assertEquals("a", Clients.readAll(balor.boundAddress("front")));
        }
        assertEquals(0, b.accepted());
        assertEquals(0, c.accepted());
    }

    @Test
    void aRefusingUpstreamFailsOverToTheNext() throws IOException {
        TestServer live = track(TestServer.named("live"));
        Balor balor = start(1, UpstreamConfig.of(TestServer.refusingAddress()), UpstreamConfig.of(live.address()));
        for (int i = 0; i < 20; i++) {
            assertEquals("live", Clients.readAll(balor.boundAddress("front")));
        }
        ListenerStats stats = balor.listenerStats().get(0);
        assertEquals(10, stats.connectFailures(), "every other pick is the refusing upstream: " + stats);
        assertEquals(0, stats.unavailable());
    }

    @Test
    void noReachableUpstreamClosesTheClientAndCountsIt() throws IOException {
        Balor balor = start(1, UpstreamConfig.of(TestServer.refusingAddress()),
                UpstreamConfig.of(TestServer.refusingAddress()));
        assertEquals("", Clients.readAll(balor.boundAddress("front")));
        Await.until("the failure is counted", () -> balor.listenerStats().get(0).unavailable() == 1);
        ListenerStats stats = balor.listenerStats().get(0);
        assertEquals(2, stats.connectFailures(), "each upstream is tried once: " + stats);
        assertTrue(balor.sessions().isEmpty());
    }

    private static Map<String, Integer> count(List<String> picks) {
        Map<String, Integer> counts = new HashMap<>();
        for (String pick : picks) {
            counts.merge(pick, 1, Integer::sum);
        }
        return counts;
    }
}
