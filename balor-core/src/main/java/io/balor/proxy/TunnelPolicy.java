package io.balor.proxy;

/**
 * What a listener's config says about its tunnels, compiled once per config into nanoseconds
 * and bytes. Immutable; shared by every loop.
 *
 * @param listener            the listener's name
 * @param connectTimeoutNanos one upstream connect attempt
 * @param idleTimeoutNanos    no bytes either way for this long closes the session
 * @param highWatermark       stop reading a side while this many bytes wait for the other
 * @param lowWatermark        read again once the backlog is down to this
 */
public record TunnelPolicy(String listener, long connectTimeoutNanos, long idleTimeoutNanos,
                           int highWatermark, int lowWatermark) {
}
