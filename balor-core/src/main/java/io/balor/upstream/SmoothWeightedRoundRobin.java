package io.balor.upstream;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Smooth weighted round-robin, as nginx's {@code ngx_http_upstream_get_peer}, over one pool and
 * shared by every loop: consecutive new sessions interleave across the pool whichever loop takes
 * them (with two equal upstreams {@code a b a b}, not {@code a a b b} from two loops keeping a
 * sequence each). Over any {@code sum(weights)} consecutive picks each upstream is chosen exactly
 * {@code weight} times, spread out: weights 1:2:3 give {@code c b a c b c}, not {@code a b b c c c}.
 *
 * <p>How: the sequence of one period is worked out in advance ({@link RoundRobinSchedule}) and a
 * pick takes the slot at the pool's position, which every loop advances with one atomic add. The
 * position lives on a cache line of its own and is handed on to the next snapshot's balancer of
 * the same pool, so a config edit does not restart the sequence. A pick is lock-free and
 * allocates nothing; in steady state it costs the add and a few volatile reads of the picked
 * upstream's health. Thread-safe: called by every loop at once.
 *
 * <p>Health: the picked upstream is checked when its slot comes up; if it went down, or its
 * slow-start weight moved on a step, the schedule is rebuilt (by the loop that saw it, published
 * with a compare-and-set; a rival build just loses) and the pick is made from the new one. While
 * some upstream is down or ramping, each pick also checks those (as the per-pick algorithm checked
 * every upstream), so one coming back is scheduled at once. Slow start: a returning upstream's
 * weight is its {@link Upstream#effectiveWeight()}, taken in {@value RoundRobinSchedule#STEPS}
 * steps. Disabled and weight-0 upstreams are never picked.
 */
public final class SmoothWeightedRoundRobin implements Balancer {

    private static final VarHandle SCHEDULE;

    static {
        try {
            SCHEDULE = MethodHandles.lookup().findVarHandle(SmoothWeightedRoundRobin.class, "schedule",
                    RoundRobinSchedule.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Pool pool;
    private final Upstream[] upstreams;
    private final Position position;
    private volatile RoundRobinSchedule schedule;

    public SmoothWeightedRoundRobin(Pool pool) {
        this(pool, null);
    }

    /** @param previous the balancer of the same pool this one replaces (its position goes on here), or null */
    public SmoothWeightedRoundRobin(Pool pool, SmoothWeightedRoundRobin previous) {
        this.pool = pool;
        this.upstreams = pool.upstreams().toArray(new Upstream[0]);
        this.position = previous == null ? new Position() : previous.position;
        this.schedule = RoundRobinSchedule.of(upstreams);
    }

    @Override
    public Upstream pick() {
        RoundRobinSchedule current = schedule;
        if (current.stale(upstreams)) {
            current = rebuild(current);
        }
        long at = position.next();   // a schedule rebuilt below is picked from at the same place
        for (int tries = 0; tries < 3; tries++) {
            int[] slots = current.slots;
            if (slots.length == 0) {
                return null;
            }
            int index = slots[Math.floorMod(at, slots.length)];
            Upstream upstream = upstreams[index];
            if (current.holds(upstream, index)) {
                return upstream;
            }
            current = rebuild(current);
        }
        // Health changed under three rebuilds in a row: any eligible upstream will do.
        for (Upstream upstream : upstreams) {
            if (upstream.eligible()) {
                return upstream;
            }
        }
        return null;
    }

    @Override
    public Pool pool() {
        return pool;
    }

    /** A schedule for the upstreams' state now, replacing {@code seen} unless another loop already did. */
    private RoundRobinSchedule rebuild(RoundRobinSchedule seen) {
        RoundRobinSchedule fresh = RoundRobinSchedule.of(upstreams);
        return SCHEDULE.compareAndSet(this, seen, fresh) ? fresh : schedule;
    }

    /** Left padding: with the right padding below, {@link Position#value} has a cache line to itself. */
    @SuppressWarnings("unused")
    private static class PadLeft {
        long p1, p2, p3, p4, p5, p6, p7;
    }

    /** The counter itself (superclass fields are laid out before a subclass's). */
    private static class PositionValue extends PadLeft {
        volatile long value;
    }

    /**
     * The pool's place in its sequence: picks so far, advanced by every loop. Padded so that the
     * loops' writes do not evict the read-only data around it (the schedule, the upstreams) from
     * the other cores' caches.
     */
    @SuppressWarnings("unused")
    private static final class Position extends PositionValue {
        private static final VarHandle VALUE;

        static {
            try {
                VALUE = MethodHandles.lookup().findVarHandle(PositionValue.class, "value", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        long q1, q2, q3, q4, q5, q6, q7;

        /** The position this pick takes. */
        long next() {
            return (long) VALUE.getAndAdd(this, 1L);
        }
    }
}
