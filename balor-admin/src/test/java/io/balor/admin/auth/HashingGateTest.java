package io.balor.admin.auth;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hashing gate: permits, queues with known clients first, bounded queues and per-client
 * limits that refuse at once. Waits end when the test releases a permit (no sleeping: each
 * step waits for the gate's own count of waiters with a deadline).
 */
class HashingGateTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @org.junit.jupiter.api.AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void refusesWhenAllPermitsAreHeldAndItMayNotWait() {
        HashingGate gate = new HashingGate(2, Duration.ZERO, 8);
        HashingGate.Permit a = gate.enter("10.0.0.1", false);
        HashingGate.Permit b = gate.enter("10.0.0.2", false);
        assertNotNull(a);
        assertNotNull(b);
        assertNull(gate.enter("10.0.0.3", false), "both permits held");
        assertEquals(0, gate.available());
        a.close();
        a.close();   // idempotent: one release
        assertEquals(1, gate.available());
        assertNotNull(gate.enter("10.0.0.3", false), "a released permit can be taken again");
    }

    @Test
    void aClientHasAtMostTwoLoginsUnderWay() {
        HashingGate gate = new HashingGate(4, Duration.ZERO, 8);
        assertNotNull(gate.enter("10.0.0.1", false));
        HashingGate.Permit second = gate.enter("10.0.0.1", true);
        assertNotNull(second);
        assertNull(gate.enter("10.0.0.1", true), "a third from the same client is refused at once");
        assertNotNull(gate.enter("10.0.0.2", false), "another client is not");
        second.close();
        assertNotNull(gate.enter("10.0.0.1", false));
    }

    @Test
    void knownClientsHaveAPermitOfTheirOwnAndAreServedFirstAndFullQueuesRefuseAtOnce() throws Exception {
        HashingGate gate = new HashingGate(1, Duration.ofSeconds(30), 2);
        HashingGate.Permit held = gate.enter("10.0.0.1", false);
        List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> logins = new ArrayList<>();
        logins.add(login(gate, "10.0.0.2", false, order));
        awaitWaiting(gate, 1);
        logins.add(login(gate, "10.0.0.3", false, order));
        awaitWaiting(gate, 2);
        long start = System.nanoTime();
        assertNull(gate.enter("10.0.0.4", false), "the queue of others is full: refused without waiting");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));

        HashingGate.Permit owner = gate.enter("192.0.2.9", true);
        assertNotNull(owner, "a known client does not wait behind the flood's hash: it has a permit of its own");
        logins.add(login(gate, "192.0.2.10", true, order));
        awaitWaiting(gate, 3);
        owner.close();
        logins.get(2).get(10, TimeUnit.SECONDS);
        assertEquals(List.of("192.0.2.10"), order, "the known clients' own permit goes to the next known one only");
        assertEquals(2, gate.waiting(), "the others still wait for the shared permit");

        held.close();
        for (CompletableFuture<Void> login : logins) {
            login.get(10, TimeUnit.SECONDS);
        }
        assertEquals(List.of("192.0.2.10", "10.0.0.2", "10.0.0.3"), order, "then the others, in order");
        assertEquals(1, gate.available());
        assertNotNull(gate.enter("192.0.2.11", true), "the own permit is back too");
    }

    @Test
    void aWaitThatRunsOutIsRefused() {
        HashingGate gate = new HashingGate(1, Duration.ofMillis(50), 8);
        HashingGate.Permit held = gate.enter(null, false);
        assertNull(gate.enter(null, false), "no permit within the wait");
        HashingGate.Permit reserve = gate.enter(null, true);
        assertNotNull(reserve);
        assertNull(gate.enter(null, true), "nor for a known client once its own permit is taken too");
        assertEquals(0, gate.waiting(), "the refused logins left their queues");
        held.close();
        reserve.close();
        assertEquals(1, gate.available());
    }

    @Test
    void anInterruptedWaitIsRefusedAndKeepsTheFlag() {
        HashingGate gate = new HashingGate(1, Duration.ofSeconds(30), 8);
        HashingGate.Permit held = gate.enter(null, false);
        Thread.currentThread().interrupt();
        try {
            assertNull(gate.enter(null, false), "returns at once instead of waiting 30 s");
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        held.close();
        assertEquals(1, gate.available(), "nothing was lost");
    }

    @Test
    void defaultsAreHalfTheCoresTwoSecondsAndEightWaiting() {
        HashingGate gate = new HashingGate();
        assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), gate.capacity());
        assertEquals(gate.capacity(), gate.available());
        assertEquals(2, gate.retryAfterSeconds());
        assertEquals(1, new HashingGate(1, Duration.ZERO, 0).retryAfterSeconds(), "Retry-After is at least 1");
        assertEquals(2, new HashingGate(1, Duration.ofMillis(1500), 0).retryAfterSeconds(), "rounded up");
        assertThrows(IllegalArgumentException.class, () -> new HashingGate(0, Duration.ZERO, 0));
        assertFalse(gate.waiting() > 0);
    }

    private CompletableFuture<Void> login(HashingGate gate, String client, boolean known, List<String> order) {
        return CompletableFuture.runAsync(() -> {
            try (HashingGate.Permit permit = gate.enter(client, known)) {
                assertNotNull(permit, client);
                order.add(client);
            }
        }, threads);
    }

    private static void awaitWaiting(HashingGate gate, int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (gate.waiting() < count) {
            assertTrue(System.nanoTime() < deadline, "never " + count + " waiting");
            LockSupport.parkNanos(1_000_000);
        }
    }
}
