package io.balor.admin.acme.dns;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Debian's {@code pebble-challtestsrv} (Let's Encrypt's challenge test server) run for a test: a
 * real DNS server on 127.0.0.1 whose TXT records are set through its management API
 * ({@code POST /set-txt {"host", "value"}}, {@code POST /clear-txt {"host"}}). Started on free
 * ports, ready when both its management API and its DNS server answer (within a deadline), and
 * killed by its own PID on {@link #close}. Its output goes to a file under the test's directory.
 */
final class ChallTestSrv implements AutoCloseable {

    static final String BINARY = "/usr/bin/pebble-challtestsrv";

    private final Process process;
    private final int management;
    private final int dns;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    ChallTestSrv(Path logDir) throws Exception {
        management = freePort();
        dns = freePort();
        File log = Files.createTempFile(logDir, "challtestsrv", ".log").toFile();
        process = new ProcessBuilder(BINARY, "-management", "127.0.0.1:" + management, "-dns01", "127.0.0.1:" + dns,
                "-http01", "", "-https01", "", "-tlsalpn01", "", "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "")
                .redirectErrorStream(true).redirectOutput(log).start();
        TxtResolver resolver = new TxtResolver(dnsAddress(), Duration.ofMillis(200));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                clearTxt("ready.test.");
                resolver.lookup("ready.test.");
                return;
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                    close();
                    throw new IllegalStateException("pebble-challtestsrv did not come up in 10 s (alive: "
                            + process.isAlive() + "): " + Files.readString(log.toPath()), e);
                }
                LockSupport.parkNanos(20_000_000);      // the polling interval of a bounded readiness wait
            }
        }
    }

    /** Where its DNS server listens. */
    InetSocketAddress dnsAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), dns);
    }

    void setTxt(String host, String value) throws Exception {
        post("/set-txt", "{\"host\":\"" + host + "\",\"value\":\"" + value + "\"}");
    }

    void clearTxt(String host) throws IOException {
        post("/clear-txt", "{\"host\":\"" + host + "\"}");
    }

    private void post(String path, String json) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + path))
                .timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.ofString(json)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException(path + " answered " + response.statusCode() + ": " + response.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** A port free for both TCP and UDP on 127.0.0.1 (challtestsrv's DNS server binds both). */
    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                         tcp.getLocalPort()))) {
                return udp.getLocalPort();
            } catch (IOException e) {
                // the UDP port was taken: try another
            }
        }
        throw new IOException("no port free for both TCP and UDP");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
