package io.balor.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A named group of upstreams that listeners (and later routes) refer to by name. Upstream ids
 * are {@code pool/address}, so editing a pool keeps the state of the upstreams it keeps.
 */
public record PoolConfig(String name, List<UpstreamConfig> upstreams) {

    public PoolConfig {
        upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
    }

    public static PoolConfig of(String name, UpstreamConfig... upstreams) {
        return new PoolConfig(name, List.of(upstreams));
    }

    public PoolConfig withUpstreams(List<UpstreamConfig> newUpstreams) {
        return new PoolConfig(name, newUpstreams);
    }

    void check(String path, Problems problems) {
        Names.check(name, path + ".name", problems);
        checkUpstreams(upstreams, path + ".upstreams", problems);
    }

    static void checkUpstreams(List<UpstreamConfig> upstreams, String path, Problems problems) {
        Set<String> addresses = new HashSet<>();
        for (int i = 0; i < upstreams.size(); i++) {
            UpstreamConfig upstream = upstreams.get(i);
            String at = path + "[" + i + "]";
            upstream.check(at, problems);
            if (upstream.address() != null && !addresses.add(upstream.address().strip())) {
                problems.add(at + ".address", "'" + upstream.address() + "' is listed twice in this pool");
            }
        }
    }
}
