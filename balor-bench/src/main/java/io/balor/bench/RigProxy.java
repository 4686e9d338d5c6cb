package io.balor.bench;

import io.balor.Balor;
import io.balor.BalorOptions;
import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.Timeouts;
import io.balor.config.UpstreamConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import sun.misc.Signal;

/**
 * The proxy under test for {@code scripts/bench} and the shared performance-anchor rig: an
 * embedded Balor configured from the rig's environment, in the foreground, until SIGTERM.
 *
 * <table>
 * <caption>Environment</caption>
 * <tr><td>{@code BALOR_BACKENDS}</td><td>comma-separated {@code host:port} upstreams (required);
 *     one pool, equal weights, so smooth weighted round-robin is plain round-robin</td></tr>
 * <tr><td>{@code BALOR_L4_PORT}</td><td>a TCP listener on {@code 127.0.0.1:<port>} to that pool</td></tr>
 * <tr><td>{@code BALOR_LOOPS}</td><td>event loops (default 1: the rig pins the proxy to one CPU)</td></tr>
 * <tr><td>{@code BALOR_BUFFER_SIZE}</td><td>bytes of one pooled buffer (default: Balor's)</td></tr>
 * <tr><td>{@code BALOR_L7_PORT}, {@code BALOR_TLS_PORT}</td><td>not supported yet: reported and ignored</td></tr>
 * </table>
 *
 * <p>The process must <em>be</em> the measured process (the rig reads CPU and RSS from its PID),
 * so it neither forks nor daemonizes. SIGTERM and SIGINT close Balor and exit with status 0
 * (the JVM's default handler would exit with 143).
 */
public final class RigProxy {

    private RigProxy() {
    }

    public static void main(String[] args) throws InterruptedException {
        String backends = env("BALOR_BACKENDS", null);
        String l4Port = env("BALOR_L4_PORT", null);
        if (backends == null || l4Port == null) {
            System.err.println("RigProxy: BALOR_BACKENDS and BALOR_L4_PORT are required"
                    + " (e.g. BALOR_BACKENDS=127.0.0.1:18001,127.0.0.1:18002 BALOR_L4_PORT=18301)");
            System.exit(2);
        }
        for (String unsupported : new String[] {"BALOR_L7_PORT", "BALOR_TLS_PORT"}) {
            if (env(unsupported, null) != null) {
                System.out.println("RigProxy: " + unsupported + " is not supported yet (L4 only); ignored");
            }
        }

        List<UpstreamConfig> upstreams = new ArrayList<>();
        for (String backend : backends.split(",")) {
            if (!backend.isBlank()) {
                upstreams.add(UpstreamConfig.of(backend.strip()));
            }
        }
        BalorConfig config = new BalorConfig(
                // A short drain: on SIGTERM the rig's clients are gone, and the rig kills after 5 s.
                List.of(ListenerConfig.tcp("l4", "127.0.0.1:" + l4Port.strip(), "backends")
                        .withTimeouts(Timeouts.DEFAULT.withDrain(Duration.ofSeconds(2)))),
                List.of(new PoolConfig("backends", upstreams)));

        BalorOptions options = BalorOptions.defaults().withLoops(Integer.parseInt(env("BALOR_LOOPS", "1")));
        String bufferSize = env("BALOR_BUFFER_SIZE", null);
        if (bufferSize != null) {
            options = options.withBufferSize(Integer.parseInt(bufferSize));
        }

        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());

        Balor balor = Balor.start(config, options);
        System.out.println("RigProxy: l4 listening on " + balor.boundAddress("l4") + " -> " + upstreams.size()
                + " upstreams, loops=" + options.loops() + ", bufferSize=" + options.bufferSize()
                + ", pid=" + ProcessHandle.current().pid());
        System.out.flush();

        stop.await();
        System.out.println("RigProxy: stopping; " + balor.listenerStats());
        balor.close();
        System.out.println("RigProxy: stopped");
        System.out.flush();
        System.exit(0);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
