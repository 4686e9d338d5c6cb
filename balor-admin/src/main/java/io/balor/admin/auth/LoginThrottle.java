package io.balor.admin.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * Slows password guessing: counts failed logins in a row per username and per client address, and
 * once a key has {@code freeFailures} of them, refuses further attempts on it until a back-off has
 * passed since its last failure: {@code firstDelay} after the {@code freeFailures}-th failure,
 * doubling with each further one up to {@code maxDelay} (defaults: 5 free, 1 s, 15 min). A refused
 * attempt costs no hashing and does not count; the caller answers 429 with {@code Retry-After}.
 * A successful login clears the user's count, not the address's (else an attacker with one account
 * could clear its address between guesses at others). A count not added to for {@code forgetAfter}
 * (default a day) starts again from zero.
 *
 * <p>Per username, so spreading guesses over many addresses does not help against one account; per
 * address, so spraying many usernames from one address does not either. IPv6 addresses count per
 * /64, the block a single subscriber usually gets. Each table holds at most {@code maxKeys} keys and
 * evicts the one whose last failure is oldest, so an attacker spraying addresses or names cannot
 * grow memory without bound (it can only make the throttle forget the quietest keys).
 *
 * <p>Check-then-act: {@link #retryAfterSeconds} and {@link #failure} are separate calls, so attempts
 * that run at the same moment can all pass before the first failure is counted; the
 * {@link HashingGate} bounds how many do. Thread-safe: the admin server's executor threads call it;
 * every method holds this object's monitor. Time comes from the injected clock.
 */
public final class LoginThrottle {

    public static final int DEFAULT_FREE_FAILURES = 5;
    public static final Duration DEFAULT_FIRST_DELAY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofMinutes(15);
    public static final Duration DEFAULT_FORGET_AFTER = Duration.ofDays(1);
    public static final int DEFAULT_MAX_KEYS = 10_000;

    /** Failures in a row of one key; mutated only under the throttle's monitor. */
    private static final class Failures {
        int count;
        Instant last;
    }

    private final Clock clock;
    private final int freeFailures;
    private final Duration firstDelay;
    private final Duration maxDelay;
    private final Duration forgetAfter;
    private final int maxKeys;
    /** Least recently failed first (a failure moves its key to the end). */
    private final LinkedHashMap<String, Failures> byUser = new LinkedHashMap<>();
    private final LinkedHashMap<String, Failures> byAddress = new LinkedHashMap<>();

    /** A throttle with the defaults. */
    public LoginThrottle(Clock clock) {
        this(clock, DEFAULT_FREE_FAILURES, DEFAULT_FIRST_DELAY, DEFAULT_MAX_DELAY, DEFAULT_FORGET_AFTER,
                DEFAULT_MAX_KEYS);
    }

    public LoginThrottle(Clock clock, int freeFailures, Duration firstDelay, Duration maxDelay, Duration forgetAfter,
                         int maxKeys) {
        this.clock = Objects.requireNonNull(clock);
        if (freeFailures < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("freeFailures and maxKeys must be at least 1");
        }
        if (firstDelay.isNegative() || firstDelay.isZero() || maxDelay.compareTo(firstDelay) < 0
                || forgetAfter.compareTo(maxDelay) < 0) {
            throw new IllegalArgumentException("need 0 < firstDelay <= maxDelay <= forgetAfter");
        }
        this.freeFailures = freeFailures;
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
        Duration wait = wait(byUser, username, now);
        Duration addressWait = wait(byAddress, addressKey(address), now);
        if (addressWait.compareTo(wait) > 0) {
            wait = addressWait;
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
        count(byUser, username, now);
        count(byAddress, addressKey(address), now);
    }

    /** Clears {@code username}'s count after a successful login. */
    public synchronized void success(String username) {
        if (username != null) {
            byUser.remove(username);
        }
    }

    /** Keys held per username plus per address. */
    public synchronized int size() {
        return byUser.size() + byAddress.size();
    }

    /** The key of {@code address}: IPv4 as is, IPv6 its /64 (one subscriber's block). */
    static String addressKey(InetAddress address) {
        if (address == null) {
            return null;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
        }
        return address.getHostAddress();
    }

    private Duration wait(LinkedHashMap<String, Failures> table, String key, Instant now) {
        Failures failures = key == null ? null : live(table, key, now);
        if (failures == null || failures.count < freeFailures) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(now, failures.last.plus(delay(failures.count)));
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** How long after the {@code count}-th failure in a row the next attempt waits. */
    private Duration delay(int count) {
        int doublings = count - freeFailures;
        if (doublings >= 31) {
            return maxDelay;
        }
        Duration delay = firstDelay.multipliedBy(1L << doublings);
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }

    private void count(LinkedHashMap<String, Failures> table, String key, Instant now) {
        if (key == null) {
            return;
        }
        Failures failures = live(table, key, now);
        if (failures == null) {
            failures = new Failures();
            for (Iterator<String> it = table.keySet().iterator(); table.size() >= maxKeys && it.hasNext(); ) {
                it.next();
                it.remove();
            }
        } else {
            table.remove(key);
        }
        failures.count = failures.count == Integer.MAX_VALUE ? failures.count : failures.count + 1;
        failures.last = now;
        table.put(key, failures);
    }

    /** The count of {@code key}, or null if there is none or it is old enough to forget (then it is dropped). */
    private Failures live(LinkedHashMap<String, Failures> table, String key, Instant now) {
        Failures failures = table.get(key);
        if (failures != null && !now.isBefore(failures.last.plus(forgetAfter))) {
            table.remove(key);
            return null;
        }
        return failures;
    }
}
