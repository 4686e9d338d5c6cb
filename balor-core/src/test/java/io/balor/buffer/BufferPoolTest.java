package io.balor.buffer;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** {@link BufferPool}: reuse, and trimming what a burst left behind. */
class BufferPoolTest {

    @Test
    void aReleasedBufferIsTakenAgainWithoutAllocating() {
        BufferPool pool = new BufferPool(1024, 4);
        ByteBuffer first = pool.acquire();
        first.put((byte) 1);
        pool.release(first);
        ByteBuffer again = pool.acquire();
        assertSame(first, again);
        assertEquals(0, again.position(), "cleared on release");
        assertEquals(1, pool.allocated());
    }

    @Test
    void trimLetsGoOfWhatABurstLeftAndKeepsSpares() {
        BufferPool pool = new BufferPool(1024, 64);
        List<ByteBuffer> burst = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            burst.add(pool.acquire());
        }
        burst.forEach(pool::release);
        assertEquals(40, pool.pooled());
        assertEquals(0, pool.trim(), "the burst was in this period: all were in use");
        assertEquals(40 - FreeList.SPARE, pool.trim(), "none taken since: all but the spares go");
        assertEquals(FreeList.SPARE, pool.pooled());
        assertEquals(0, pool.trim());
    }

    @Test
    void underSteadyUseTrimmingKeepsWhatIsUsedAndAllocatesNothingMore() {
        BufferPool pool = new BufferPool(1024, 64);
        List<ByteBuffer> held = new ArrayList<>();
        for (int period = 0; period < 5; period++) {
            for (int i = 0; i < 20; i++) {
                held.add(pool.acquire());
            }
            held.forEach(pool::release);
            held.clear();
            pool.trim();
        }
        assertEquals(20, pool.allocated(), "20 in use at once, each period: made once");
        assertEquals(20, pool.pooled());
    }
}
