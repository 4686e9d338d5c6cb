package io.balor.proxy;

import io.balor.http.HttpLimits;
import io.balor.loop.LoopGroup;
import io.balor.time.ManualTicker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** {@link HttpExchanges}: an exchange given back is taken again, and a burst's leftovers are trimmed. */
class HttpExchangesTest {

    private final LoopGroup group = new LoopGroup(1, new ManualTicker(), 1024, 4);
    private final HttpExchanges exchanges = new HttpExchanges(group.get(0), HttpLimits.DEFAULT,
            new KeepAliveCache(group.get(0), 4, 1_000_000_000L), 64);

    @AfterEach
    void tearDown() {
        group.shutdown(2_000);
    }

    @Test
    void anExchangeGivenBackIsTakenAgain() {
        HttpExchange first = exchanges.acquire();
        exchanges.release(first);
        assertEquals(1, exchanges.pooled());
        assertSame(first, exchanges.acquire());
        assertEquals(1, exchanges.made());
        assertEquals(0, exchanges.pooled());
    }

    @Test
    void trimKeepsSparesAfterABurst() {
        List<HttpExchange> burst = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            burst.add(exchanges.acquire());
        }
        burst.forEach(exchanges::release);
        assertEquals(0, exchanges.trim(), "all were in use in this period");
        assertEquals(30 - io.balor.buffer.FreeList.SPARE, exchanges.trim());
        assertEquals(io.balor.buffer.FreeList.SPARE, exchanges.pooled());
        assertEquals(30, exchanges.made());
    }
}
