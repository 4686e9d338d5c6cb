package io.balor.admin.http;

import com.sun.net.httpserver.HttpServer;
import io.balor.admin.auth.ClientAddress;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps jdk.httpserver's books of open connections honest, and one client from filling them.
 * Every {@value #PERIOD_MILLIS} ms, on its own daemon thread ("balor-admin-reaper"):
 * <ul>
 *   <li>It drops the connections the server itself has closed. This works around a JDK 17 bug:
 *       when writing a response fails because the client has gone (it read the status and reset
 *       the connection, as flood tools do), the server closes the socket but keeps counting the
 *       connection among its open ones until {@code sun.net.httpserver.maxRspTime} passes, and its
 *       cap, {@code jdk.httpserver.maxConnections}, is checked against that count, so a client
 *       resetting a few hundred connections a second would keep every new connection refused.</li>
 *   <li>It closes what one client address ({@link ClientAddress#key}: IPv6 by /64) holds beyond
 *       {@code perClient} connections, those not sending a response first (never one mid-response):
 *       jdk.httpserver accepts on its own thread with no hook, so the cap is applied here, just
 *       after. One client can no longer hold all the server's connections or workers with idle or
 *       slow-header connections; a flood from many addresses is left to the global cap.</li>
 * </ul>
 * Closing goes through the server's own {@code closeConnection}, so its books stay consistent: a
 * worker blocked reading a closed connection's head gets an error and returns.
 *
 * <p>The books are private to the JDK: reading them needs {@code --add-opens
 * jdk.httpserver/sun.net.httpserver=ALL-UNNAMED} (the daemon's jar says so in its manifest). Without
 * it this does nothing, {@link #active()} is false and a warning is logged once. The server's sets
 * are synchronized sets, iterated under their lock.
 */
final class ConnectionReaper implements AutoCloseable {

    static final long PERIOD_MILLIS = 100;
    private static final System.Logger LOG = System.getLogger(ApiServer.class.getName());

    /** The JDK's private parts this reads; null when they cannot be read. */
    private record Books(Object server, Set<?> all, List<Set<?>> states, Field closed, Field channel, Field state,
                         Method closeConnection) {
    }

    private final Books books;
    private final int perClient;
    private final ScheduledExecutorService thread;

    private ConnectionReaper(Books books, int perClient) {
        this.books = books;
        this.perClient = perClient;
        this.thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "balor-admin-reaper");
            t.setDaemon(true);
            return t;
        });
        if (books != null) {
            thread.scheduleWithFixedDelay(this::tend, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A reaper of {@code server}'s books that caps each client at {@code perClient} connections
     * (0: no cap), or an inactive one when the JDK's internals cannot be read.
     */
    static ConnectionReaper of(HttpServer server, int perClient) {
        try {
            Object impl = field(server.getClass(), "server").get(server);
            Class<?> type = impl.getClass();
            List<Set<?>> states = new ArrayList<>();
            for (String name : List.of("reqConnections", "rspConnections", "idleConnections",
                    "newlyAcceptedConnections")) {
                states.add((Set<?>) field(type, name).get(impl));
            }
            Class<?> connection = Class.forName("sun.net.httpserver.HttpConnection");
            Method close = type.getDeclaredMethod("closeConnection", connection);
            close.setAccessible(true);
            return new ConnectionReaper(new Books(impl, (Set<?>) field(type, "allConnections").get(impl), states,
                    field(connection, "closed"), field(connection, "chan"), field(connection, "state"), close),
                    perClient);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "admin API: connections are not capped per client, and those that"
                    + " clients reset are counted open until sun.net.httpserver.maxRspTime passes (a JDK bug): start"
                    + " the JVM with --add-opens jdk.httpserver/sun.net.httpserver=ALL-UNNAMED (" + e + ")");
            return new ConnectionReaper(null, perClient);
        }
    }

    /** Whether it can read the server's books. */
    boolean active() {
        return books != null;
    }

    /** One round: drops the closed connections from the books, then caps each client. */
    void tend() {
        try {
            Map<String, List<Object>> byClient = new HashMap<>();
            List<Object> gone = new ArrayList<>();
            synchronized (books.all()) {
                for (Object connection : books.all()) {
                    SocketChannel channel = (SocketChannel) books.channel().get(connection);
                    if (books.closed().getBoolean(connection) && (channel == null || !channel.isOpen())) {
                        gone.add(connection);
                    } else if (perClient > 0 && channel != null) {
                        byClient.computeIfAbsent(client(channel), k -> new ArrayList<>()).add(connection);
                    }
                }
            }
            for (Object connection : gone) {
                for (Set<?> state : books.states()) {
                    state.remove(connection);
                }
                books.all().remove(connection);
            }
            for (List<Object> connections : byClient.values()) {
                if (connections.size() > perClient) {
                    cap(connections);
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "admin API: the connection reaper skipped a round: " + e);
        }
    }

    /** Closes the connections of one client beyond the cap: idle and newly accepted ones first, then half-read ones. */
    private void cap(List<Object> connections) throws ReflectiveOperationException {
        int surplus = connections.size() - perClient;
        for (String wanted : List.of("NEWLY_ACCEPTED", "IDLE", "REQUEST")) {
            for (Object connection : connections) {
                if (surplus == 0) {
                    return;
                }
                Object state = books.state().get(connection);
                if (state != null && ((Enum<?>) state).name().equals(wanted)) {
                    books.closeConnection().invoke(books.server(), connection);
                    surplus--;
                }
            }
        }
    }

    private static String client(SocketChannel channel) {
        try {
            InetSocketAddress remote = (InetSocketAddress) channel.getRemoteAddress();
            return remote == null ? "" : String.valueOf(ClientAddress.key(remote.getAddress()));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> at = type; at != null; at = at.getSuperclass()) {
            try {
                Field field = at.getDeclaredField(name);
                field.setAccessible(true);
                return field;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
