package io.balor.daemon;

import io.balor.FileModes;
import io.balor.admin.api.AdminServer;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's local control socket ({@code BALOR_CONTROL_SOCKET}, default {@code control.sock}
 * beside the state file), as HAProxy's stats socket: a Unix socket of mode 600 in an owner-only
 * directory, so the file system says who may use it (the daemon's own user, and root), with no
 * password. {@code balorctl} speaks to it for what lives only in the running daemon's memory.
 *
 * <p>The protocol: one line of request, one line of answer ({@code ok ...} or {@code error ...}),
 * then the connection closes. Requests: {@code unlock NAME} (clears user NAME's login throttle:
 * {@code balorctl users unlock}; written to the audit log) and {@code ping}. A line is at most {@value #MAX_LINE} bytes and must
 * arrive within {@value #READ_SECONDS} s.
 *
 * <p>Threads: one daemon thread ("balor-control") accepts and serves one connection at a time;
 * {@link #close} stops it and removes the socket file.
 */
final class ControlSocket implements AutoCloseable {

    static final int MAX_LINE = 256;
    static final int READ_SECONDS = 5;

    private final Path path;
    private final ServerSocketChannel server;
    private final AdminServer admin;
    private final Thread thread;

    private ControlSocket(Path path, ServerSocketChannel server, AdminServer admin) {
        this.path = path;
        this.server = server;
        this.admin = admin;
        this.thread = new Thread(this::serve, "balor-control");
        thread.setDaemon(true);
    }

    /**
     * Binds {@code path} (its directory made owner-only when missing; a socket left by a daemon
     * that is gone is replaced, anything else there never is) and starts serving.
     *
     * @throws IOException if it cannot be bound, or another daemon answers on it
     */
    static ControlSocket start(Path path, AdminServer admin) throws IOException {
        Path absolute = path.toAbsolutePath();
        FileModes.createPrivateDirectories(absolute.getParent());
        if (Files.exists(absolute, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (!isSocket(absolute)) {
                throw new IOException(absolute + " is there and is not a socket: it is never replaced");
            }
            if (answers(absolute)) {
                throw new IOException("another balor answers on " + absolute);
            }
            Files.delete(absolute);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        // Bound in a directory of its own first, made owner-only, then moved into place: never
        // reachable by others, even for the moment before its mode is set.
        Path staging = absolute.resolveSibling(".balor-" + java.util.HexFormat.of()
                .toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextInt()));
        Path staged = staging.resolve("s");
        boolean posix = FileModes.posix(absolute.getParent());
        try {
            if (posix) {
                Files.createDirectory(staging, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        FileModes.PRIVATE_DIRECTORY));
            } else {
                Files.createDirectory(staging);
            }
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        try {
            server.bind(UnixDomainSocketAddress.of(staged));
            if (posix) {
                Files.setPosixFilePermissions(staged, FileModes.PRIVATE_FILE);
            }
            Files.move(staged, absolute, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        } finally {
            removeQuietly(staged);
            removeQuietly(staging);
        }
        ControlSocket socket = new ControlSocket(absolute, server, admin);
        socket.thread.start();
        return socket;
    }

    /** The request line's answer. */
    String answer(String request) {
        if (request.equals("ping")) {
            return "ok pong";
        }
        if (request.startsWith("unlock ") && request.length() > "unlock ".length()) {
            String name = request.substring("unlock ".length());
            return admin.unlock(name) ? "ok unlocked " + name
                    : "ok " + name + " was not throttled (a restart forgets every throttle)";
        }
        return "error unknown request (known: unlock NAME, ping)";
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                String request = readLine(client);
                String reply = request == null ? "error send one line of at most " + MAX_LINE + " bytes"
                        : answer(request);
                ByteBuffer out = ByteBuffer.wrap((reply + "\n").getBytes(StandardCharsets.UTF_8));
                client.configureBlocking(true);
                while (out.hasRemaining()) {
                    client.write(out);
                }
            } catch (IOException e) {
                // a client gone early, or the socket closed: the loop condition decides
            }
        }
    }

    /** One line (without its newline), or null when it is too long, not UTF-8 text, or late. */
    private static String readLine(SocketChannel client) throws IOException {
        client.configureBlocking(false);
        ByteBuffer in = ByteBuffer.allocate(MAX_LINE + 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READ_SECONDS);
        try (Selector selector = Selector.open()) {
            client.register(selector, SelectionKey.OP_READ);
            while (true) {
                for (int i = 0; i < in.position(); i++) {
                    if (in.get(i) == '\n') {
                        String line = new String(in.array(), 0, i, StandardCharsets.UTF_8).strip();
                        return line.isEmpty() || line.indexOf('\uFFFD') >= 0 ? null : line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (!in.hasRemaining() || left <= 0) {
                    return null;
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                selector.selectedKeys().clear();
                if (client.read(in) < 0) {
                    return null;
                }
            }
        }
    }

    /** Deletes {@code path} if it is there; a failure only leaves an empty staging directory behind. */
    private static void removeQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // left behind, harmless: nothing listens on it
        }
    }

    /** Whether {@code path} is a Unix socket itself (not a link, a file or anything else). */
    private static boolean isSocket(Path path) {
        try {
            Object mode = Files.getAttribute(path, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return mode instanceof Integer bits && (bits & 0170000) == 0140000;   // S_IFSOCK
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether something answers on the socket file {@code path}. */
    private static boolean answers(Path path) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops serving and removes the socket file. */
    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // a leftover socket file is replaced at the next start
        }
    }

    /** Sends {@code request} to the daemon at {@code path} and returns its answer line (balorctl's side). */
    static String send(Path path, String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            ByteBuffer out = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteBuffer in = ByteBuffer.allocate(4096);
            while (channel.read(in) >= 0 && in.hasRemaining()) {
                // until the daemon closes
            }
            return new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).strip();
        }
    }
}
