package io.balor.config;

/**
 * One upstream server of a pool.
 *
 * @param name    a label for people (defaults to the address)
 * @param address {@code host:port}, optionally with a scheme ({@code https://node:6443})
 * @param weight  share of new connections, 0..256 (0 receives none, like HAProxy's weight 0)
 * @param enabled a disabled upstream keeps its place and state but receives no new connections
 */
public record UpstreamConfig(String name, String address, int weight, boolean enabled) {

    public static final int MAX_WEIGHT = 256;

    public UpstreamConfig {
        if (name == null || name.isBlank()) {
            name = address;
        }
    }

    /** An enabled upstream of weight 1. */
    public static UpstreamConfig of(String address) {
        return new UpstreamConfig(address, address, 1, true);
    }

    /** An enabled upstream of the given weight. */
    public static UpstreamConfig of(String address, int weight) {
        return new UpstreamConfig(address, address, weight, true);
    }

    public UpstreamConfig withWeight(int newWeight) {
        return new UpstreamConfig(name, address, newWeight, enabled);
    }

    public UpstreamConfig withEnabled(boolean newEnabled) {
        return new UpstreamConfig(name, address, weight, newEnabled);
    }

    void check(String path, Problems problems) {
        HostPort.Parsed parsed = HostPort.parseUpstream(address);
        if (parsed.error() != null) {
            problems.add(path + ".address", parsed.error());
        } else if (parsed.value().port() == 0) {
            problems.add(path + ".address", "port out of range in '" + address + "' (1-65535)");
        }
        if (weight < 0 || weight > MAX_WEIGHT) {
            problems.add(path + ".weight", "must be between 0 and " + MAX_WEIGHT + ", was " + weight);
        }
    }
}
