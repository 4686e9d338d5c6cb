package io.balor.upstream;

import java.net.InetAddress;
import java.util.function.Predicate;

/**
 * The {@code ip_hash} balancer: a client address always goes to the same upstream while that
 * upstream stays eligible, and taking one upstream away moves only its own clients (see
 * {@link HashRing}). Owned by one loop's thread: the ring is shared and immutable, only the
 * keyless fallback below keeps state. No pick allocates.
 *
 * <p>{@link #pick()} has no key to hash. It is not expected on this balancer's path (every TCP
 * session has a client address, computed into a hash once per connection), but rather than fail
 * a session it falls back to smooth weighted round-robin over the same pool, so whatever calls
 * the plain {@link Balancer} interface still gets a fair, weighted choice.
 */
public final class ConsistentHash implements Balancer {

    private final HashRing ring;
    private final SmoothWeightedRoundRobin keyless;

    /** A balancer over a ring built once per snapshot and shared by the loops. */
    public ConsistentHash(HashRing ring) {
        this.ring = ring;
        this.keyless = new SmoothWeightedRoundRobin(ring.pool());
    }

    /** A balancer with a ring of its own (tests, small pools). */
    public ConsistentHash(Pool pool) {
        this(HashRing.of(pool));
    }

    public HashRing ring() {
        return ring;
    }

    /** The upstream for a client address's hash ({@code address.hashCode()}), or null if none is eligible. */
    public Upstream pick(int clientHash) {
        return ring.find(clientHash);
    }

    /** As {@link #pick(int)}, also skipping upstreams {@code usable} rejects (pass a filter held by the caller). */
    public Upstream pick(int clientHash, Predicate<? super Upstream> usable) {
        return ring.find(clientHash, usable);
    }

    /**
     * The upstream for a client address. {@link InetAddress#hashCode()} is the address bits for
     * IPv4 and a fold of the 16 bytes for IPv6; neither allocates.
     */
    public Upstream pick(InetAddress client) {
        return ring.find(client.hashCode());
    }

    /** Without a key: smooth weighted round-robin over the pool (see the class comment). */
    @Override
    public Upstream pick() {
        return keyless.pick();
    }

    @Override
    public Pool pool() {
        return ring.pool();
    }
}
