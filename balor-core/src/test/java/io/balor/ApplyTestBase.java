package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;
import io.balor.time.ManualTicker;
import org.junit.jupiter.api.AfterEach;

import java.util.List;

/** What the live-apply tests share: two loops on a manual ticker, and closing what a test opened. */
abstract class ApplyTestBase {

    final TestResources resources = new TestResources();
    final ManualTicker ticker = new ManualTicker();

    @AfterEach
    void closeResources() throws Exception {
        resources.close();
    }

    <T extends AutoCloseable> T track(T resource) {
        return resources.track(resource);
    }

    Balor start(BalorConfig config) {
        return track(Balor.start(config, BalorOptions.defaults().withLoops(2).withTicker(ticker)));
    }

    static BalorConfig config(String pool, List<ListenerConfig> listeners, UpstreamConfig... upstreams) {
        return new BalorConfig(listeners, List.of(PoolConfig.of(pool, upstreams)));
    }
}
