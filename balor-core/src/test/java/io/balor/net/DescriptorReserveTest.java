package io.balor.net;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DescriptorReserve}: holds its descriptors, frees them all at once, takes them again. */
class DescriptorReserveTest {

    @Test
    void releaseFreesEveryHeldDescriptorAndRefillTakesThemAgain() {
        DescriptorReserve reserve = new DescriptorReserve(4);
        assertEquals(0, reserve.release(), "nothing held yet");
        assertTrue(reserve.refill());
        assertEquals(4, reserve.held());
        assertTrue(reserve.refill(), "a full reserve stays full");
        assertEquals(4, reserve.held());
        assertEquals(4, reserve.release());
        assertEquals(0, reserve.held());
        assertEquals(0, reserve.release());
        assertTrue(reserve.refill());
        assertEquals(4, reserve.release());
    }
}
