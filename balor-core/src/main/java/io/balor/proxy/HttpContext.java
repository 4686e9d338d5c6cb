package io.balor.proxy;

/**
 * What an {@link HttpSession} and its {@link HttpExchange} ask their loop for at the start of each exchange: the listener's
 * policy in the loop's current snapshot (its routes resolved to their pools' balancers), the
 * loop's keep-alive cache and access-log shard. Implemented by the loop's state; loop thread only.
 */
public interface HttpContext {

    /** The listener's current policy, or null if the listener is gone. */
    HttpPolicy policy();

    /** This loop's idle upstream connections. */
    KeepAliveCache cache();

    /** This loop's shard of the access log, or null when there is none. */
    io.balor.log.AccessLog.Shard accessLog();
}
