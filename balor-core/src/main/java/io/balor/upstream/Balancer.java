package io.balor.upstream;

/**
 * Picks the upstream for a new session. One instance per pool per loop, so it needs no locks:
 * owned by its loop's thread. Implementations do not allocate per pick.
 */
public interface Balancer {

    /** The next upstream, or null if none is eligible. */
    Upstream pick();

    /** The pool it picks from. */
    Pool pool();
}
