package io.balor.upstream;

/**
 * Picks the upstream for a new session. Say in the implementation who may call it: the
 * round-robin one is shared by every loop (lock-free), others belong to one loop. Implementations
 * do not lock, block or allocate per pick in steady state.
 */
public interface Balancer {

    /** The next upstream, or null if none is eligible. */
    Upstream pick();

    /** The pool it picks from. */
    Pool pool();
}
