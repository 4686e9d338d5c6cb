package io.balor.admin.auth;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionStoreTest {

    private final MutableClock clock = new MutableClock();
    private final SessionStore store = new SessionStore(clock);

    @Test
    void tokenIs256RandomBitsStoredOnlyAsItsSha256() throws Exception {
        SessionStore.Issued issued = store.issue("alice", Role.OPERATOR);
        String token = issued.token();
        assertTrue(token.matches("[A-Za-z0-9_-]{43}"), token);
        assertEquals(32, Base64.getUrlDecoder().decode(token).length);
        String sha256 = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        assertNotEquals(token, issued.principal().sessionId());
        assertEquals(sha256, issued.principal().sessionId());
        assertEquals(new Principal("alice", Role.OPERATOR, sha256), store.authenticate(token).orElseThrow());
        assertFalse(issued.toString().contains(token), "the token is never printed");
        assertNotEquals(token, store.issue("alice", Role.OPERATOR).token());
    }

    @Test
    void idleExpiryIsPushedBackByUse() {
        SessionStore.Issued issued = store.issue("alice", Role.ADMIN);
        assertEquals(clock.instant().plus(Duration.ofMinutes(30)), issued.expiresAt(), "30 min idle by default");
        clock.advance(Duration.ofMinutes(29));
        assertTrue(store.authenticate(issued.token()).isPresent());
        clock.advance(Duration.ofMinutes(29));
        assertTrue(store.authenticate(issued.token()).isPresent(), "58 min after login, 29 min after last use");
        clock.advance(Duration.ofMinutes(30));
        assertTrue(store.authenticate(issued.token()).isEmpty(), "30 min idle");
        assertEquals(0, store.size(), "dropped when met expired");
    }

    @Test
    void idleExpiryIsExactlyThirtyMinutes() {
        SessionStore.Issued issued = store.issue("alice", Role.ADMIN);
        clock.advance(Duration.ofMinutes(30).minusMillis(1));
        assertTrue(store.authenticate(issued.token()).isPresent());
        clock.advance(Duration.ofMinutes(30));
        assertTrue(store.authenticate(issued.token()).isEmpty());
    }

    @Test
    void absoluteExpiryIsNotPushedBackByUse() {
        SessionStore.Issued issued = store.issue("alice", Role.ADMIN);
        for (int quarter = 1; quarter < 48; quarter++) {
            clock.advance(Duration.ofMinutes(15));
            assertTrue(store.authenticate(issued.token()).isPresent(), "quarter " + quarter);
        }
        clock.advance(Duration.ofMinutes(15));
        assertTrue(store.authenticate(issued.token()).isEmpty(), "12 h after login whatever the use");
    }

    @Test
    void issuedExpiryIsTheEarlierOfIdleAndAbsolute() {
        SessionStore shortAbsolute = new SessionStore(clock, Duration.ofHours(12), Duration.ofHours(1), 10, 10,
                new SecureRandom());
        assertEquals(clock.instant().plus(Duration.ofHours(1)), shortAbsolute.issue("alice", Role.ADMIN).expiresAt());
    }

    @Test
    void revokeUserEndsAllOfThatUsersSessionsAndNoOthers() {
        List<String> alice = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            alice.add(store.issue("alice", Role.ADMIN).token());
        }
        String bob = store.issue("bob", Role.VIEWER).token();
        assertEquals(3, store.revokeUser("alice"));
        for (String token : alice) {
            assertTrue(store.authenticate(token).isEmpty());
        }
        assertTrue(store.authenticate(bob).isPresent());
        assertEquals(0, store.revokeUser("alice"));
    }

    @Test
    void revokeEndsOneSession() {
        SessionStore.Issued first = store.issue("alice", Role.ADMIN);
        SessionStore.Issued second = store.issue("alice", Role.ADMIN);
        assertTrue(store.revoke(first.principal().sessionId()));
        assertFalse(store.revoke(first.principal().sessionId()));
        assertFalse(store.revoke(first.token()), "a token is not a session id");
        assertTrue(store.authenticate(first.token()).isEmpty());
        assertTrue(store.authenticate(second.token()).isPresent());
    }

    @Test
    void unknownTokensAndSessionIdsDoNotAuthenticate() {
        SessionStore.Issued issued = store.issue("alice", Role.ADMIN);
        assertTrue(store.authenticate(issued.principal().sessionId()).isEmpty(), "the stored hash is not a token");
        assertTrue(store.authenticate("").isEmpty());
        assertTrue(store.authenticate(null).isEmpty());
        assertTrue(store.authenticate(issued.token() + "x").isEmpty());
    }

    @Test
    void boundedByEvictingTheOldest() {
        SessionStore small = new SessionStore(clock, Duration.ofHours(12), Duration.ofHours(24), 3, 3,
                new SecureRandom());
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tokens.add(small.issue("user" + i, Role.VIEWER).token());
        }
        assertEquals(3, small.size());
        assertTrue(small.authenticate(tokens.get(0)).isEmpty());
        assertTrue(small.authenticate(tokens.get(1)).isEmpty());
        for (int i = 2; i < 5; i++) {
            assertTrue(small.authenticate(tokens.get(i)).isPresent(), "session " + i);
        }
    }

    @Test
    void oneUserLoggingInInALoopEvictsOnlyItsOwnSessions() {
        SessionStore small = new SessionStore(clock, Duration.ofHours(12), Duration.ofHours(24), 100, 2,
                new SecureRandom());
        String bob = small.issue("bob", Role.ADMIN).token();
        String last = null;
        for (int i = 0; i < 50; i++) {
            last = small.issue("mallory", Role.VIEWER).token();
        }
        assertEquals(3, small.size());
        assertTrue(small.authenticate(bob).isPresent());
        assertTrue(small.authenticate(last).isPresent());
    }

    @Test
    void expiredSessionsAreSweptOnIssue() {
        for (int i = 0; i < 3; i++) {
            store.issue("alice", Role.ADMIN);
        }
        clock.advance(Duration.ofHours(25));
        assertEquals(3, store.size(), "lazily");
        store.issue("bob", Role.ADMIN);
        assertEquals(1, store.size());
    }
}
