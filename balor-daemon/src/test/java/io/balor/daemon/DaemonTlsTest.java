package io.balor.daemon;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon serving HTTPS from a state file whose certificate paths are relative to the file,
 * started in another working directory; openssl makes the certificate and curl (both installed
 * by scripts/test) checks it against that certificate.
 */
class DaemonTlsTest {

    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Duration EXIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void servesHttpsWithACertificateRelativeToTheStateFile() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path certs = Files.createDirectories(etc.resolve("certs"));
        Path workDir = Files.createDirectories(dir.resolve("run"));
        run(certs, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-subj", "/CN=a.example", "-addext", "subjectAltName=DNS:a.example", "-days", "2",
                "-keyout", "k.pem", "-out", "c.pem");

        // Without it the JDK server delays small responses (Nagle against delayed ACK).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/", exchange -> {
            byte[] body = ("hello from " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        upstream.start();
        try {
            Path stateFile = etc.resolve("balor_state.json");
            Files.writeString(stateFile, """
                    {
                      "version": 1,
                      "listeners": [
                        {"name": "web", "listen": "127.0.0.1:0", "protocol": "http", "pool": "app",
                         "tls": {"cert_file": "certs/c.pem", "key_file": "certs/k.pem"},
                         "http_timeouts": {"upstream_response_ms": 10000}}
                      ],
                      "pools": [{"name": "app", "upstreams": ["http://127.0.0.1:%d"]}]
                    }
                    """.formatted(upstream.getAddress().getPort()));
            Pattern line = Pattern.compile("listener web \\(http, tls\\) on 127\\.0\\.0\\.1:(\\d+) -> pool app");
            Map<String, String> env = Map.of("BALOR_STATE_FILE", stateFile.toString(), "BALOR_LOOPS", "1",
                    "BALOR_HTTP_ADDR", "127.0.0.1:0");
            try (DaemonProcess daemon = DaemonProcess.start(workDir, env)) {
                Matcher listener = line.matcher(daemon.awaitLine(line.asPredicate(), STARTUP));
                assertTrue(listener.matches());
                int port = Integer.parseInt(listener.group(1));

                String body = run(workDir, "curl", "-sS", "--max-time", "20",
                        "--cacert", certs.resolve("c.pem").toString(),
                        "--resolve", "a.example:" + port + ":127.0.0.1", "https://a.example:" + port + "/hello");
                assertEquals("hello from /hello", body);

                daemon.terminate();
                assertEquals(0, daemon.awaitExit(EXIT), daemon.stderr());
            }
        } finally {
            upstream.stop(0);
        }
    }

    /** Runs a command in {@code workDir}; returns its output, failing on a non-zero exit or after 30 s. */
    private static String run(Path workDir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        // Both tools write far less than a pipe holds, so waiting before reading cannot stall them.
        boolean ended = process.waitFor(30, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
            throw new AssertionError(command[0] + " did not end within 30 s");
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), command[0] + ": " + out);
        return out;
    }
}
