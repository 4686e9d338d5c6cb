package io.balor.admin.auth;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Caps how many password hashes run at once, so a flood of logins (each a few hundred milliseconds
 * of PBKDF2 on one core) cannot take every core from the event loops that carry traffic, and
 * decides who hashes next so that such a flood cannot keep the owner out either:
 * <ul>
 *   <li>Logins as a user from an address it has logged in from before ({@link LoginThrottle#knownAddress})
 *       have one permit more of their own, so they never wait behind a hash a flood started, and
 *       beyond it wait in a queue of their own that is always served first; everyone else waits
 *       in order.</li>
 *   <li>Each queue holds at most {@code maxWaiting} logins; one more is refused at once (the API
 *       answers 503 with {@code Retry-After}), never parked: a flood is turned away in microseconds,
 *       it does not pile up behind the hashes.</li>
 *   <li>One client address ({@link ClientAddress#key}) has at most {@value #PER_CLIENT} logins
 *       waiting or hashing; more are refused at once, so one address cannot fill a queue.</li>
 *   <li>A login that has not got a permit within {@code wait} is refused as busy.</li>
 * </ul>
 * So a known address's login hashes at once (on a machine where a flood keeps the shared permits
 * busy, its own hash is the whole wait), and a flood of new addresses gets 503s.
 *
 * <p>Thread-safe: the admin server's worker threads enter and leave it (a waiting login holds its
 * worker, which is cheap: see {@link io.balor.admin.http.ApiServer}). Use as
 * {@code try (Permit p = gate.enter(key, known)) { if (p == null) busy; else hash }}. This is the
 * one auth class where real time passes (a blocking wait, not a reading of the clock); tests use a
 * zero wait or release permits themselves.
 */
public final class HashingGate {

    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(2);
    public static final int DEFAULT_MAX_WAITING = 8;
    static final int PER_CLIENT = 2;

    /** A permit to hash; closing it hands it to the next login (idempotent). */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /** A login waiting for a permit; guarded by the gate's lock. */
    private static final class Waiter {
        boolean granted;
        /** Granted the known clients' own permit. */
        boolean reserve;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition handedOver = lock.newCondition();
    private final ArrayDeque<Waiter> known = new ArrayDeque<>();
    private final ArrayDeque<Waiter> others = new ArrayDeque<>();
    private final Map<String, Integer> pendingByClient = new HashMap<>();
    private final int capacity;
    private final Duration wait;
    private final int maxWaiting;
    private int free;
    /** The permit kept for known clients: free or not. */
    private boolean reserveFree = true;

    /** {@link #defaultPermits()} permits, waiting up to {@link #DEFAULT_WAIT}, {@link #DEFAULT_MAX_WAITING} per queue. */
    public HashingGate() {
        this(defaultPermits(), DEFAULT_WAIT, DEFAULT_MAX_WAITING);
    }

    public HashingGate(int permits, Duration wait, int maxWaiting) {
        if (permits < 1) {
            throw new IllegalArgumentException("a hashing gate needs at least 1 permit, was " + permits);
        }
        if (wait.isNegative() || maxWaiting < 0) {
            throw new IllegalArgumentException("the wait for a hashing permit and the queues must not be negative");
        }
        this.capacity = permits;
        this.free = permits;
        this.wait = wait;
        this.maxWaiting = maxWaiting;
    }

    /** Half the available processors, at least 1: logins never take more than half the machine. */
    public static int defaultPermits() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /**
     * A permit for a login from the client {@code clientKey} (null: not counted per client), from
     * an address known for logging in ({@code known}: the first queue), or null when it is
     * refused: its client has too many logins under way, its queue is full, the wait ran out, or
     * the thread was interrupted (whose flag is then kept set).
     */
    public Permit enter(String clientKey, boolean knownClient) {
        lock.lock();
        try {
            if (clientKey != null && pendingByClient.getOrDefault(clientKey, 0) >= PER_CLIENT) {
                return null;
            }
            ArrayDeque<Waiter> queue = knownClient ? known : others;
            if (free > 0 && known.isEmpty() && (knownClient || others.isEmpty())) {
                free--;
                return permit(clientKey, false);
            }
            if (knownClient && reserveFree && known.isEmpty()) {
                reserveFree = false;
                return permit(clientKey, true);
            }
            if (queue.size() >= maxWaiting || wait.isZero()) {
                return null;
            }
            Waiter waiter = new Waiter();
            queue.addLast(waiter);
            pending(clientKey, +1);
            long left = wait.toNanos();
            try {
                while (!waiter.granted && left > 0) {
                    left = handedOver.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            pending(clientKey, -1);
            if (!waiter.granted) {
                queue.remove(waiter);
                return null;
            }
            if (Thread.currentThread().isInterrupted()) {
                handOver(waiter.reserve);
                return null;
            }
            return permit(clientKey, waiter.reserve);
        } finally {
            lock.unlock();
        }
    }

    /** What to put in {@code Retry-After} when busy: the wait rounded up to whole seconds, at least 1. */
    public long retryAfterSeconds() {
        long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }

    /** Shared permits free now (the known clients' own permit aside). */
    public int available() {
        lock.lock();
        try {
            return free;
        } finally {
            lock.unlock();
        }
    }

    /** Logins waiting now, in both queues. */
    public int waiting() {
        lock.lock();
        try {
            return known.size() + others.size();
        } finally {
            lock.unlock();
        }
    }

    public int capacity() {
        return capacity;
    }

    /** A held permit (counted for its client until closed; {@code reserve}: the known clients' own). Lock held. */
    private Permit permit(String clientKey, boolean reserve) {
        pending(clientKey, +1);
        boolean[] closed = new boolean[1];
        return () -> {
            lock.lock();
            try {
                if (!closed[0]) {
                    closed[0] = true;
                    pending(clientKey, -1);
                    handOver(reserve);
                }
            } finally {
                lock.unlock();
            }
        };
    }

    /**
     * Gives a freed permit to the first waiter, known ones first (the known clients' own permit
     * only to them), or back. Lock held.
     */
    private void handOver(boolean reserve) {
        Waiter next = !known.isEmpty() ? known.pollFirst() : reserve ? null : others.pollFirst();
        if (next == null) {
            if (reserve) {
                reserveFree = true;
            } else {
                free++;
            }
            return;
        }
        next.granted = true;
        next.reserve = reserve;
        handedOver.signalAll();
    }

    private void pending(String clientKey, int delta) {
        if (clientKey != null) {
            pendingByClient.merge(clientKey, delta, (a, b) -> a + b == 0 ? null : a + b);
        }
    }
}
