package io.balor.admin.auth;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HashingGateTest {

    @Test
    void refusesWhenAllPermitsAreHeld() {
        HashingGate gate = new HashingGate(2, Duration.ZERO);
        assertTrue(gate.tryEnter());
        assertTrue(gate.tryEnter());
        assertFalse(gate.tryEnter(), "both permits held");
        assertEquals(0, gate.available());
        gate.exit();
        assertTrue(gate.tryEnter(), "a released permit can be taken again");
        assertFalse(gate.tryEnter());
    }

    @Test
    void anInterruptedWaitIsRefusedAndKeepsTheFlag() {
        HashingGate gate = new HashingGate(1, Duration.ofSeconds(30));
        assertTrue(gate.tryEnter());
        Thread.currentThread().interrupt();
        try {
            assertFalse(gate.tryEnter(), "returns at once instead of waiting 30 s");
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void defaultsAreHalfTheCoresAndTwoSeconds() {
        HashingGate gate = new HashingGate();
        assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), gate.capacity());
        assertEquals(gate.capacity(), gate.available());
        assertEquals(2, gate.retryAfterSeconds());
        assertEquals(1, new HashingGate(1, Duration.ZERO).retryAfterSeconds(), "Retry-After is at least 1");
        assertEquals(2, new HashingGate(1, Duration.ofMillis(1500)).retryAfterSeconds(), "rounded up");
        assertThrows(IllegalArgumentException.class, () -> new HashingGate(0, Duration.ZERO));
    }
}
