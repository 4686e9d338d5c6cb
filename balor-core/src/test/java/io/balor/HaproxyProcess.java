package io.balor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real HAProxy (the Debian package {@code scripts/test} installs) run in the foreground from a
 * config file a test writes, as a peer: started, waited for until each of its ports takes
 * connections, its output kept in {@code haproxy.log} beside the config for failure messages,
 * killed on {@link #close()}. Test thread only.
 */
final class HaproxyProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private HaproxyProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** A free loopback port for one of HAProxy's frontends. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Writes {@code config} into {@code dir}, starts HAProxy on it and waits for each of {@code ports}. */
    static HaproxyProcess start(Path dir, String config, int... ports) throws IOException {
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, config);
        Path log = dir.resolve("haproxy.log");
        HaproxyProcess haproxy = new HaproxyProcess(new ProcessBuilder("haproxy", "-db", "-f", file.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start(), log);
        for (int port : ports) {
            Await.until("HAProxy listens on " + port, Duration.ofSeconds(20), () -> {
                try (Socket probe = new Socket("127.0.0.1", port)) {
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
        }
        return haproxy;
    }

    /** What HAProxy has written so far, for a failure message. */
    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }
}
