package io.balor.config;

import java.util.List;

/**
 * A bound address and what to do with the connections it accepts.
 *
 * <p>A listener sends its connections to the pool it names, or to its own inline
 * {@code upstreams} (the original Balor's TCP form), never both. Its upstream ids are then
 * {@code listener-name/address}.
 *
 * @param name           unique among listeners
 * @param listen         {@code host:port} to bind ({@code 127.0.0.1:0} picks a free port)
 * @param protocol       {@link Protocol#TCP} today; {@link Protocol#HTTP} is planned
 * @param pool           the name of a pool in {@link BalorConfig#pools()}, or null
 * @param upstreams      inline upstreams, used when {@code pool} is null
 * @param enabled        a disabled listener keeps its config but is not bound
 * @param maxConnections sessions open at once; past it the listener stops accepting (new
 *                       clients wait in the kernel's backlog, as with HAProxy's maxconn) until
 *                       one ends; 0 means no limit
 * @param timeouts       connect, idle and drain timeouts
 */
public record ListenerConfig(String name, String listen, Protocol protocol, String pool,
                             List<UpstreamConfig> upstreams, boolean enabled, int maxConnections,
                             Timeouts timeouts) {

    public ListenerConfig {
        upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
        protocol = protocol == null ? Protocol.TCP : protocol;
        timeouts = timeouts == null ? Timeouts.DEFAULT : timeouts;
    }

    /** An enabled TCP listener that sends its connections to a named pool. */
    public static ListenerConfig tcp(String name, String listen, String pool) {
        return new ListenerConfig(name, listen, Protocol.TCP, pool, List.of(), true, 0, Timeouts.DEFAULT);
    }

    public ListenerConfig withListen(String value) {
        return new ListenerConfig(name, value, protocol, pool, upstreams, enabled, maxConnections, timeouts);
    }

    public ListenerConfig withPool(String value) {
        return new ListenerConfig(name, listen, protocol, value, upstreams, enabled, maxConnections, timeouts);
    }

    public ListenerConfig withUpstreams(List<UpstreamConfig> value) {
        return new ListenerConfig(name, listen, protocol, pool, value, enabled, maxConnections, timeouts);
    }

    public ListenerConfig withEnabled(boolean value) {
        return new ListenerConfig(name, listen, protocol, pool, upstreams, value, maxConnections, timeouts);
    }

    public ListenerConfig withMaxConnections(int value) {
        return new ListenerConfig(name, listen, protocol, pool, upstreams, enabled, value, timeouts);
    }

    public ListenerConfig withTimeouts(Timeouts value) {
        return new ListenerConfig(name, listen, protocol, pool, upstreams, enabled, maxConnections, value);
    }

    /** The name of the pool this listener's connections go to: its own, or the shared one it names. */
    public String poolName() {
        return pool != null ? pool : name;
    }

    void check(String path, Problems problems, java.util.Set<String> poolNames) {
        Names.check(name, path + ".name", problems);
        HostPort.Parsed parsed = HostPort.parseListen(listen);
        if (parsed.error() != null) {
            problems.add(path + ".listen", parsed.error());
        }
        if (protocol == Protocol.HTTP) {
            problems.add(path + ".protocol", "'http' is planned but not supported yet; use 'tcp'");
        }
        if (maxConnections < 0) {
            problems.add(path + ".max_connections", "must be 0 (no limit) or more");
        }
        timeouts.check(path + ".timeouts", problems);
        if (pool != null && !upstreams.isEmpty()) {
            problems.add(path + ".upstreams", "give either 'pool' or 'upstreams', not both");
        } else if (pool != null) {
            if (!poolNames.contains(pool)) {
                problems.add(path + ".pool", "no pool named '" + pool + "'");
            }
        } else if (upstreams.isEmpty()) {
            problems.add(path + ".pool", "a listener needs a pool or at least one upstream");
        } else {
            PoolConfig.checkUpstreams(upstreams, path + ".upstreams", problems);
        }
    }
}
