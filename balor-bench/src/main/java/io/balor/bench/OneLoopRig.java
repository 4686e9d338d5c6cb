package io.balor.bench;

import io.balor.Balor;
import io.balor.BalorOptions;
import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

/**
 * The rig the per-exchange benchmarks share: a one-loop Balor whose one listener sends to a pool
 * of one loopback server, and a client connected to that listener with Nagle off. The caller
 * closes the client, then the Balor. Benchmark setup thread only.
 */
final class OneLoopRig {

    private OneLoopRig() {
    }

    /** Balor with {@code listener}, whose pool (its {@code poolName}) is {@code origin} alone. */
    static Balor start(ListenerConfig listener, ServerSocket origin) {
        return Balor.start(new BalorConfig(List.of(listener),
                        List.of(PoolConfig.of(listener.poolName(), UpstreamConfig.of("127.0.0.1:" + origin.getLocalPort())))),
                BalorOptions.defaults().withLoops(1));
    }

    /** A client connected to {@code balor}'s listener {@code listener}, with Nagle off. */
    static Socket connect(Balor balor, String listener) throws IOException {
        Socket client = new Socket(InetAddress.getLoopbackAddress(), balor.boundAddress(listener).getPort());
        client.setTcpNoDelay(true);
        return client;
    }
}
