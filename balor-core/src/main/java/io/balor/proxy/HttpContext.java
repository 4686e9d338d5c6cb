package io.balor.proxy;

import io.balor.upstream.Balancer;

/**
 * What an {@link HttpSession} and its {@link HttpExchange} ask their loop for at the start of each exchange: the listener's
 * policy in the loop's current snapshot and that snapshot's balancer for a pool (shared by every
 * loop). Implemented by the loop's state; loop thread only.
 */
public interface HttpContext {

    /** The listener's current policy, or null if the listener is gone. */
    HttpPolicy policy();

    /** The current snapshot's balancer for the named pool, or null. */
    Balancer balancer(String pool);

    /** This loop's idle upstream connections. */
    KeepAliveCache cache();

    /** This loop's shard of the access log, or null when there is none. */
    io.balor.log.AccessLog.Shard accessLog();
}
