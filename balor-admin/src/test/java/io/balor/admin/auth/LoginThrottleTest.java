package io.balor.admin.auth;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The login throttle's three tables, the owner's known addresses, unlocking and the bounds, on a test clock. */
class LoginThrottleTest {

    private final MutableClock clock = new MutableClock();
    private final LoginThrottle throttle = new LoginThrottle(clock);

    static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void fiveFailuresOfOneUserFromOneAddressAreFreeThenTheNextAttemptWaits() throws Exception {
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < 5; i++) {
            assertEquals(0, throttle.retryAfterSeconds("alice", a), "attempt " + (i + 1));
            throttle.failure("alice", a);
        }
        assertEquals(1, throttle.retryAfterSeconds("alice", a));
        assertEquals(0, throttle.retryAfterSeconds("bob", a), "the address itself has more room");
        clock.advance(Duration.ofMillis(999));
        assertEquals(1, throttle.retryAfterSeconds("alice", a), "rounded up");
        clock.advance(Duration.ofMillis(1));
        assertEquals(0, throttle.retryAfterSeconds("alice", a));
    }

    @Test
    void retryAfterDoublesUpToFifteenMinutes() throws Exception {
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < 5; i++) {
            throttle.failure("alice", a);
        }
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            long wait = throttle.retryAfterSeconds("alice", a);
            waits.add(wait);
            clock.advance(Duration.ofSeconds(wait));
            assertEquals(0, throttle.retryAfterSeconds("alice", a));
            throttle.failure("alice", a);
        }
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 512L, 900L, 900L, 900L), waits);
    }

    @Test
    void perUserAcrossAddressesOnlyPastAHighCeiling() throws Exception {
        for (int i = 0; i < 19; i++) {
            throttle.failure("alice", ip("192.0.2." + (i + 1)));
        }
        assertEquals(0, throttle.retryAfterSeconds("alice", ip("198.51.100.7")), "19 spread guesses lock nobody");
        throttle.failure("alice", ip("192.0.2.100"));
        assertEquals(1, throttle.retryAfterSeconds("alice", ip("198.51.100.7")), "past 20 a new address waits");
        assertEquals(0, throttle.retryAfterSeconds("bob", ip("198.51.100.7")));
    }

    @Test
    void anAddressTheUserLoggedInFromIsNotHeldBackByGuessesFromElsewhere() throws Exception {
        InetAddress home = ip("203.0.113.5");
        throttle.success("alice", home);
        assertTrue(throttle.knownAddress("alice", home));
        assertFalse(throttle.knownAddress("bob", home), "known for alice only");
        assertFalse(throttle.knownAddress("alice", ip("203.0.113.6")));
        for (int i = 0; i < 200; i++) {
            throttle.failure("alice", ip("192.0.2." + (i % 20 + 1)));
            clock.advance(Duration.ofSeconds(3));
        }
        assertTrue(throttle.retryAfterSeconds("alice", ip("198.51.100.7")) > 0, "a new address waits");
        assertEquals(0, throttle.retryAfterSeconds("alice", home), "the owner's address does not");
        clock.advance(Duration.ofDays(LoginThrottle.KNOWN_DAYS));
        assertFalse(throttle.knownAddress("alice", home), "forgotten after " + LoginThrottle.KNOWN_DAYS + " days");
    }

    @Test
    void perAddressAcrossUsernames() throws Exception {
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < 20; i++) {
            throttle.failure("user" + i, a);
        }
        assertEquals(1, throttle.retryAfterSeconds("someone-else", a), "spraying names from one address");
        assertEquals(1, throttle.retryAfterSeconds(null, a), "invalid usernames count by address only");
        assertEquals(0, throttle.retryAfterSeconds("someone-else", ip("192.0.2.2")));
    }

    @Test
    void ipv6CountsPerSlash64() throws Exception {
        for (int i = 0; i < 20; i++) {
            throttle.failure(null, ip("2001:db8:1:2::" + Integer.toHexString(i + 1)));
        }
        assertEquals(1, throttle.retryAfterSeconds(null, ip("2001:db8:1:2:ffff::9")));
        assertEquals(0, throttle.retryAfterSeconds(null, ip("2001:db8:1:3::1")));
    }

    @Test
    void successClearsTheUsersCountFromThatAddressOnly() throws Exception {
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < 4; i++) {
            throttle.failure("alice", a);
        }
        for (int i = 0; i < 10; i++) {
            throttle.failure("user" + i, a);
        }
        throttle.success("alice", a);
        for (int i = 0; i < 4; i++) {
            throttle.failure("alice", a);
        }
        assertEquals(0, throttle.retryAfterSeconds("alice", a), "alice starts from 0 failures there again");
        throttle.failure("carol", a);
        throttle.failure("carol", a);
        assertEquals(1, throttle.retryAfterSeconds("carol", a), "the address kept its 4 + 10 + 4 + 2 failures");

        for (int i = 0; i < 20; i++) {
            throttle.failure("bob", ip("198.51.100." + (i + 1)));
        }
        throttle.success("bob", ip("203.0.113.1"));
        assertEquals(1, throttle.retryAfterSeconds("bob", ip("198.51.100.200")),
                "the attack on bob goes on after his login: new addresses still wait");
        assertEquals(0, throttle.retryAfterSeconds("bob", ip("203.0.113.1")));
    }

    @Test
    void unlockClearsAUsersCountsEverywhere() throws Exception {
        for (int i = 0; i < 25; i++) {
            throttle.failure("alice", ip("192.0.2." + (i % 5 + 1)));
        }
        assertTrue(throttle.retryAfterSeconds("alice", ip("198.51.100.7")) > 0);
        assertTrue(throttle.retryAfterSeconds("alice", ip("192.0.2.1")) > 0);
        assertTrue(throttle.unlock("alice"));
        assertEquals(0, throttle.retryAfterSeconds("alice", ip("198.51.100.7")));
        assertEquals(0, throttle.retryAfterSeconds("alice", ip("192.0.2.1")), "its pair counts too");
        assertFalse(throttle.unlock("alice"), "nothing left to clear");
        assertFalse(throttle.unlock("nobody"));
    }

    @Test
    void othersFailingAtTheOwnersAddressDoNotHoldTheOwnerBackAndUnlockClearsWhatDoes() throws Exception {
        InetAddress shared = ip("127.0.0.1");
        throttle.success("admin", shared);
        for (int i = 0; i < 40; i++) {
            throttle.failure("user" + i, shared);   // someone else on the same address sprays names
        }
        assertTrue(throttle.retryAfterSeconds("carol", shared) > 0, "the address is throttled for others");
        assertEquals(0, throttle.retryAfterSeconds("admin", shared), "not for the owner who logged in from it");
        for (int i = 0; i < 8; i++) {
            throttle.failure("admin", shared);      // guesses at the owner's own name from the shared address
        }
        assertTrue(throttle.retryAfterSeconds("admin", shared) > 0, "those do slow the owner there");
        assertTrue(throttle.unlock("admin"));
        assertEquals(0, throttle.retryAfterSeconds("admin", shared), "unlock is the owner's way back in");
        assertEquals(0, throttle.retryAfterSeconds("carol", shared), "it clears the owner's addresses too");
    }

    @Test
    void sprayingFreshKeysDoesNotEvictAThrottledOne() throws Exception {
        LoginThrottle small = new LoginThrottle(clock, 5, 5, 5, Duration.ofSeconds(1), Duration.ofMinutes(15),
                Duration.ofDays(1), 100);
        for (int i = 0; i < 10; i++) {
            small.failure("target", ip("192.0.2." + (i + 1)));
        }
        assertTrue(small.retryAfterSeconds("target", ip("198.51.100.1")) > 0);
        spray(small, 0, 5_000);
        assertTrue(small.retryAfterSeconds("target", ip("198.51.100.1")) > 0,
                "5,000 fresh names from fresh addresses did not push the throttled name out");
    }

    @Test
    void countsAreForgottenAfterADay() throws Exception {
        InetAddress a = ip("192.0.2.1");
        for (int i = 0; i < 20; i++) {
            throttle.failure("alice", a);
        }
        assertEquals(900, throttle.retryAfterSeconds("alice", a));
        clock.advance(Duration.ofDays(1));
        assertEquals(0, throttle.retryAfterSeconds("alice", a));
        throttle.failure("alice", a);
        assertEquals(0, throttle.retryAfterSeconds("alice", a), "1 failure, not 21");
    }

    @Test
    void tablesAreBoundedAndEvictFreshKeysBeforeThrottledOnes() throws Exception {
        LoginThrottle small = new LoginThrottle(clock, 5, 5, 5, Duration.ofSeconds(1), Duration.ofMinutes(15),
                Duration.ofDays(1), 100);
        InetAddress target = ip("203.0.113.9");
        for (int i = 0; i < 5; i++) {
            small.failure("alice", target);
        }
        InetAddress last = spray(small, 0, 20_000);
        assertEquals(300, small.size(), "100 keys a table at most");
        assertEquals(1, small.retryAfterSeconds("alice", ip("198.51.100.7")), "the throttled name was kept");
        assertEquals(1, small.retryAfterSeconds(null, target), "and its address");
        for (int i = 0; i < 4; i++) {
            small.failure(null, last);
        }
        assertEquals(1, small.retryAfterSeconds(null, last), "the newest fresh key was kept too");

        // When every key is throttled, the least recently failed one goes.
        LoginThrottle full = new LoginThrottle(clock, 1, 1, 1, Duration.ofSeconds(1), Duration.ofMinutes(15),
                Duration.ofDays(1), 3);
        for (String name : List.of("a", "b", "c", "d")) {
            full.failure(name, null);
        }
        assertEquals(0, full.retryAfterSeconds("a", null), "a, the oldest throttled key, was evicted for d");
        assertEquals(1, full.retryAfterSeconds("d", null));
    }

    /** One failure each for users {@code from..to-1} from as many addresses; returns the last address. */
    private static InetAddress spray(LoginThrottle throttle, int from, int to) throws Exception {
        InetAddress address = null;
        for (int i = from; i < to; i++) {
            address = ip("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255));
            throttle.failure("user" + i, address);
        }
        return address;
    }
}
