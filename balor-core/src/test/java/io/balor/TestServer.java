package io.balor;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real upstream for tests: a blocking server on 127.0.0.1 with an ephemeral port and a thread
 * per connection running the given handler. Closing it closes every socket it accepted.
 */
final class TestServer implements AutoCloseable {

    /** What the server does with one accepted connection. */
    interface Handler {
        void handle(Socket socket) throws IOException;
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "test-upstream");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    TestServer(Handler handler) throws IOException {
        server = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
        threads.execute(() -> acceptLoop(handler));
    }

    /** Replies with {@code name} and closes: tells a client which upstream it reached. */
    static TestServer named(String name) throws IOException {
        return new TestServer(socket -> {
            socket.getOutputStream().write(name.getBytes(StandardCharsets.US_ASCII));
            socket.close();
        });
    }

    /** Echoes every byte until the client closes its side, then closes. */
    static TestServer echo() throws IOException {
        return new TestServer(socket -> {
            try (socket) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                byte[] buffer = new byte[16 * 1024];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    out.write(buffer, 0, n);
                }
            }
        });
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    InetSocketAddress socketAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    int accepted() {
        return accepted.get();
    }

    /** A port on 127.0.0.1 that refuses connections (it was bound and released). */
    static String refusingAddress() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + probe.getLocalPort();
        }
    }

    private void acceptLoop(Handler handler) {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            sockets.add(socket);
            threads.execute(() -> {
                try {
                    handler.handle(socket);
                } catch (IOException e) {
                    // the test closed the connection; nothing to report
                } finally {
                    sockets.remove(socket);
                }
            });
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.shutdownNow();
    }
}
