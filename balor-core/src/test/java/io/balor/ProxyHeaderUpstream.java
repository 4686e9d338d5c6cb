package io.balor;

import io.balor.net.ProxyHeader;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test upstream that expects the PROXY protocol: on each connection it first reads a PROXY
 * header plain, exactly (never a byte past it, with {@link ProxyHeader#wanted}), and records it;
 * a connection that does not start with a valid header is recorded as {@link Header#INVALID} and
 * closed. Then, by {@link Mode}: echoes the bytes that follow, or answers HTTP/1.1 requests
 * (keep-alive, so a proxy could reuse the connection) with {@code conn=N path=P}, or does the
 * same over TLS begun after the header. Records each request with the connection it came on,
 * and which connections the proxy closed.
 */
final class ProxyHeaderUpstream implements AutoCloseable {

    /** What follows the header. */
    enum Mode { ECHO, HTTP, HTTPS }

    /** One connection's PROXY header, as read; addresses in Java's text form. */
    record Header(int connection, String raw, int version, boolean local, String source, int sourcePort,
                  String destination, int destinationPort) {
        static final Header INVALID = new Header(-1, "", 0, false, null, 0, null, 0);
    }

    /** One HTTP request: its first line, and the header of the connection it came on. */
    record Request(String line, Header header) {
    }

    private final TestServer server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Header> headers = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Integer> closedByPeer = new CopyOnWriteArrayList<>();

    ProxyHeaderUpstream(Mode mode, SSLContext tls) throws IOException {
        server = new TestServer(socket -> serve(socket, mode, tls));
    }

    ProxyHeaderUpstream(Mode mode) throws IOException {
        this(mode, null);
    }

    String address() {
        return server.address();
    }

    int port() {
        return server.socketAddress().getPort();
    }

    List<Header> headers() {
        return headers;
    }

    List<Request> requests() {
        return requests;
    }

    /** Connections (by number) whose other end, the proxy, closed them. */
    List<Integer> closedByPeer() {
        return closedByPeer;
    }

    private void serve(Socket socket, Mode mode, SSLContext tls) throws IOException {
        int number = connections.incrementAndGet();
        try (socket) {
            Header header = readHeader(number, socket.getInputStream());
            headers.add(header);
            if (header == Header.INVALID) {
                return;
            }
            switch (mode) {
                case ECHO -> socket.getInputStream().transferTo(socket.getOutputStream());
                case HTTP -> answer(header, socket.getInputStream(), socket.getOutputStream());
                case HTTPS -> {
                    SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(socket, null, socket.getPort(),
                            false);
                    secure.setUseClientMode(false);
                    answer(header, secure.getInputStream(), secure.getOutputStream());
                }
            }
            closedByPeer.add(number);
        }
    }

    /** Reads the header as Balor's own listener does: only the bytes it still needs. */
    static Header readHeader(int number, InputStream in) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        ProxyHeader header = new ProxyHeader();
        while (true) {
            int want = ProxyHeader.wanted(buffer, 0, buffer.position());
            byte[] more = in.readNBytes(want);
            buffer.put(more);
            int verdict = header.parse(buffer, 0, buffer.position());
            if (verdict == ProxyHeader.INVALID || more.length < want) {
                return Header.INVALID;
            }
            if (verdict > 0) {
                byte[] raw = Arrays.copyOf(buffer.array(), verdict);
                int version = raw[0] == 'P' ? 1 : 2;
                if (header.local()) {
                    return new Header(number, text(raw), version, true, null, 0, null, 0);
                }
                int size = header.family() == 4 ? 4 : 16;
                return new Header(number, text(raw), version, false,
                        InetAddress.getByAddress(Arrays.copyOf(header.source(), size)).getHostAddress(),
                        header.sourcePort(),
                        InetAddress.getByAddress(Arrays.copyOf(header.destination(), size)).getHostAddress(),
                        header.destinationPort());
            }
        }
    }

    private static String text(byte[] raw) {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    /** HTTP/1.1 requests without bodies, each answered with a length-delimited body, until the proxy closes. */
    private void answer(Header header, InputStream in, OutputStream out) throws IOException {
        while (true) {
            String head;
            try {
                head = Clients.readHead(in);
            } catch (EOFException | java.net.SocketException e) {
                return;
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).startsWith("closed after: ")) {
                    return;   // the proxy closed the connection between requests
                }
                throw e;
            }
            String line = head.substring(0, head.indexOf("\r\n"));
            requests.add(new Request(line, header));
            String path = line.split(" ")[1];
            byte[] body = ("conn=" + header.connection() + " path=" + path).getBytes(StandardCharsets.US_ASCII);
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
