package io.balor.upstream;

/**
 * Smooth weighted round-robin, as nginx's {@code ngx_http_upstream_get_peer}: each pick adds
 * every eligible upstream's weight to its current score, takes the highest score and subtracts
 * the total weight from it. Over any {@code sum(weights)} consecutive picks each upstream is
 * chosen exactly {@code weight} times, and the choices are spread out: weights 1:2:3 give
 * {@code c b a c b c}, not {@code a b b c c c}. Owned by one loop's thread.
 *
 * <p>Built from the balancer of the previous snapshot, it keeps the scores of the upstreams
 * whose id is unchanged, so a config edit does not restart the sequence.
 *
 * <p>Weights are each upstream's {@link Upstream#effectiveWeight()}: the configured weight
 * times {@link UpstreamHealth#WEIGHT_SCALE} (the same sequence as the plain weights, since
 * scaling every weight alike changes no comparison), less while it ramps up after coming back
 * (slow start). A ramping weight changes from pick to pick, which the algorithm takes as nginx
 * takes its {@code effective_weight}: the shares follow the weights of the moment.
 */
public final class SmoothWeightedRoundRobin implements Balancer {

    private final Pool pool;
    private final Upstream[] upstreams;
    private final long[] current;

    public SmoothWeightedRoundRobin(Pool pool) {
        this(pool, null);
    }

    /** @param previous the balancer this one replaces, or null */
    public SmoothWeightedRoundRobin(Pool pool, SmoothWeightedRoundRobin previous) {
        this.pool = pool;
        this.upstreams = pool.upstreams().toArray(new Upstream[0]);
        this.current = new long[upstreams.length];
        if (previous != null) {
            for (int i = 0; i < upstreams.length; i++) {
                for (int j = 0; j < previous.upstreams.length; j++) {
                    if (previous.upstreams[j].id().equals(upstreams[i].id())) {
                        current[i] = previous.current[j];
                        break;
                    }
                }
            }
        }
    }

    @Override
    public Upstream pick() {
        long total = 0;
        int best = -1;
        for (int i = 0; i < upstreams.length; i++) {
            Upstream upstream = upstreams[i];
            if (!upstream.eligible()) {
                continue;
            }
            long weight = upstream.effectiveWeight();
            current[i] += weight;
            total += weight;
            if (best < 0 || current[i] > current[best]) {
                best = i;
            }
        }
        if (best < 0) {
            return null;
        }
        current[best] -= total;
        return upstreams[best];
    }

    @Override
    public Pool pool() {
        return pool;
    }
}
