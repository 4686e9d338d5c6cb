package io.balor.admin.http;

import com.sun.net.httpserver.HttpServer;

import java.lang.reflect.Field;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Works around a jdk.httpserver bug (JDK 17): when writing a response fails because the client
 * has gone (it read the status and reset the connection, as flood tools do), the server closes the
 * socket but keeps counting the connection among its open ones, in its "response" state, until
 * {@code sun.net.httpserver.maxRspTime} passes. Its cap, {@code jdk.httpserver.maxConnections}, is
 * checked against that count, so a client resetting a few hundred connections a second would keep
 * every new connection refused. Once a second this reaper drops from the server's books the
 * connections the server itself has closed, and only those.
 *
 * <p>The books are private to the JDK: reading them needs {@code --add-opens
 * jdk.httpserver/sun.net.httpserver=ALL-UNNAMED} (the daemon's jar says so in its manifest). Without
 * it the reaper does nothing, {@link #active()} is false, and {@link ApiServer} logs a warning once:
 * the connections are then freed by {@code maxRspTime} alone. Thread: its own daemon thread
 * ("balor-admin-reaper"); the server's sets are synchronized sets, iterated under their lock.
 */
final class ConnectionReaper implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ApiServer.class.getName());

    private final Set<?> all;
    private final List<Set<?>> states;
    private final Field closed;
    private final Field channel;
    private final ScheduledExecutorService thread;

    private ConnectionReaper(Set<?> all, List<Set<?>> states, Field closed, Field channel) {
        this.all = all;
        this.states = states;
        this.closed = closed;
        this.channel = channel;
        this.thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "balor-admin-reaper");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::reap, 1, 1, TimeUnit.SECONDS);
    }

    /** A reaper of {@code server}'s books, or an inactive one when the JDK's internals cannot be read. */
    static ConnectionReaper of(HttpServer server) {
        try {
            Object impl = field(server.getClass(), "server").get(server);
            Class<?> type = impl.getClass();
            List<Set<?>> states = new ArrayList<>();
            for (String name : List.of("reqConnections", "rspConnections", "idleConnections",
                    "newlyAcceptedConnections")) {
                states.add((Set<?>) field(type, name).get(impl));
            }
            Class<?> connection = Class.forName("sun.net.httpserver.HttpConnection");
            return new ConnectionReaper((Set<?>) field(type, "allConnections").get(impl), states,
                    field(connection, "closed"), field(connection, "chan"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "admin API: connections that clients reset are counted open until"
                    + " sun.net.httpserver.maxRspTime passes (a JDK bug Balor works around only with --add-opens"
                    + " jdk.httpserver/sun.net.httpserver=ALL-UNNAMED): " + e);
            return new ConnectionReaper(null, List.of(), null, null);
        }
    }

    /** Whether it can read the server's books. */
    boolean active() {
        return all != null;
    }

    /** Drops the connections the server has closed from its counts; how many. */
    int reap() {
        if (all == null) {
            return 0;
        }
        List<Object> gone = new ArrayList<>();
        synchronized (all) {
            for (Object connection : all) {
                if (isClosed(connection)) {
                    gone.add(connection);
                }
            }
        }
        for (Object connection : gone) {
            for (Set<?> state : states) {
                state.remove(connection);
            }
            all.remove(connection);
        }
        return gone.size();
    }

    /** Open connections as the server counts them (-1 when inactive). */
    int counted() {
        return all == null ? -1 : all.size();
    }

    private boolean isClosed(Object connection) {
        try {
            SocketChannel chan = (SocketChannel) channel.get(connection);
            return closed.getBoolean(connection) && (chan == null || !chan.isOpen());
        } catch (IllegalAccessException e) {
            return false;
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
