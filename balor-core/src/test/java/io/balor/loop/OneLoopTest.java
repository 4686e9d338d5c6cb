package io.balor.loop;

import io.balor.time.ManualTicker;
import org.junit.jupiter.api.AfterEach;

/** For tests on a real loop: a group of one loop on a manual ticker, shut down after each test. */
public abstract class OneLoopTest {

    protected final ManualTicker ticker = new ManualTicker();
    protected final LoopGroup group = new LoopGroup(1, ticker, 1024, 4);
    protected final EventLoop loop = group.get(0);

    @AfterEach
    void shutdownLoop() {
        group.shutdown(2_000);
    }
}
