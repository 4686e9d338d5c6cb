package io.balor.control;

import io.balor.proxy.TunnelRouter;
import io.balor.tls.SniMatcher;
import io.balor.upstream.Balancer;

/**
 * A TCP listener's routes by TLS server name, resolved to the pools' balancers when the snapshot
 * is compiled (the listener's own pool as the default): the {@link TunnelRouter} of each of its
 * tunnels. Immutable; shared by every loop.
 *
 * @param routes      server name to balancer
 * @param passthrough the TLS bytes pass through untouched (else the listener terminates TLS)
 */
record TunnelRouting(SniMatcher<Balancer> routes, boolean passthrough, long helloTimeoutNanos) implements TunnelRouter {

    @Override
    public Balancer route(String serverName) {
        return routes.match(serverName);
    }
}
