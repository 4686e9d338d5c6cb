package io.balor.upstream;

import io.balor.metrics.TrafficCounters;

import java.net.InetSocketAddress;

/**
 * One upstream server as compiled into a snapshot: immutable, shared by every loop.
 *
 * @param id       {@code pool/address}: stable across config edits, so per-upstream state
 *                 (health, ejections, stickiness, traffic counters) survives them
 * @param name     the label from the config
 * @param address  resolved when the config was applied (never on a loop); an unresolved one
 *                 counts as a failed connect
 * @param weight   share of new sessions (0 receives none)
 * @param enabled  a disabled upstream receives no new sessions
 * @param index    position in its pool
 * @param authority {@code host:port} as the config wrote it, ASCII: the Host a pool that does not
 *                  preserve the client's sends (shared; never modified)
 * @param tls      an {@code https://} upstream: HTTP listeners speak TLS to it with its pool's settings
 * @param health   what the health checks say, shared with the other snapshots' upstreams of this
 *                 id ({@link UpstreamHealth#unchecked()} when its pool has no checks)
 * @param traffic  its requests, durations, bytes and connections, kept by id like its health
 */
public record Upstream(String id, String name, InetSocketAddress address, int weight, boolean enabled,
                       int index, byte[] authority, boolean tls, UpstreamHealth health, TrafficCounters traffic) {

    /** An upstream whose traffic is not counted. */
    public Upstream(String id, String name, InetSocketAddress address, int weight, boolean enabled,
                    int index, byte[] authority, boolean tls, UpstreamHealth health) {
        this(id, name, address, weight, enabled, index, authority, tls, health, TrafficCounters.NONE);
    }

    /** An upstream that is not health-checked. */
    public Upstream(String id, String name, InetSocketAddress address, int weight, boolean enabled,
                    int index, byte[] authority, boolean tls) {
        this(id, name, address, weight, enabled, index, authority, tls, UpstreamHealth.unchecked());
    }

    /** A plain upstream. */
    public Upstream(String id, String name, InetSocketAddress address, int weight, boolean enabled, int index,
                    byte[] authority) {
        this(id, name, address, weight, enabled, index, authority, false);
    }

    /** An upstream whose authority is its address as written ({@code host:port}). */
    public Upstream(String id, String name, InetSocketAddress address, int weight, boolean enabled, int index) {
        this(id, name, address, weight, enabled, index,
                (address.getHostString() + ":" + address.getPort()).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                false);
    }

    /**
     * Whether a balancer may send new sessions here: enabled, of weight above 0, up by its
     * health checks and not ejected by its passive health. The health part changes while a snapshot is in force (a volatile read), so
     * two calls may differ.
     */
    public boolean eligible() {
        return enabled && weight > 0 && health.up();
    }

    /**
     * The weight a balancer gives it now, scaled by {@link UpstreamHealth#WEIGHT_SCALE}: lower
     * than {@code weight * WEIGHT_SCALE} only while it ramps up after coming back (slow start).
     */
    public long effectiveWeight() {
        return health.weight(weight);
    }

    /**
     * It failed on live traffic because of {@code error} (an {@link UpstreamError}): an
     * {@code upstream} event (at most one per 10 s, {@link FailureEvents}) and, when the failure
     * {@code counts} for passive health (refused or timed-out connects, resets, early closes),
     * a failure there, which may eject it (an event too). Loop threads; the failure path only.
     */
    public void failed(String error, boolean counts, long nowNanos) {
        health.events().report(id, error, nowNanos);
        if (counts && health.failed(nowNanos, error)) {
            FailureEvents.ejected(id, health.trafficFailures(), error, health.ejectNanos());
        }
    }

    /**
     * It answered {@code status} on live traffic: passive health counts a 5xx when configured to
     * (and says so in an event if that ejected it), anything else is a success. Loop threads;
     * allocates nothing unless it ejects.
     */
    public void responded(int status, long nowNanos) {
        if (health.responded(status, nowNanos)) {
            FailureEvents.ejected(id, health.trafficFailures(), health.trafficError(), health.ejectNanos());
        }
    }

    /** Enabled and of weight above 0: eligible when healthy. Fixed for the snapshot. */
    public boolean configured() {
        return enabled && weight > 0;
    }
}
