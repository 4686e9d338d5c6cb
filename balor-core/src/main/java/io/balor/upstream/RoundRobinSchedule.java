package io.balor.upstream;

/**
 * One pool's smooth weighted round-robin sequence, worked out in advance for the state its
 * upstreams are in now: which are eligible, and at what weight. Immutable, shared by every loop
 * through {@link SmoothWeightedRoundRobin}, which replaces it when that state changes.
 *
 * <p>The sequence is nginx's smooth weighted round-robin run over the weights for one whole
 * period ({@code sum(weights)} picks, after dividing by their greatest common divisor): each
 * upstream appears exactly {@code weight} times and its appearances are spread out (weights
 * 1:2:3 give {@code c b a c b c}). Running the algorithm ahead of time gives the same sequence as
 * running it pick by pick, since with fixed weights its scores return to zero after each period.
 *
 * <p>Weights are the configured weight times a <em>level</em> from 1 to {@value #STEPS}:
 * {@value #STEPS} in steady state, less while the upstream ramps up after coming back (slow
 * start, {@link Upstream#effectiveWeight()}), so a ramp moves the share in {@value #STEPS} steps
 * as HAProxy's {@code slowstart} does, and the schedule is rebuilt only at each step. A sum of
 * weights over {@value #MAX_SLOTS} (large pools during a ramp) is scaled down to fit, each
 * eligible upstream keeping at least one slot: shares are then exact to about one part in
 * {@value #MAX_SLOTS}. Building is {@code O(slots * upstreams)}, done at apply on the supervisor
 * and, after a health change, by the first loop to see it.
 *
 * <p>An upstream in the sequence is checked when its slot comes up ({@link #holds}); the
 * configured upstreams that are not in a steady state (not eligible, or ramping) are checked at
 * every pick ({@link #stale}), since nothing else would notice that they came back or moved on
 * a step. A steady pool has none to check.
 */
final class RoundRobinSchedule {

    /** The levels of a slow-start ramp (HAProxy moves its ramp in 20 steps too). */
    static final int STEPS = 20;
    /** The longest sequence kept (64 KiB of slots). */
    static final int MAX_SLOTS = 1 << 14;

    /** Positions in the pool's upstream array, in pick order. Empty when none is eligible. */
    final int[] slots;
    /** Per position: the level it was scheduled at, 0 when it was not eligible. */
    private final int[] levels;
    /** Positions of the configured upstreams not in a steady state when built. */
    private final int[] watched;

    private RoundRobinSchedule(int[] slots, int[] levels, int[] watched) {
        this.slots = slots;
        this.levels = levels;
        this.watched = watched;
    }

    /** The schedule for the state {@code upstreams} (a pool's, in order) are in now. */
    static RoundRobinSchedule of(Upstream[] upstreams) {
        int n = upstreams.length;
        int[] levels = new int[n];
        long[] weights = new long[n];
        int[] watched = new int[n];
        int watchedCount = 0;
        long divisor = 0;
        for (int i = 0; i < n; i++) {
            Upstream upstream = upstreams[i];
            if (!upstream.configured()) {
                continue;   // disabled or weight 0: never eligible while this snapshot lasts
            }
            if (upstream.eligible()) {
                levels[i] = level(upstream);
                weights[i] = (long) upstream.weight() * levels[i];
                divisor = gcd(divisor, weights[i]);
            }
            if (levels[i] != STEPS) {
                watched[watchedCount++] = i;
            }
        }
        long total = 0;
        for (int i = 0; i < n; i++) {
            if (weights[i] > 0) {
                weights[i] /= divisor;
                total += weights[i];
            }
        }
        if (total > MAX_SLOTS) {
            long scaled = 0;
            for (int i = 0; i < n; i++) {
                if (weights[i] > 0) {
                    weights[i] = Math.max(1, weights[i] * MAX_SLOTS / total);
                    scaled += weights[i];
                }
            }
            total = scaled;
        }
        return new RoundRobinSchedule(sequence(weights, (int) total), levels,
                java.util.Arrays.copyOf(watched, watchedCount));
    }

    /**
     * Whether {@code upstreams[position]}, whose slot just came up, is still as scheduled:
     * eligible, at the level it was scheduled at.
     */
    boolean holds(Upstream upstream, int position) {
        return upstream.eligible() && level(upstream) == levels[position];
    }

    /** Whether an upstream that was not steady when this was built has changed since. */
    boolean stale(Upstream[] upstreams) {
        for (int position : watched) {
            Upstream upstream = upstreams[position];
            int was = levels[position];
            if (upstream.eligible() ? level(upstream) != was : was != 0) {
                return true;
            }
        }
        return false;
    }

    /** The upstream's level now: {@value #STEPS} at full weight, 1 to {@code STEPS - 1} while it ramps. */
    static int level(Upstream upstream) {
        long full = (long) upstream.weight() * UpstreamHealth.WEIGHT_SCALE;
        long now = upstream.effectiveWeight();
        return now >= full ? STEPS : (int) Math.max(1, now * STEPS / full);
    }

    /** One period of smooth weighted round-robin over {@code weights} (0: left out), which sum to {@code total}. */
    private static int[] sequence(long[] weights, int total) {
        int[] slots = new int[total];
        long[] current = new long[weights.length];
        for (int k = 0; k < total; k++) {
            int best = -1;
            for (int i = 0; i < weights.length; i++) {
                if (weights[i] == 0) {
                    continue;
                }
                current[i] += weights[i];
                if (best < 0 || current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            slots[k] = best;
        }
        return slots;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
