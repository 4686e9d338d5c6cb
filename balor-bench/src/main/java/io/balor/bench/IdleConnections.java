package io.balor.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The idle-connection client of {@code scripts/bench}: opens {@code n} keep-alive connections to
 * {@code 127.0.0.1:port}, sends one {@code GET path} on each, reads the answer's first bytes,
 * prints {@code READY ok=N fail=M} and holds every connection open, idle, until it is killed or
 * {@code holdSeconds} pass. Bounded in count and time; loopback only.
 *
 * <p>Usage: {@code IdleConnections port n path holdSeconds}
 */
public final class IdleConnections {

    private IdleConnections() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int port = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        String path = args.length > 2 ? args[2] : "/small";
        long holdMillis = (args.length > 3 ? Long.parseLong(args[3]) : 120) * 1000;
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);

        List<SocketChannel> open = new ArrayList<>(n);
        int failed = 0;
        long deadline = System.nanoTime() + 120_000_000_000L;
        try (Selector selector = Selector.open()) {
            ByteBuffer scratch = ByteBuffer.allocate(512);
            int waiting = 0;
            // Connect and send in batches so the proxy's accept backlog is never overrun.
            for (int started = 0; started < n || waiting > 0; ) {
                while (started < n && waiting < 256) {
                    try {
                        SocketChannel channel = SocketChannel.open(target);
                        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        channel.write(ByteBuffer.wrap(request));
                        channel.configureBlocking(false);
                        channel.register(selector, SelectionKey.OP_READ);
                        waiting++;
                    } catch (IOException e) {
                        failed++;
                    }
                    started++;
                }
                if (System.nanoTime() > deadline) {
                    break;
                }
                selector.select(1000);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel channel = (SocketChannel) key.channel();
                    scratch.clear();
                    int read;
                    try {
                        read = channel.read(scratch);
                    } catch (IOException e) {
                        read = -1;
                    }
                    // A small answer arrives in one read; later bytes (if any) stay in the kernel.
                    key.cancel();
                    waiting--;
                    if (read > 0) {
                        open.add(channel);
                    } else {
                        failed++;
                        channel.close();
                    }
                }
                selector.selectedKeys().clear();
            }
            failed += waiting;
        }
        System.out.println("READY ok=" + open.size() + " fail=" + failed);
        System.out.flush();
        Thread.sleep(holdMillis);
        for (SocketChannel channel : open) {
            channel.close();
        }
    }
}
