package io.balor.upstream;

/**
 * Makes the balancer of a pool for each snapshot: the one place that says which strategy a pool
 * picks by. The supervisor calls it while compiling a snapshot (its thread only); the balancer
 * it makes is shared by every loop of that snapshot, or says otherwise.
 */
@FunctionalInterface
public interface BalancerFactory {

    /**
     * Weighted round-robin ({@link SmoothWeightedRoundRobin}) for every pool, its position going
     * on from the previous snapshot's balancer of the same pool.
     */
    BalancerFactory ROUND_ROBIN = (pool, previous) -> new SmoothWeightedRoundRobin(pool,
            previous instanceof SmoothWeightedRoundRobin same ? same : null);

    /**
     * The balancer of {@code pool} in the snapshot being compiled.
     *
     * @param previous the balancer of the pool of that name in the running snapshot (to go on
     *                 from where it is), or null for a new pool
     */
    Balancer balancer(Pool pool, Balancer previous);
}
