package io.balor.upstream;

import java.util.List;

/**
 * A named group of upstreams as compiled into a snapshot: immutable, shared by every loop.
 * Each loop keeps its own {@link Balancer} over it.
 *
 * @param upstreamHost HTTP requests carry the upstream's address as Host instead of the client's
 */
public record Pool(String name, List<Upstream> upstreams, boolean upstreamHost) {

    public Pool {
        upstreams = List.copyOf(upstreams);
    }

    /** A pool whose HTTP requests keep the client's Host. */
    public Pool(String name, List<Upstream> upstreams) {
        this(name, upstreams, false);
    }

    public int size() {
        return upstreams.size();
    }

    public Upstream get(int index) {
        return upstreams.get(index);
    }
}
