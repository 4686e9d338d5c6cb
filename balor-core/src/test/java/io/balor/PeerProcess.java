package io.balor;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real HAProxy or nginx (the Debian packages {@code scripts/test} installs) run in the
 * foreground from a config file a test writes, as a peer: started, waited for until each of its
 * ports takes connections, its output kept in a log beside the config for failure messages,
 * killed on {@link #close()}. Test thread only.
 */
final class PeerProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private PeerProcess(Process process, Path log) {
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
    static PeerProcess start(Path dir, String config, int... ports) throws IOException {
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, config);
        return run(List.of("haproxy", "-db", "-f", file.toString()), dir.resolve("haproxy.log"), ports);
    }

    /**
     * Writes {@code config} (the inside of nginx's {@code http} block) into {@code dir}, starts
     * nginx on it (its prefix, pid and temp files in {@code dir}) and waits for each of {@code ports}.
     */
    static PeerProcess nginx(Path dir, String httpBlock, int... ports) throws IOException {
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, ("root".equals(System.getProperty("user.name")) ? "user root;\n" : "")
                + "worker_processes 1;\nerror_log " + dir.resolve("nginx-error.log") + " info;\n"
                + "pid " + dir.resolve("nginx.pid") + ";\nevents { worker_connections 256; }\n"
                + "http {\n access_log off;\n client_body_temp_path " + dir + ";\n proxy_temp_path " + dir + ";\n"
                + " fastcgi_temp_path " + dir + ";\n uwsgi_temp_path " + dir + ";\n scgi_temp_path " + dir + ";\n"
                + httpBlock + "\n}\n");
        return run(List.of("nginx", "-p", dir.toString(), "-c", file.toString(), "-g", "daemon off;"),
                dir.resolve("nginx.log"), ports);
    }

    private static PeerProcess run(List<String> command, Path log, int... ports) throws IOException {
        PeerProcess haproxy = new PeerProcess(new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start(), log);
        for (int port : ports) {
            Await.until(command.get(0) + " listens on " + port, Duration.ofSeconds(20), () -> {
                try (Socket probe = new Socket("127.0.0.1", port)) {
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
        }
        return haproxy;
    }

    /** What the peer has written so far, for a failure message. */
    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();   // SIGTERM: nginx's master takes its workers with it (a SIGKILL would orphan them)
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
