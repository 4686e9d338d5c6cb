package io.balor.admin.http;

import io.balor.admin.auth.Role;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * The server side of {@link ApiServerTimeoutTest}, run in a JVM of its own because
 * jdk.httpserver reads its timeouts once per JVM: applies {@link ApiServer#applyTimeoutDefaults()}
 * on top of whatever {@code -D} settings it was started with, starts an API on 127.0.0.1 port 0,
 * prints {@code PORT <n>} and the effective settings, and stops when its standard input closes.
 */
public final class TimeoutServerMain {

    private TimeoutServerMain() {
    }

    public static void main(String[] args) throws Exception {
        ApiServer.applyTimeoutDefaults();
        ApiServer server = ApiServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                List.of(Endpoint.get("/api/ping", Access.PUBLIC, r -> ApiResponse.ok(Map.of("pong", true))),
                        Endpoint.get("/api/big", Access.PUBLIC, r -> ApiResponse.ok(Map.of("pad", "x".repeat(256 * 1024)))),
                        Endpoint.get("/api/private", Access.atLeast(Role.VIEWER), r -> ApiResponse.noContent())),
                ApiOptions.defaults(Authentication.nobody(), new AuditRing(10)).withStopDelaySeconds(0));
        for (String name : ApiServer.TIMEOUT_DEFAULTS.keySet()) {
            System.out.println("SET " + name + "=" + System.getProperty(name));
        }
        System.out.println("REAPS " + server.reclaimsResetConnections());
        System.out.println("PORT " + server.address().getPort());
        System.out.flush();
        while (System.in.read() != -1) {
            // runs until the test closes our standard input
        }
        server.close();
    }
}
