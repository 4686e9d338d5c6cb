package io.balor.bench;

import io.balor.Balor;
import io.balor.BalorOptions;
import io.balor.CertificateStatus;
import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.Timeouts;
import io.balor.config.TlsConfig;
import io.balor.config.UpstreamConfig;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * <tr><td>{@code BALOR_L7_PORT}</td><td>an HTTP/1.1 listener on {@code 127.0.0.1:<port>} to that pool,
 *     (keep-alive to clients and upstreams), which also takes HTTP/2 with prior knowledge (h2c:
 *     {@code h2load} without {@code --h1})</td></tr>
 * <tr><td>{@code BALOR_TLS_PORT}</td><td>an HTTP/1.1 listener {@code tls} on {@code 127.0.0.1:<port>}
 *     terminating TLS (1.3 and 1.2, ALPN {@code h2} and {@code http/1.1}) with the certificate below, to the same
 *     pool over plain HTTP (keep-alive both ways); at least one of the three ports is required</td></tr>
 * <tr><td>{@code BALOR_TLS_CERT}</td><td>PEM certificate chain of the TLS listener (required with
 *     {@code BALOR_TLS_PORT}; the rig's is a self-signed ECDSA P-256 one)</td></tr>
 * <tr><td>{@code BALOR_TLS_KEY}</td><td>its PEM private key (PKCS#8, or SEC1 EC / PKCS#1 RSA;
 *     required with {@code BALOR_TLS_PORT})</td></tr>
 * <tr><td>{@code BALOR_LOOPS}</td><td>event loops (default 1: the rig pins the proxy to one CPU)</td></tr>
 * <tr><td>{@code BALOR_ACCESS_LOG_DIR}</td><td>turns the access log on, every exchange, files in this
 *     directory (to measure what it costs)</td></tr>
 * <tr><td>{@code BALOR_BUFFER_SIZE}</td><td>bytes of one pooled buffer (default: Balor's)</td></tr>
 * </table>
 *
 * <p>{@code BALOR_TLS_P12} / {@code BALOR_TLS_P12_PASSWORD} (the same certificate as a PKCS#12
 * keystore, also set by the shared rig) are not used: Balor reads PEM files.
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
        String l7Port = env("BALOR_L7_PORT", null);
        String tlsPort = env("BALOR_TLS_PORT", null);
        if (backends == null || (l4Port == null && l7Port == null && tlsPort == null)) {
            System.err.println("RigProxy: BALOR_BACKENDS and at least one of BALOR_L4_PORT, BALOR_L7_PORT,"
                    + " BALOR_TLS_PORT are required"
                    + " (e.g. BALOR_BACKENDS=127.0.0.1:18001,127.0.0.1:18002 BALOR_L4_PORT=18301)");
            System.exit(2);
        }
        String tlsCert = env("BALOR_TLS_CERT", null);
        String tlsKey = env("BALOR_TLS_KEY", null);
        if (tlsPort != null) {
            for (String[] file : new String[][] {{"BALOR_TLS_CERT", tlsCert}, {"BALOR_TLS_KEY", tlsKey}}) {
                if (file[1] == null || !Files.isReadable(Path.of(file[1]))) {
                    System.err.println("RigProxy: BALOR_TLS_PORT needs " + file[0] + ", a readable PEM file"
                            + (file[1] == null ? "" : " (not readable: " + file[1] + ")"));
                    System.exit(2);
                }
            }
        }

        List<UpstreamConfig> upstreams = new ArrayList<>();
        for (String backend : backends.split(",")) {
            if (!backend.isBlank()) {
                upstreams.add(UpstreamConfig.of(backend.strip()));
            }
        }
        // A short drain: on SIGTERM the rig's clients are gone, and the rig kills after 5 s.
        Timeouts timeouts = Timeouts.DEFAULT.withDrain(Duration.ofSeconds(2));
        List<ListenerConfig> listeners = new ArrayList<>();
        if (l4Port != null) {
            listeners.add(ListenerConfig.tcp("l4", "127.0.0.1:" + l4Port.strip(), "backends").withTimeouts(timeouts));
        }
        if (l7Port != null) {
            listeners.add(ListenerConfig.http("l7", "127.0.0.1:" + l7Port.strip(), "backends").withTimeouts(timeouts)
                    .withHttp(io.balor.config.HttpSettings.DEFAULT.withHttp2(true)));
        }
        if (tlsPort != null) {
            listeners.add(ListenerConfig.http("tls", "127.0.0.1:" + tlsPort.strip(), "backends").withTimeouts(timeouts)
                    .withTls(TlsConfig.terminate(tlsCert, tlsKey)));
        }
        BalorConfig config = new BalorConfig(listeners, List.of(new PoolConfig("backends", upstreams)));

        BalorOptions options = BalorOptions.defaults().withLoops(Integer.parseInt(env("BALOR_LOOPS", "1")));
        String accessLog = env("BALOR_ACCESS_LOG_DIR", null);
        if (accessLog != null) {
            options = options.withAccessLog(io.balor.AccessLogOptions.MEMORY.inDirectory(java.nio.file.Path.of(accessLog)));
        }
        String bufferSize = env("BALOR_BUFFER_SIZE", null);
        if (bufferSize != null) {
            options = options.withBufferSize(Integer.parseInt(bufferSize));
        }

        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());

        Balor balor = Balor.start(config, options);
        StringBuilder bound = new StringBuilder();
        for (ListenerConfig listener : listeners) {
            bound.append(listener.name()).append(" listening on ").append(balor.boundAddress(listener.name()))
                    .append(", ");
        }
        System.out.println("RigProxy: " + bound + "-> " + upstreams.size()
                + " upstreams, loops=" + options.loops() + ", bufferSize=" + options.bufferSize()
                + ", pid=" + ProcessHandle.current().pid());
        // A certificate that did not load makes every handshake fail: say so, and stop at once.
        for (CertificateStatus certificate : balor.certificates()) {
            System.out.println("RigProxy: certificate " + certificate.certFile() + ": subject=" + certificate.subject()
                    + " names=" + certificate.dnsNames()
                    + (certificate.problem() == null ? "" : " PROBLEM: " + certificate.problem()));
            if (certificate.subject() == null) {
                System.out.flush();
                balor.close();
                System.exit(2);
            }
        }
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
