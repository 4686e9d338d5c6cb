package io.balor.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An attack on the admin API for tests, from loopback addresses other than 127.0.0.1, bounded in
 * time (it stops by itself at its deadline, or at {@link #close}):
 * <ul>
 *   <li>slow-header clients (spread over the addresses given, 50 each by default): each sends a
 *       request line and then one header line a second, never the end of its head, and connects
 *       again when the server closes it;</li>
 *   <li>idle clients (likewise): each connects and sends nothing, and connects again when closed;</li>
 *   <li>login flooders (each from its own address, 127.0.1.N): wrong passwords in a tight loop,
 *       half of them at {@code admin}, half spraying made-up usernames.</li>
 * </ul>
 * Slow and idle clients are plain non-blocking channels driven by one thread; each flooder is a
 * thread. Counts of what the server answered are kept for the test's messages.
 */
final class AdminFlood implements AutoCloseable {

    private final InetSocketAddress target;
    private final long deadline;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "admin-flood");
        thread.setDaemon(true);
        return thread;
    });
    private final List<SocketChannel> slow = new ArrayList<>();
    private final List<SocketChannel> idle = new ArrayList<>();
    /** Connections held after the last round (after the server closed what it would). */
    final AtomicInteger slowHeld = new AtomicInteger();
    final AtomicInteger idleHeld = new AtomicInteger();
    final AtomicInteger slowOpen = new AtomicInteger();
    final AtomicInteger idleOpen = new AtomicInteger();
    final AtomicLong reconnects = new AtomicLong();
    /** Rounds of reconnecting done. */
    final AtomicLong rounds = new AtomicLong();
    final ConcurrentHashMap<Integer, AtomicLong> loginAnswers = new ConcurrentHashMap<>();
    /** Why a flooder's login got no answer: the exception's class and message, counted. */
    final ConcurrentHashMap<String, AtomicLong> loginFailures = new ConcurrentHashMap<>();

    AdminFlood(InetSocketAddress target, long maxSeconds) {
        this.target = target;
        this.deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
    }

    private List<String> slowFrom = List.of("127.0.2.1", "127.0.2.2", "127.0.2.3", "127.0.2.4");
    private List<String> idleFrom = List.of("127.0.3.1", "127.0.3.2", "127.0.3.3", "127.0.3.4", "127.0.3.5",
            "127.0.3.6", "127.0.3.7", "127.0.3.8", "127.0.3.9", "127.0.3.10");

    /** Starts keeping {@code slowClients} slow-header and {@code idleClients} idle connections open. */
    void connect(int slowClients, int idleClients) {
        threads.execute(() -> keepConnections(slowClients, idleClients));
    }

    /** Starts them from one address only: a single host trying to hold every connection. */
    void connectFrom(String address, int slowClients, int idleClients) {
        slowFrom = List.of(address);
        idleFrom = List.of(address);
        connect(slowClients, idleClients);
    }

    /** Starts {@code flooders} login flooders. */
    void flood(int flooders) {
        for (int i = 0; i < flooders; i++) {
            int n = i;
            threads.execute(() -> guess(n));
        }
    }

    private boolean running() {
        return !stop.get() && System.nanoTime() - deadline < 0;
    }

    /** Keeps the slow and idle connections open (reconnecting closed ones), a header line a second on the slow ones. */
    private void keepConnections(int slowClients, int idleClients) {
        byte[] start = ("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        ByteBuffer probe = ByteBuffer.allocate(512);
        long tick = 0;
        while (running()) {
            refill(slow, slowClients, slowFrom, start, probe);
            refill(idle, idleClients, idleFrom, null, probe);
            slowOpen.set(slow.size());
            idleOpen.set(idle.size());
            rounds.incrementAndGet();
            byte[] header = ("X-Slow-" + tick++ + ": y\r\n").getBytes(StandardCharsets.US_ASCII);
            for (SocketChannel channel : slow) {
                try {
                    channel.write(ByteBuffer.wrap(header));
                } catch (IOException e) {
                    // closed by the server: refilled on the next round
                }
            }
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        }
        closeAll(slow);
        closeAll(idle);
    }

    /** Drops the connections the server closed and opens new ones up to {@code count}. */
    private void refill(List<SocketChannel> channels, int count, List<String> from, byte[] start, ByteBuffer probe) {
        dropClosed(channels, probe);
        (start != null ? slowHeld : idleHeld).set(channels.size());
        while (channels.size() < count && running()) {
            try {
                SocketChannel channel = SocketChannel.open();
                channel.bind(new InetSocketAddress(from.get(channels.size() % from.size()), 0));
                channel.connect(target);
                channel.configureBlocking(false);
                if (start != null) {
                    channel.write(ByteBuffer.wrap(start));
                }
                channels.add(channel);
                reconnects.incrementAndGet();
            } catch (IOException e) {
                return;   // refused (the server's connection cap): tried again next round
            }
        }
    }

    /** Drops the connections the server closed. */
    private static void dropClosed(List<SocketChannel> channels, ByteBuffer probe) {
        channels.removeIf(channel -> {
            try {
                probe.clear();
                if (channel.read(probe) < 0) {
                    channel.close();
                    return true;
                }
                return false;
            } catch (IOException e) {
                closeQuietly(channel);
                return true;
            }
        });
    }

    /** Wrong passwords from 127.0.1.(n+1), as fast as the server answers. */
    private void guess(int n) {
        String from = "127.0.1." + (n + 1);
        long attempt = 0;
        while (running()) {
            String user = n % 2 == 0 ? "admin" : "sprayed-" + n + "-" + attempt;
            String body = "{\"username\": \"" + user + "\", \"password\": \"wrong-password-" + attempt++ + "\"}";
            try (Socket socket = new Socket()) {
                socket.bind(new InetSocketAddress(from, 0));
                socket.connect(target, 5_000);
                socket.setSoTimeout(15_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                loginAnswers.computeIfAbsent(status(socket.getInputStream()), k -> new AtomicLong()).incrementAndGet();
            } catch (IOException e) {
                loginAnswers.computeIfAbsent(-1, k -> new AtomicLong()).incrementAndGet();
                loginFailures.computeIfAbsent(e.getClass().getSimpleName() + ": " + e.getMessage(),
                        k -> new AtomicLong()).incrementAndGet();
            }
        }
    }

    /** The status of the answer, read to its end (the server closes after it: Connection: close). */
    private static int status(InputStream in) throws IOException {
        byte[] answer = in.readAllBytes();
        if (answer.length < 12) {
            return -1;
        }
        return Integer.parseInt(new String(answer, 9, 3, StandardCharsets.US_ASCII));
    }

    /** What the flooders were answered: status → count (-1: no answer, and why). */
    String answers() {
        return new java.util.TreeMap<>(loginAnswers) + (loginFailures.isEmpty() ? "" : " " + loginFailures);
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        threads.shutdown();
        if (!threads.awaitTermination(30, TimeUnit.SECONDS)) {
            threads.shutdownNow();
        }
    }

    private static void closeAll(List<SocketChannel> channels) {
        channels.forEach(AdminFlood::closeQuietly);
        channels.clear();
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // gone already
        }
    }
}
