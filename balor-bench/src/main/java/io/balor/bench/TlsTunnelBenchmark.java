package io.balor.bench;

import io.balor.Balor;
import io.balor.BalorOptions;
import io.balor.config.BalorConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.TlsConfig;
import io.balor.config.UpstreamConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * TLS termination on the data path: one client round trip of {@code size} bytes over a kept
 * TLS 1.3 connection (ECDSA P-256, AES-128-GCM) through a Balor TCP listener that terminates
 * TLS (one loop) to a plain echo upstream. The client's own SSLSocket allocates, so
 * {@code -prof gc} cannot tell Balor's allocation apart; the auxiliary counter
 * {@code loopBytes} is what the event-loop thread alone allocated per round trip (read from
 * {@code ThreadMXBean.getThreadAllocatedBytes}): Balor's code plus the JDK's SSLEngine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TlsTunnelBenchmark {

    @Param({"64", "16384"})
    public int size;

    private ServerSocket echoServer;
    private Balor balor;
    private Path dir;
    private SSLSocket client;
    private OutputStream out;
    private InputStream in;
    private byte[] request;
    private byte[] response;
    private long loopThread;

    /** Bytes the loop thread allocated in an iteration, and its round trips: divide the two. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class LoopAllocation {
        public long loopBytes;
        public long roundTrips;

        @Setup(Level.Iteration)
        public void reset() {
            loopBytes = 0;
            roundTrips = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        echoServer = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread echo = new Thread(() -> TcpTunnelBenchmark.echo(echoServer), "bench-echo");
        echo.setDaemon(true);
        echo.start();
        dir = Files.createTempDirectory("balor-tls-bench");
        writeSelfSigned(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        BalorConfig config = new BalorConfig(
                List.of(ListenerConfig.tcp("bench", "127.0.0.1:0", "echo").withTls(TlsConfig.terminate(
                        dir.resolve("cert.pem").toString(), dir.resolve("key.pem").toString()))),
                List.of(PoolConfig.of("echo", UpstreamConfig.of("127.0.0.1:" + echoServer.getLocalPort()))));
        balor = Balor.start(config, BalorOptions.defaults().withLoops(1));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAll()}, null);
        client = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                balor.boundAddress("bench").getPort());
        client.setTcpNoDelay(true);
        client.startHandshake();
        out = client.getOutputStream();
        in = client.getInputStream();
        request = new byte[size];
        response = new byte[size];
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("balor-loop-0")) {
                loopThread = thread.getId();
            }
        }
    }

    @Benchmark
    public int roundTrip(LoopAllocation allocation) throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getThreadAllocatedBytes(loopThread);
        out.write(request);
        int n = in.readNBytes(response, 0, size);
        allocation.loopBytes += threads.getThreadAllocatedBytes(loopThread) - before;
        allocation.roundTrips++;
        return n;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        client.close();
        balor.close();
        echoServer.close();
        for (String name : List.of("cert.pem", "key.pem")) {
            Files.deleteIfExists(dir.resolve(name));
        }
        Files.deleteIfExists(dir);
    }

    private static void writeSelfSigned(Path cert, Path key) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        X500Name name = new X500Name("CN=localhost");
        Instant now = Instant.now();
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                        Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)),
                        name, keys.getPublic())
                        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        try (Writer writer = Files.newBufferedWriter(cert); JcaPEMWriter pem = new JcaPEMWriter(writer)) {
            pem.writeObject(certificate);
        }
        try (Writer writer = Files.newBufferedWriter(key); JcaPEMWriter pem = new JcaPEMWriter(writer)) {
            pem.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(keys.getPrivate(), null));
        }
    }

    /** The benchmark's own self-signed certificate is all it talks to. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
