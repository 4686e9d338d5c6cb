package io.balor.loop;

import io.balor.time.ManualTicker;
import org.junit.jupiter.api.AfterEach;

/** For tests on a real loop: a group of one loop on a manual ticker, shut down after each test. */
public abstract class OneLoopTest {

    protected final ManualTicker ticker = new ManualTicker();
    protected final LoopGroup group;
    protected final EventLoop loop;

    /** With the loop's buffers of 1 KiB. */
    protected OneLoopTest() {
        this(1024);
    }

    protected OneLoopTest(int bufferSize) {
        group = new LoopGroup(1, ticker, bufferSize, 4);
        loop = group.get(0);
    }

    @AfterEach
    void shutdownLoop() {
        group.shutdown(2_000);
    }
}
