package io.balor;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A real gRPC server and client for tests: {@code grpc/grpc_peer.py} (test resources) on Debian's
 * {@code python3-grpcio}, which {@code scripts/test} installs; the service {@code /balor.test.Echo/}
 * and its cases are described in the script. Both speak h2c with prior knowledge.
 *
 * <p>{@link #start} runs the server and waits for its port; {@link #events()} are what it has
 * seen (one JSON object per call, and the Slow method's start and end); {@link #call} runs one
 * client case against any target (this server, or Balor in front of it) and returns its
 * {@link Result}. Without grpcio the tests fail, saying so. Test thread only.
 */
final class GrpcPeer implements AutoCloseable {

    /** The Debian interpreter: the one python3-grpcio is installed for (not a pyenv shim on PATH). */
    static final String PYTHON = "/usr/bin/python3";

    private static final String NEEDS = "the gRPC peer needs Debian's python3-grpcio for " + PYTHON
            + " (scripts/test installs it)";

    private final Process process;
    private final Path out;
    private final Path err;
    private final int port;

    private GrpcPeer(Process process, Path out, Path err, int port) {
        this.process = process;
        this.out = out;
        this.err = err;
        this.port = port;
    }

    /** Starts the server with its output in {@code dir}; waits (20 s at most) for it to print its port. */
    static GrpcPeer start(Path dir) throws IOException {
        Path out = Files.createTempFile(dir, "grpc-server-", ".out");
        Path err = Files.createTempFile(dir, "grpc-server-", ".err");
        Process process = new ProcessBuilder(PYTHON, script(), "server")
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        String[] first = new String[1];
        try {
            Await.until("the gRPC server's port", () -> {
                boolean ended = !process.isAlive();   // read before the output: all of it is in by then
                List<String> lines = lines(out);
                if (!lines.isEmpty()) {
                    first[0] = lines.get(0);
                    return true;
                }
                if (ended) {
                    throw new AssertionError("the gRPC server ended (exit " + process.exitValue() + "); " + NEEDS
                            + "\n" + read(err));
                }
                return false;
            });
        } catch (RuntimeException | AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
        return new GrpcPeer(process, out, err, Integer.parseInt(first[0].trim()));
    }

    int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}, a client's target. */
    String address() {
        return "127.0.0.1:" + port;
    }

    /** Runs {@code kase} against this server directly. */
    Result call(Path dir, String kase) throws IOException, InterruptedException {
        return call(dir, address(), kase);
    }

    /** The server's events so far, each a JSON object ({@code event}: {@code call}, {@code slow-started}, ...). */
    List<Map<String, Object>> events() {
        List<String> lines = lines(out);
        List<Map<String, Object>> events = new ArrayList<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            events.add(JsonLine.object(line));
        }
        return events;
    }

    /** The first event named {@code event} (20 s at most); fails at once if the server has ended. */
    Map<String, Object> awaitEvent(String event) {
        Object[] found = new Object[1];
        Await.until("the gRPC server's event " + event, () -> {
            boolean ended = !process.isAlive();
            for (Map<String, Object> e : events()) {
                if (event.equals(e.get("event"))) {
                    found[0] = e;
                    return true;
                }
            }
            if (ended) {
                throw new AssertionError("the gRPC server ended without " + event + ":\n" + read(out) + read(err));
            }
            return false;
        });
        @SuppressWarnings("unchecked")
        Map<String, Object> e = (Map<String, Object>) found[0];
        return e;
    }

    /** What the server wrote on stderr (grpcio's errors), for failure messages. */
    String errors() {
        return read(err);
    }

    /** Closes the server's stdin, which stops it; kills it if it is still there 10 s later. */
    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /**
     * Runs the client's case {@code kase} ({@code unary}, {@code unary-fail}, {@code server-stream},
     * {@code client-stream}, {@code bidi}, {@code deadline}; see the script) against {@code target}
     * ({@code host:port}), its output in {@code dir}; kills it and fails if it has not ended in 30 s
     * (its own calls give up after 10 s). Fails when it printed no result (grpcio missing, say).
     */
    static Result call(Path dir, String target, String kase) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "grpc-client-", ".out");
        Path err = Files.createTempFile(dir, "grpc-client-", ".err");
        List<String> command = List.of(PYTHON, script(), "client", target, kase);
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        Duration limit = Duration.ofSeconds(30);
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("did not end within " + limit + ": " + String.join(" ", command) + "\n"
                    + read(out) + read(err));
        }
        List<String> lines = lines(out);
        if (lines.size() != 1) {
            throw new AssertionError(String.join(" ", command) + " printed no result (exit " + process.exitValue()
                    + "); " + NEEDS + "\n" + read(out) + read(err));
        }
        return Result.of(process.exitValue(), lines.get(0), read(err));
    }

    /**
     * One client call: {@code behaved} when it ended as its case expects (the script checks
     * status, messages and trailers), the gRPC status by name ({@code OK}, {@code DEADLINE_EXCEEDED}),
     * its message, the messages received (as Latin-1 text), initial and trailing metadata.
     */
    record Result(boolean behaved, String status, String details, List<String> messages, Map<String, String> initial,
            Map<String, String> trailers, String line, String errors) {

        @SuppressWarnings("unchecked")
        static Result of(int exit, String line, String errors) {
            Map<String, Object> json = JsonLine.object(line);
            return new Result(exit == 0, (String) json.get("status"), (String) json.get("details"),
                    (List<String>) (List<?>) json.get("messages"), (Map<String, String>) (Map<?, ?>) json.get("initial"),
                    (Map<String, String>) (Map<?, ?>) json.get("trailers"), line, errors);
        }

        @Override
        public String toString() {
            return (behaved ? "behaved: " : "did not behave: ") + line + (errors.isEmpty() ? "" : "\n" + errors);
        }
    }

    private static String script() {
        try {
            return Path.of(Objects.requireNonNull(GrpcPeer.class.getResource("/grpc/grpc_peer.py"),
                    "grpc/grpc_peer.py on the test class path").toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The whole lines of {@code file} so far (a line still being written is left out). */
    private static List<String> lines(Path file) {
        String text = read(file);
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
