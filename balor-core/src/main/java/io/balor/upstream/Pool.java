package io.balor.upstream;

import java.util.List;

/**
 * A named group of upstreams as compiled into a snapshot: immutable, shared by every loop.
 * Each loop keeps its own {@link Balancer} over it.
 */
public record Pool(String name, List<Upstream> upstreams) {

    public Pool {
        upstreams = List.copyOf(upstreams);
    }

    public int size() {
        return upstreams.size();
    }

    public Upstream get(int index) {
        return upstreams.get(index);
    }
}
