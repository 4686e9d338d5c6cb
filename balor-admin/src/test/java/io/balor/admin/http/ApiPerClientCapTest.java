package io.balor.admin.http;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One client address keeps at most {@link ApiOptions#perClient()} connections (5 here): the idle
 * and slow-header connections it opens beyond that are closed within moments, whatever their
 * state, while another address is served as usual ({@link ConnectionReaper}; the test JVM opens
 * jdk.httpserver to it, as the daemon's jar does).
 */
class ApiPerClientCapTest extends ApiServerTestBase {

    @Override
    ApiOptions options(ApiOptions defaults) {
        return defaults.withPerClient(5);
    }

    @Test
    void oneAddressKeepsFiveConnectionsAndAnotherIsServed() throws Exception {
        assertTrue(api.server.reclaimsResetConnections(), "the surefire JVM opens jdk.httpserver");
        List<Socket> idle = open("127.0.0.2", 20, null);
        List<Socket> slow = open("127.0.0.3", 20, "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n");
        try {
            assertEquals(5, awaitOpen(idle, 5), "idle connections of one address beyond 5 are closed");
            assertEquals(5, awaitOpen(slow, 5), "and slow-header ones");
            assertEquals(200, api.get("/api/health", null).statusCode(), "127.0.0.1 is served meanwhile");
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    private List<Socket> open(String from, int count, String head) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket();
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(api.server.address(), 5_000);
            socket.setSoTimeout(10);
            if (head != null) {
                socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            }
            sockets.add(socket);
        }
        return sockets;
    }

    /** Waits (with a deadline) until only {@code expected} of {@code sockets} are still open; how many are. */
    private static int awaitOpen(List<Socket> sockets, int expected) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int open;
        do {
            open = 0;
            for (Socket socket : sockets) {
                if (!closedByServer(socket)) {
                    open++;
                }
            }
            if (open <= expected) {
                return open;
            }
            LockSupport.parkNanos(20_000_000);
        } while (System.nanoTime() < deadline);
        return open;
    }

    private static boolean closedByServer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }
}
