package io.balor.admin.auth;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static io.balor.admin.auth.PasswordHasherTest.FAST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthenticatorTest {

    private static final String ADMIN_TOKEN = "s3cr3t-admin-token-0123456789";
    private static final String ARGON2 = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNo";

    private final MutableClock clock = new MutableClock();
    private final UserDirectory users = new UserDirectory(List.of(
            new User("root", Role.ADMIN, FAST.hash("root-password".toCharArray()), clock.instant()),
            new User("alice", Role.OPERATOR, FAST.hash("alice-password".toCharArray()), clock.instant()),
            new User("imported", Role.VIEWER, ARGON2, null)));
    private final HashingGate gate = new HashingGate(1, Duration.ZERO, 8);
    private final Authenticator auth = new Authenticator(users, new SessionStore(clock), FAST,
            new LoginThrottle(clock), gate, ADMIN_TOKEN);
    private final InetAddress client = LoginThrottleTest.ip("192.0.2.1");

    AuthenticatorTest() throws Exception {
    }

    private LoginResult login(String username, String password) {
        return auth.login(username, password.toCharArray(), client);
    }

    private String loginToken(String username, String password) {
        return assertInstanceOf(LoginResult.Ok.class, login(username, password)).issued().token();
    }

    @Test
    void loginIssuesATokenThatAuthenticatesUntilLogout() {
        String token = loginToken("alice", "alice-password");
        Principal principal = auth.authenticate("Bearer " + token);
        assertEquals("alice", principal.username());
        assertEquals(Role.OPERATOR, principal.role());
        assertEquals(SessionStore.sessionId(token), principal.sessionId());
        assertTrue(auth.logout(principal));
        assertNull(auth.authenticate("Bearer " + token));
        assertFalse(auth.logout(principal));
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameAnswer() {
        assertEquals(new LoginResult.BadCredentials(), login("alice", "wrong-password"));
        assertEquals(new LoginResult.BadCredentials(), login("nobody", "alice-password"));
        assertEquals(new LoginResult.BadCredentials(), login("not a valid name", "alice-password"));
        assertEquals(new LoginResult.BadCredentials(), login("alice", ""));
    }

    @Test
    void unknownUsersAreHashedToo() {
        // The gate is taken by the hash: an unknown user waits for it like a known one, so its answer takes as long.
        try (HashingGate.Permit held = gate.enter("192.0.2.200", false)) {
            assertNotNull(held);
            assertEquals(new LoginResult.Busy(1), login("nobody", "some-password"));
            assertEquals(new LoginResult.Busy(1), login("imported", "some-password"));
            assertEquals(new LoginResult.Busy(1), login("alice", "alice-password"));
        }
        assertInstanceOf(LoginResult.Ok.class, login("alice", "alice-password"), "busy did not count as failure");
    }

    @Test
    void adminTokenIsABearerTokenNotAPassword() {
        Principal principal = auth.authenticate("Bearer " + ADMIN_TOKEN);
        assertEquals(new Principal(Principal.ADMIN_TOKEN, Role.ADMIN, null), principal);
        assertFalse(auth.logout(principal), "nothing to log out");
        assertNotNull(auth.authenticate("Bearer " + ADMIN_TOKEN));
        for (String username : List.of("root", "alice", "nobody", Principal.ADMIN_TOKEN, "admin")) {
            assertEquals(new LoginResult.BadCredentials(), login(username, ADMIN_TOKEN), username);
        }
        assertNull(auth.authenticate("Bearer " + ADMIN_TOKEN.substring(1)));
        assertNull(auth.authenticate("Bearer " + ADMIN_TOKEN + "x"));
        assertNull(auth.authenticate(ADMIN_TOKEN), "no scheme");
    }

    @Test
    void onlyBearerHeadersAreAccepted() {
        String token = loginToken("root", "root-password");
        assertNotNull(auth.authenticate("bearer " + token), "the scheme is case-insensitive (RFC 7235 §2.1)");
        assertNotNull(auth.authenticate("BEARER  " + token));
        for (String header : List.of("Basic " + token, "Bearer", "Bearer ", "Bearer" + token, "Bearer " + token + " x",
                "Bearer\t" + token, "Token " + token, token, "")) {
            assertNull(auth.authenticate(header), header);
        }
        assertNull(auth.authenticate(null));
    }

    @Test
    void withoutAnAdminTokenNoTokenIsAdmin() {
        Authenticator none = new Authenticator(users, new SessionStore(clock), FAST, new LoginThrottle(clock), gate, null);
        assertNull(none.authenticate("Bearer " + ADMIN_TOKEN));
        assertNull(none.authenticate("Bearer null"));
    }

    @Test
    void aShortAdminTokenIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Authenticator(users,
                new SessionStore(clock), FAST, new LoginThrottle(clock), gate, "admin"));
        assertTrue(e.getMessage().startsWith("BALOR_ADMIN_TOKEN must be 16 to 1024"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Authenticator(users, new SessionStore(clock), FAST,
                new LoginThrottle(clock), gate, "has a space in it, sixteen+"));
    }

    @Test
    void deletingAUserOrChangingItsPasswordOrRoleEndsItsSessions() {
        String alice = loginToken("alice", "alice-password");
        users.changeRole("alice", Role.VIEWER);
        assertNull(auth.authenticate("Bearer " + alice), "role change");
        assertEquals(Role.VIEWER, auth.authenticate("Bearer " + loginToken("alice", "alice-password")).role());

        alice = loginToken("alice", "alice-password");
        users.changePassword("alice", FAST.hash("new-alice-password".toCharArray()));
        assertNull(auth.authenticate("Bearer " + alice), "password change");

        alice = loginToken("alice", "new-alice-password");
        String root = loginToken("root", "root-password");
        users.delete("alice");
        assertNull(auth.authenticate("Bearer " + alice), "deletion");
        assertNotNull(auth.authenticate("Bearer " + root), "other users keep theirs");
        assertEquals(new LoginResult.BadCredentials(), login("alice", "new-alice-password"));
    }

    @Test
    void aSessionWhoseUserVanishedWithoutNoticeIsRefused() {
        // A directory the authenticator was not registered with: the re-check on use still catches it.
        UserDirectory other = new UserDirectory(List.of(new User("root", Role.ADMIN, FAST.hash("root-password"
                .toCharArray()), null), new User("bob", Role.VIEWER, FAST.hash("bob-password".toCharArray()), null)));
        SessionStore sessions = new SessionStore(clock);
        Authenticator a = new Authenticator(other, sessions, FAST, new LoginThrottle(clock), gate, null);
        String bob = sessions.issue("bob", Role.ADMIN).token();
        assertNull(a.authenticate("Bearer " + bob), "role differs from the directory's");
        assertEquals(0, sessions.size(), "and the session is revoked");
    }

    @Test
    void throttledAfterFiveFailuresEvenWithTheRightPassword() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertEquals(new LoginResult.BadCredentials(), login("alice", "wrong-password"));
        }
        assertEquals(new LoginResult.Throttled(1), login("alice", "alice-password"));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(new LoginResult.BadCredentials(), login("alice", "wrong-password"));
        assertEquals(new LoginResult.Throttled(2), login("alice", "alice-password"), "Retry-After grows");
        clock.advance(Duration.ofSeconds(2));
        assertInstanceOf(LoginResult.Ok.class, login("alice", "alice-password"));
        for (int i = 0; i < 4; i++) {
            assertEquals(new LoginResult.BadCredentials(), login("alice", "wrong-password"));
        }
        assertEquals(new LoginResult.BadCredentials(), login("alice", "wrong-password"), "success reset alice's count");
    }

    @Test
    void aWeakerHashIsMadeAgainAtTheNextLoginWithoutEndingSessions() {
        PasswordHasher strong = new PasswordHasher(2_000, new java.security.SecureRandom());
        UserDirectory directory = new UserDirectory(List.of(new User("old", Role.ADMIN,
                FAST.hash("old-password".toCharArray()), null)));
        int[] saved = new int[1];
        Authenticator a = new Authenticator(directory, new SessionStore(clock), strong, new LoginThrottle(clock), gate,
                null);
        a.onRehash((username, oldHash, newHash) -> saved[0]++);
        String token = assertInstanceOf(LoginResult.Ok.class, a.login("old", "old-password".toCharArray(), client))
                .issued().token();
        String hash = directory.find("old").orElseThrow().passwordHash();
        assertTrue(hash.startsWith("$pbkdf2-sha256$i=2000$"), hash);
        assertEquals(1, saved[0], "the listener saves the users");
        assertNotNull(a.authenticate("Bearer " + token), "the session just issued lives on");
        assertInstanceOf(LoginResult.Ok.class, a.login("old", "old-password".toCharArray(), client));
        assertEquals(hash, directory.find("old").orElseThrow().passwordHash(), "a strong hash is kept");
        assertEquals(1, saved[0]);
        assertInstanceOf(LoginResult.BadCredentials.class, a.login("old", "wrong-password".toCharArray(), client));
    }

    @Test
    void anOriginalBalorUserLogsInWithItsArgon2idPasswordAndGetsAPbkdf2Hash() {
        UserDirectory directory = new UserDirectory(List.of(
                new User("admin", Role.ADMIN, PasswordHasherTest.ADMIN_ARGON2, null)));
        List<String> saved = new java.util.ArrayList<>();
        Authenticator a = new Authenticator(directory, new SessionStore(clock), FAST, new LoginThrottle(clock), gate,
                null);
        a.onRehash((username, oldHash, newHash) -> saved.add(username + " " + oldHash + " -> " + newHash));
        assertInstanceOf(LoginResult.BadCredentials.class, a.login("admin", "admin".toCharArray(), client),
                "the original's Makefile password is not this user's");
        assertInstanceOf(LoginResult.Ok.class, a.login("admin", "admin-original-pw".toCharArray(), client));
        String hash = directory.find("admin").orElseThrow().passwordHash();
        assertTrue(hash.startsWith("$pbkdf2-sha256$"), hash);
        assertEquals(List.of("admin " + PasswordHasherTest.ADMIN_ARGON2 + " -> " + hash), saved);
        assertInstanceOf(LoginResult.Ok.class, a.login("admin", "admin-original-pw".toCharArray(), client),
                "the next login verifies the PBKDF2 hash");
        assertEquals(hash, directory.find("admin").orElseThrow().passwordHash());
        assertEquals(1, saved.size(), "made once");
    }

    @Test
    void unlockClearsAUsersThrottle() {
        for (int i = 0; i < 5; i++) {
            login("alice", "wrong-password");
        }
        assertInstanceOf(LoginResult.Throttled.class, login("alice", "alice-password"));
        assertTrue(auth.unlock("alice"));
        assertInstanceOf(LoginResult.Ok.class, login("alice", "alice-password"));
    }

    @Test
    void unsupportedHashIsABadCredentialThatSaysSo() {
        assertEquals(new LoginResult.UnsupportedHash("imported"), login("imported", "any-password"));
        for (int i = 0; i < 4; i++) {
            login("imported", "any-password");
        }
        assertInstanceOf(LoginResult.Throttled.class, login("imported", "any-password"), "counts as a failure");
    }
}
