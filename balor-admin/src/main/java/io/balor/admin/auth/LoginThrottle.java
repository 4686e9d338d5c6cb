package io.balor.admin.auth;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Slows password guessing without letting it lock the owner out. Failed logins in a row are
 * counted in three tables, and once a key has its free failures, further attempts on it wait for a
 * back-off since its last failure: 1 s after the last free one, doubling with each further failure
 * up to 15 min. A refused attempt costs no hashing and does not count; the caller answers 429 with
 * {@code Retry-After}. A count not added to for a day starts again from zero.
 * <ul>
 *   <li>per user and address: {@value #DEFAULT_PAIR_FREE} free, so one address cannot hammer one account;</li>
 *   <li>per address: {@value #DEFAULT_ADDRESS_FREE} free, so one address cannot spray many accounts
 *       (a little more room: an office behind one NAT address holds many users); not for a user
 *       at an address it logged in from, whom others' failures there do not hold back;</li>
 *   <li>per user across addresses: only past a high ceiling ({@value #DEFAULT_USER_FREE} free), and
 *       only for addresses the user has never logged in from: guesses spread over many addresses
 *       are slowed to one every 15 min, while the owner, from an address it logged in from before
 *       (remembered {@value #KNOWN_DAYS} days, {@value #KNOWN_PER_USER} per user), is not held
 *       back by them at all. A new address of the owner does wait while such an attack goes on.</li>
 * </ul>
 * A successful login clears its user's count from that address and remembers the address for the
 * user; not the address's own count (else an attacker with one account could clear its address
 * between guesses at others), nor the user's count across addresses (an attack on the account
 * does not end because its owner logged in: new addresses keep waiting until the guesses stop).
 * {@link #unlock} clears a user's counts and those of its known addresses ({@code balorctl users
 * unlock NAME}). IPv6 addresses count per /64, the block a single subscriber usually gets. Each
 * table holds at most {@code maxKeys} keys and, when full, evicts a key still within its free
 * failures first (the least recently failed), so spraying fresh names or addresses cannot push a
 * throttled key out while there are others. Nothing is kept across restarts. (Someone who shares
 * the owner's address, behind one NAT or proxy, can still slow guesses at the owner's name from it:
 * addresses cannot tell them apart; {@code unlock} clears it.)
 *
 * <p>Check-then-act: {@link #retryAfterSeconds} and {@link #failure} are separate calls, so attempts
 * that run at the same moment can all pass before the first failure is counted; the
 * {@link HashingGate} bounds how many do. Thread-safe: the admin server's worker threads call it;
 * every method holds this object's monitor. Time comes from the injected clock.
 */
public final class LoginThrottle {

    public static final int DEFAULT_PAIR_FREE = 5;
    public static final int DEFAULT_ADDRESS_FREE = 20;
    public static final int DEFAULT_USER_FREE = 20;
    public static final Duration DEFAULT_FIRST_DELAY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofMinutes(15);
    public static final Duration DEFAULT_FORGET_AFTER = Duration.ofDays(1);
    public static final int DEFAULT_MAX_KEYS = 10_000;
    static final int KNOWN_DAYS = 30;
    static final int KNOWN_PER_USER = 16;

    /** Failures in a row of one key; mutated only under the throttle's monitor. */
    private static final class Failures {
        int count;
        Instant last;
    }

    /** One table: its free failures, and its keys, least recently failed first. */
    private static final class Table {
        final int free;
        final LinkedHashMap<String, Failures> keys = new LinkedHashMap<>();

        Table(int free) {
            this.free = free;
        }
    }

    private final Clock clock;
    private final Duration firstDelay;
    private final Duration maxDelay;
    private final Duration forgetAfter;
    private final int maxKeys;
    private final Table byPair;
    private final Table byAddress;
    private final Table byUser;
    /** Per user: the address keys it logged in from, least recent first, with when. */
    private final Map<String, LinkedHashMap<String, Instant>> known = new LinkedHashMap<>();

    /** A throttle with the defaults. */
    public LoginThrottle(Clock clock) {
        this(clock, DEFAULT_PAIR_FREE, DEFAULT_ADDRESS_FREE, DEFAULT_USER_FREE, DEFAULT_FIRST_DELAY, DEFAULT_MAX_DELAY,
                DEFAULT_FORGET_AFTER, DEFAULT_MAX_KEYS);
    }

    public LoginThrottle(Clock clock, int pairFree, int addressFree, int userFree, Duration firstDelay,
                         Duration maxDelay, Duration forgetAfter, int maxKeys) {
        this.clock = Objects.requireNonNull(clock);
        if (pairFree < 1 || addressFree < 1 || userFree < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("free failures and maxKeys must be at least 1");
        }
        if (firstDelay.isNegative() || firstDelay.isZero() || maxDelay.compareTo(firstDelay) < 0
                || forgetAfter.compareTo(maxDelay) < 0) {
            throw new IllegalArgumentException("need 0 < firstDelay <= maxDelay <= forgetAfter");
        }
        this.byPair = new Table(pairFree);
        this.byAddress = new Table(addressFree);
        this.byUser = new Table(userFree);
        this.firstDelay = firstDelay;
        this.maxDelay = maxDelay;
        this.forgetAfter = forgetAfter;
        this.maxKeys = maxKeys;
    }

    /**
     * 0 if an attempt to log in as {@code username} (null if it is not a valid username: then only
     * the address counts) from {@code address} may go ahead now, else the whole seconds until it
     * may (at least 1), for {@code Retry-After}.
     */
    public synchronized long retryAfterSeconds(String username, InetAddress address) {
        Instant now = clock.instant();
        String addressKey = ClientAddress.key(address);
        Duration wait = wait(byPair, pairKey(username, addressKey), now);
        if (!isKnown(username, addressKey, now)) {
            // The owner at an address it logged in from is not held back by others' failures there.
            wait = max(wait, max(wait(byAddress, addressKey, now), wait(byUser, username, now)));
        }
        if (wait.isZero()) {
            return 0;
        }
        long seconds = wait.getSeconds();
        return wait.getNano() > 0 ? seconds + 1 : seconds;
    }

    /** Counts a failed attempt against {@code username} (if not null) and {@code address}. */
    public synchronized void failure(String username, InetAddress address) {
        Instant now = clock.instant();
        String addressKey = ClientAddress.key(address);
        count(byAddress, addressKey, now);
        count(byPair, pairKey(username, addressKey), now);
        if (!isKnown(username, addressKey, now)) {
            count(byUser, username, now);
        }
    }

    /** After a successful login: clears {@code username}'s count from that address and remembers the address for it. */
    public synchronized void success(String username, InetAddress address) {
        String addressKey = ClientAddress.key(address);
        byPair.keys.remove(pairKey(username, addressKey));
        if (addressKey == null) {
            return;
        }
        LinkedHashMap<String, Instant> addresses = known.remove(username);
        if (addresses == null) {
            addresses = new LinkedHashMap<>();
            for (Iterator<String> it = known.keySet().iterator(); known.size() >= maxKeys && it.hasNext(); ) {
                it.next();
                it.remove();
            }
        }
        known.put(username, addresses);   // most recent last
        addresses.remove(addressKey);
        if (addresses.size() >= KNOWN_PER_USER) {
            Iterator<String> oldest = addresses.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        addresses.put(addressKey, clock.instant());
    }

    /** Whether {@code username} (null: no one) logged in from {@code address} within {@value #KNOWN_DAYS} days. */
    public synchronized boolean knownAddress(String username, InetAddress address) {
        return isKnown(username, ClientAddress.key(address), clock.instant());
    }

    /**
     * Clears {@code username}'s counts: across addresses and from each one, and the counts of the
     * addresses it logged in from (which others may share: the owner's way back in wins). Whether
     * there was anything to clear.
     */
    public synchronized boolean unlock(String username) {
        boolean cleared = byUser.keys.remove(username) != null;
        String prefix = username + " ";
        cleared |= byPair.keys.keySet().removeIf(key -> key.startsWith(prefix));
        LinkedHashMap<String, Instant> addresses = known.get(username);
        if (addresses != null) {
            cleared |= byAddress.keys.keySet().removeAll(addresses.keySet());
        }
        return cleared;
    }

    /** Keys held in the three tables. */
    public synchronized int size() {
        return byPair.keys.size() + byAddress.keys.size() + byUser.keys.size();
    }

    private boolean isKnown(String username, String addressKey, Instant now) {
        LinkedHashMap<String, Instant> addresses = username == null ? null : known.get(username);
        Instant last = addresses == null || addressKey == null ? null : addresses.get(addressKey);
        return last != null && now.isBefore(last.plus(Duration.ofDays(KNOWN_DAYS)));
    }

    private static String pairKey(String username, String addressKey) {
        return username == null || addressKey == null ? null : username + " " + addressKey;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private Duration wait(Table table, String key, Instant now) {
        Failures failures = key == null ? null : live(table, key, now);
        if (failures == null || failures.count < table.free) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(now, failures.last.plus(delay(failures.count - table.free)));
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** How long after a failure that is {@code doublings} past the free ones the next attempt waits. */
    private Duration delay(int doublings) {
        if (doublings >= 31) {
            return maxDelay;
        }
        Duration delay = firstDelay.multipliedBy(1L << doublings);
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }

    private void count(Table table, String key, Instant now) {
        if (key == null) {
            return;
        }
        Failures failures = live(table, key, now);
        if (failures == null) {
            failures = new Failures();
            if (table.keys.size() >= maxKeys) {
                evict(table);
            }
        } else {
            table.keys.remove(key);
        }
        failures.count = failures.count == Integer.MAX_VALUE ? failures.count : failures.count + 1;
        failures.last = now;
        table.keys.put(key, failures);
    }

    /**
     * Makes room for one key: the least recently failed key still within its free failures goes,
     * else the least recently failed one. So spraying fresh keys (names, addresses) cannot push
     * out a key that is being throttled while there are others to drop.
     */
    private static void evict(Table table) {
        for (Iterator<Failures> it = table.keys.values().iterator(); it.hasNext(); ) {
            if (it.next().count < table.free) {
                it.remove();
                return;
            }
        }
        Iterator<String> oldest = table.keys.keySet().iterator();
        oldest.next();
        oldest.remove();
    }

    /** The count of {@code key}, or null if there is none or it is old enough to forget (then it is dropped). */
    private Failures live(Table table, String key, Instant now) {
        Failures failures = table.keys.get(key);
        if (failures != null && !now.isBefore(failures.last.plus(forgetAfter))) {
            table.keys.remove(key);
            return null;
        }
        return failures;
    }
}
