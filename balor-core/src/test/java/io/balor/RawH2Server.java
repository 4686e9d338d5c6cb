package io.balor;

import io.balor.http2.Frames;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-driven HTTP/2 server for tests (cleartext, prior knowledge): each connection it accepts
 * runs the test's {@link Script} on a thread of its own, which reads Balor's frames and writes
 * whatever frames it likes, well-formed or not, with {@link Frames}. Header blocks it sends are
 * HPACK literals without indexing (no table, no Huffman), so a script needs no encoder state; it
 * does not decode Balor's header blocks, only counts them. It keeps the connection send window
 * from Balor's WINDOW_UPDATEs so a script may play fair ({@link Peer#dataFair}).
 */
final class RawH2Server implements AutoCloseable {

    /** What the server does on one connection. */
    interface Script {
        void run(Peer peer) throws Exception;
    }

    /** One frame read from Balor. */
    record Frame(int type, int flags, int stream, byte[] payload) {
        boolean has(int flag) {
            return (flags & flag) != 0;
        }
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();

    RawH2Server(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                Socket socket;
                try {
                    socket = server.accept();
                } catch (IOException e) {
                    return;
                }
                sockets.add(socket);
                int ordinal = connections.incrementAndGet();
                Thread t = new Thread(() -> {
                    try (socket) {
                        script.run(new Peer(socket, ordinal));
                    } catch (IOException ignored) {
                        // Balor closed the connection
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "raw-h2-peer");
                t.setDaemon(true);
                t.start();
            }
        }, "raw-h2-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        acceptor.join(5000);
    }

    /** One connection's frames, both ways. */
    static final class Peer {
        private final DataInputStream in;
        private final OutputStream out;
        /** What Balor lets this side send on the connection (its WINDOW_UPDATEs on stream 0 add to it). */
        long connectionWindow = Frames.DEFAULT_WINDOW;
        int headersSeen;

        private final int ordinal;

        Peer(Socket socket, int ordinal) throws IOException {
            this.ordinal = ordinal;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        /** Which connection this is: 1 for the server's first. */
        int ordinal() {
            return ordinal;
        }

        /** Reads Balor's preface and sends this side's SETTINGS ({@code pairs}: id, value, ...). */
        void handshake(int... pairs) throws IOException {
            byte[] preface = new byte[Frames.CLIENT_PREFACE.length];
            in.readFully(preface);
            if (!java.util.Arrays.equals(preface, Frames.CLIENT_PREFACE)) {
                throw new AssertionError("not the client preface");
            }
            ByteBuffer b = ByteBuffer.allocate(9 + 6 * pairs.length / 2);
            Frames.settings(b, pairs);
            send(b);
        }

        /** The next frame; SETTINGS get their ACK and connection WINDOW_UPDATEs are counted on the way. */
        Frame read() throws IOException {
            int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int stream = in.readInt() & Integer.MAX_VALUE;
            byte[] payload = new byte[length];
            in.readFully(payload);
            if (type == Frames.SETTINGS && (flags & Frames.ACK) == 0) {
                ByteBuffer b = ByteBuffer.allocate(9);
                Frames.settingsAck(b);
                send(b);
            } else if (type == Frames.WINDOW_UPDATE && stream == 0) {
                connectionWindow += ByteBuffer.wrap(payload).getInt() & Integer.MAX_VALUE;
            } else if (type == Frames.HEADERS) {
                headersSeen++;
            }
            return new Frame(type, flags, stream, payload);
        }

        /** Reads until a frame of {@code type} (of any stream) and returns it. */
        Frame await(int type) throws IOException {
            while (true) {
                Frame f = read();
                if (f.type() == type) {
                    return f;
                }
            }
        }

        /** Reads until the request on some stream is whole (END_STREAM on its HEADERS or DATA); returns its id. */
        int awaitRequest() throws IOException {
            while (true) {
                Frame f = read();
                if ((f.type() == Frames.HEADERS || f.type() == Frames.DATA) && f.has(Frames.END_STREAM)) {
                    return f.stream();
                }
            }
        }

        /** A HEADERS frame of literal fields ({@code fields}: name, value, ...), END_HEADERS set. */
        void headers(int stream, boolean endStream, String... fields) throws IOException {
            byte[] block = block(fields);
            frame(Frames.HEADERS, Frames.END_HEADERS | (endStream ? Frames.END_STREAM : 0), stream, block);
        }

        /** DATA as one frame, whatever the windows say. */
        void data(int stream, byte[] bytes, boolean endStream) throws IOException {
            frame(Frames.DATA, endStream ? Frames.END_STREAM : 0, stream, bytes);
            connectionWindow -= bytes.length;
        }

        /**
         * {@code total} octets of DATA in frames of up to 16384, each sent only once the connection
         * window allows it (the stream's is assumed to be Balor's 65535 and given back as read).
         */
        void dataFair(int stream, int total, boolean endStream) throws IOException {
            int sent = 0;
            while (sent < total) {
                while (connectionWindow <= 0) {
                    read();
                }
                int n = (int) Math.min(Math.min(16384, total - sent), connectionWindow);
                data(stream, new byte[n], endStream && sent + n == total);
                sent += n;
            }
            if (total == 0 && endStream) {
                data(stream, new byte[0], true);
            }
        }

        void frame(int type, int flags, int stream, byte[] payload) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(9 + payload.length);
            Frames.header(b, payload.length, type, flags, stream);
            b.put(payload);
            send(b);
        }

        void send(ByteBuffer b) throws IOException {
            out.write(b.array(), 0, b.position());
            out.flush();
        }

        /** HPACK literals without indexing, new names, 7-bit lengths with continuation. */
        static byte[] block(String... fields) {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < fields.length; i += 2) {
                b.write(0x00);
                string(b, fields[i]);
                string(b, fields[i + 1]);
            }
            return b.toByteArray();
        }

        private static void string(java.io.ByteArrayOutputStream b, String s) {
            byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
            int n = bytes.length;
            if (n < 127) {
                b.write(n);
            } else {
                b.write(127);
                n -= 127;
                while (n >= 128) {
                    b.write((n & 0x7f) | 0x80);
                    n >>>= 7;
                }
                b.write(n);
            }
            b.writeBytes(bytes);
        }
    }
}
