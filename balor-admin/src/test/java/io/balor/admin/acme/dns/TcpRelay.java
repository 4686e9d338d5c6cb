package io.balor.admin.acme.dns;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Accepts one TCP connection on 127.0.0.1:{@code port} and relays it, both ways, to {@code target}:
 * for a test in which the UDP and TCP sides of one DNS server address are different programs.
 * Its own thread accepts and copies; {@link #close} stops it.
 */
final class TcpRelay implements AutoCloseable {

    private final ServerSocket listening;
    private final Thread thread;

    /** Relays the first connection {@code listening} (bound already) accepts to {@code target}. */
    TcpRelay(ServerSocket listening, InetSocketAddress target) {
        this.listening = listening;
        thread = new Thread(() -> {
            try (Socket client = listening.accept(); Socket upstream = new Socket()) {
                upstream.connect(target, 2000);
                upstream.setSoTimeout(5000);
                client.setSoTimeout(5000);
                Thread back = new Thread(() -> copy(upstream, client), "tcp-relay-back");
                back.start();
                copy(client, upstream);
                back.join(5000);
            } catch (IOException | InterruptedException e) {
                // closed by the test, or the resolver gave up: nothing to relay
            }
        }, "tcp-relay");
        thread.start();
    }

    private static void copy(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // the other side closed
        }
    }

    @Override
    public void close() throws Exception {
        listening.close();
        thread.join(5000);
    }
}
