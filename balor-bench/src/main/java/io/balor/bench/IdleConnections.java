package io.balor.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The idle-connection client of {@code scripts/bench}: opens {@code n} keep-alive connections to
 * {@code 127.0.0.1:port}, sends one {@code GET path} on each, reads the answer's first bytes,
 * prints {@code READY ok=N fail=M} and holds every connection open, idle, until it is killed or
 * {@code holdSeconds} pass. Bounded in count and time; loopback only.
 *
 * <p>With {@code --tls} every connection is a TLS one instead: a full handshake (a fresh
 * client context per connection, so no session resumption; SNI {@code localhost}, ALPN
 * {@code http/1.1}, any certificate accepted: a bench client, loopback only), then the request,
 * and the whole answer is read (its {@code Content-Length}) and must be a 200. TLS connections are
 * opened one after the other on blocking sockets (a few thousand take seconds); at most 50 may
 * fail before it gives up.
 *
 * <p>Usage: {@code IdleConnections port n path holdSeconds [--tls]}
 */
public final class IdleConnections {

    private IdleConnections() {
    }

    /** Failures after which the TLS client stops trying (a broken proxy must not keep it looping). */
    private static final int TLS_MAX_FAIL = 50;
    private static final int TLS_TIMEOUT_MILLIS = 10_000;

    public static void main(String[] args) throws IOException, InterruptedException {
        boolean tls = Arrays.asList(args).contains("--tls");
        args = Arrays.stream(args).filter(arg -> !arg.equals("--tls")).toArray(String[]::new);
        int port = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        String path = args.length > 2 ? args[2] : "/small";
        long holdMillis = (args.length > 3 ? Long.parseLong(args[3]) : 120) * 1000;
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
        if (tls) {
            holdTls(target, n, request, holdMillis);
            return;
        }

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

    /** The {@code --tls} client: sequential blocking handshakes, one request each, then hold. */
    private static void holdTls(InetSocketAddress target, int n, byte[] request, long holdMillis)
            throws InterruptedException {
        List<Socket> open = new ArrayList<>(n);
        int failed = 0;
        long start = System.nanoTime();
        long deadline = start + 120_000_000_000L;
        String negotiated = null;
        for (int i = 0; i < n && failed < TLS_MAX_FAIL && System.nanoTime() < deadline; i++) {
            Socket plain = new Socket();
            try {
                plain.setTcpNoDelay(true);
                plain.connect(target, TLS_TIMEOUT_MILLIS);
                plain.setSoTimeout(TLS_TIMEOUT_MILLIS);
                SSLSocket socket = (SSLSocket) trustAll().getSocketFactory()
                        .createSocket(plain, "localhost", target.getPort(), true);
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName("localhost")));
                parameters.setApplicationProtocols(new String[] {"http/1.1"});
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                if (negotiated == null) {
                    negotiated = socket.getSession().getProtocol() + " " + socket.getSession().getCipherSuite()
                            + " alpn=" + socket.getApplicationProtocol();
                }
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
                int status = readResponse(socket.getInputStream());
                if (status != 200) {
                    throw new IOException("status " + status);
                }
                open.add(socket);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                failed++;
                if (failed <= 3) {
                    System.err.println("conn error: " + e);
                }
                try {
                    plain.close();
                } catch (IOException ignored) {
                    // closing a failed socket
                }
            }
        }
        failed = n - open.size();   // with the ones never tried (deadline, too many failures)
        System.out.printf(Locale.ROOT, "READY ok=%d fail=%d secs=%.2f tls=%s%n", open.size(), failed,
                (System.nanoTime() - start) / 1e9, negotiated == null ? "-" : negotiated.replace(' ', '/'));
        System.out.flush();
        Thread.sleep(holdMillis);
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing at exit
            }
        }
    }

    /** A fresh context for every connection: its own (empty) session cache, so no resumption. */
    private static SSLContext trustAll() throws GeneralSecurityException {
        X509TrustManager any = new X509TrustManager() {
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
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {any}, null);
        return context;
    }

    /** Reads one HTTP/1.1 answer framed by Content-Length (the origin's static files); its status. */
    private static int readResponse(InputStream in) throws IOException {
        byte[] buffer = new byte[32 * 1024];
        int filled = 0;
        int headEnd = -1;
        while (headEnd < 0) {
            int read = in.read(buffer, filled, buffer.length - filled);
            if (read < 0) {
                throw new IOException("closed before the response head");
            }
            filled += read;
            for (int i = Math.max(0, filled - read - 3); i + 3 < filled; i++) {
                if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n') {
                    headEnd = i + 4;
                    break;
                }
            }
            if (headEnd < 0 && filled == buffer.length) {
                throw new IOException("response head too large");
            }
        }
        String[] lines = new String(buffer, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ");
        if (statusLine.length < 2) {
            throw new IOException("bad status line: " + lines[0]);
        }
        int status = Integer.parseInt(statusLine[1]);
        long length = 0;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("content-length")) {
                length = Long.parseLong(line.substring(colon + 1).strip());
            }
        }
        long remaining = length - (filled - headEnd);
        while (remaining > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (read < 0) {
                throw new IOException("closed mid-body");
            }
            remaining -= read;
        }
        return status;
    }
}
