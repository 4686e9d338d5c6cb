package io.balor.bench;

import io.balor.Balor;
import io.balor.config.ListenerConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The L7 data path end to end on loopback: one HTTP/1.1 request through a Balor HTTP listener
 * (one loop) to a keep-alive origin and its response back, on a kept-alive client connection:
 * parse, route, pick, the kept-alive upstream connection, both heads regenerated, the body
 * relayed ({@code size} bytes). With {@code -prof gc} it shows what an exchange allocates in
 * steady state: the client and the origin use fixed arrays, so {@code gc.alloc.rate.norm} is
 * Balor's own allocation per request (≈ 0 B/op).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HttpExchangeBenchmark {

    private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};

    @Param({"64", "16384"})
    public int size;

    private ServerSocket origin;
    private Balor balor;
    private Socket client;
    private OutputStream out;
    private InputStream in;
    private byte[] request;
    private byte[] response;
    private int responseLength;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        origin = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        byte[] answer = answer(size);
        Thread thread = new Thread(() -> serve(origin, answer), "bench-origin");
        thread.setDaemon(true);
        thread.start();
        balor = OneLoopRig.start(ListenerConfig.http("bench", "127.0.0.1:0", "origin"), origin);
        client = OneLoopRig.connect(balor, "bench");
        out = client.getOutputStream();
        in = client.getInputStream();
        request = "GET /bench HTTP/1.1\r\nHost: bench.test\r\nUser-Agent: jmh\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        response = new byte[size + 4096];
        responseLength = firstResponse();
    }

    @Benchmark
    public int exchange() throws IOException {
        out.write(request);
        return in.readNBytes(response, 0, responseLength);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        client.close();
        balor.close();
        origin.close();
    }

    /** Sends one request and reads its whole response: how long Balor's response to this request is. */
    private int firstResponse() throws IOException {
        out.write(request);
        int filled = 0;
        int headEnd = -1;
        while (headEnd < 0) {
            int n = in.read(response, filled, response.length - filled);
            if (n < 0) {
                throw new IOException("Balor closed the connection");
            }
            filled += n;
            headEnd = indexOf(response, filled, END_OF_HEAD);
        }
        String head = new String(response, 0, headEnd, StandardCharsets.US_ASCII);
        if (!head.startsWith("HTTP/1.1 200") || !head.toLowerCase().contains("content-length: " + size)) {
            throw new IOException("unexpected response head: " + head);
        }
        int length = headEnd + END_OF_HEAD.length + size;
        in.readNBytes(response, filled, length - filled);
        return length;
    }

    private static byte[] answer(int size) {
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + size + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] answer = Arrays.copyOf(head, head.length + size);
        Arrays.fill(answer, head.length, answer.length, (byte) 'x');
        return answer;
    }

    /** Answers each request head on each connection to {@code server} with {@code answer}, keeping it open. */
    private static void serve(ServerSocket server, byte[] answer) {
        try {
            while (true) {
                Socket socket = server.accept();
                Thread connection = new Thread(() -> answerAll(socket, answer), "bench-origin-connection");
                connection.setDaemon(true);
                connection.start();
            }
        } catch (IOException e) {
            // the benchmark closed the server
        }
    }

    private static void answerAll(Socket socket, byte[] answer) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream from = socket.getInputStream();
            OutputStream to = socket.getOutputStream();
            byte[] buffer = new byte[64 * 1024];
            int filled = 0;
            int n;
            while ((n = from.read(buffer, filled, buffer.length - filled)) > 0) {
                filled += n;
                if (indexOf(buffer, filled, END_OF_HEAD) == filled - END_OF_HEAD.length) {
                    to.write(answer);   // a GET: no body, and the next head comes only after this answer
                    filled = 0;
                }
            }
        } catch (IOException e) {
            // Balor closed the connection
        }
    }

    /** Where {@code needle} first occurs in {@code bytes[0, length)}, or -1. */
    private static int indexOf(byte[] bytes, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
