package io.balor.admin.state;

import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A child process for {@link StateFileCrashTest}: saves ever-changing states to the file named by
 * its argument, as fast as it can, printing "saving" once the first save is done, until it is
 * killed or has saved 1,000,000 times (a bound, should nobody kill it).
 */
public final class StateWriterChild {

    private StateWriterChild() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        for (int n = 1; n <= 1_000_000; n++) {
            StateFile.save(file, new BalorState(config(n), Map.of()));
            if (n == 1) {
                System.out.println("saving");
                System.out.flush();
            }
        }
    }

    /** A config whose size changes with {@code n}, so a torn write would show. */
    static BalorConfig config(int n) {
        List<UpstreamConfig> upstreams = new ArrayList<>();
        for (int i = 0; i <= n % 40; i++) {
            upstreams.add(UpstreamConfig.of("10.0." + (i / 250) + "." + (i % 250 + 1) + ":" + (8000 + n % 1000)));
        }
        return new BalorConfig(List.of(ListenerConfig.tcp("l" + n, "127.0.0.1:" + (10000 + n % 5000), "p")),
                List.of(new PoolConfig("p", upstreams)));
    }
}
