package io.balor.bench;

import io.balor.Balor;
import io.balor.config.ListenerConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
 * The L4 data path end to end on loopback: one client round trip of {@code size} bytes through
 * a Balor TCP listener (one loop) to an echo upstream and back. With {@code -prof gc} it shows
 * that forwarding allocates nothing per exchange in steady state: the client and the echo
 * server use fixed arrays, so {@code gc.alloc.rate.norm} is Balor's own allocation (≈ 0 B/op).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TcpTunnelBenchmark {

    @Param({"64", "16384"})
    public int size;

    private ServerSocket echoServer;
    private Thread echoThread;
    private Balor balor;
    private Socket client;
    private OutputStream out;
    private InputStream in;
    private byte[] request;
    private byte[] response;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        echoServer = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        echoThread = new Thread(() -> echo(echoServer), "bench-echo");
        echoThread.setDaemon(true);
        echoThread.start();
        balor = OneLoopRig.start(ListenerConfig.tcp("bench", "127.0.0.1:0", "echo"), echoServer);
        client = OneLoopRig.connect(balor, "bench");
        out = client.getOutputStream();
        in = client.getInputStream();
        request = new byte[size];
        response = new byte[size];
    }

    @Benchmark
    public int roundTrip() throws IOException {
        out.write(request);
        return in.readNBytes(response, 0, size);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        client.close();
        balor.close();
        echoServer.close();
    }

    /** Echoes what the first connection to {@code server} sends, until it closes. */
    static void echo(ServerSocket server) {
        try (Socket socket = server.accept()) {
            socket.setTcpNoDelay(true);
            InputStream upstreamIn = socket.getInputStream();
            OutputStream upstreamOut = socket.getOutputStream();
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = upstreamIn.read(buffer)) > 0) {
                upstreamOut.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the benchmark closed the connection
        }
    }
}
