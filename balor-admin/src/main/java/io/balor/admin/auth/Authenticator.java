package io.balor.admin.auth;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides who an admin-API request is: logs users in with their password, recognises bearer
 * tokens (sessions and the configured {@code BALOR_ADMIN_TOKEN}) and logs out. Thread-safe and
 * otherwise stateless: the admin server's executor threads call it concurrently; the state it ties
 * together ({@link UserDirectory}, {@link SessionStore}, {@link LoginThrottle}, {@link HashingGate})
 * guards itself.
 *
 * <p>A login goes: throttle check (refused without hashing) → hashing permit (refused as busy: see
 * {@link HashingGate}; an address that logged in before goes first) → verify → count the failure,
 * or clear the user's counts, remember the address and issue a session. A hash made with fewer
 * iterations than the hasher's is made again from the password just verified (still within the
 * permit) and handed to the {@linkplain #onRehash rehash listener} to be saved. An
 * unknown or invalid username and a user whose hash cannot be verified hash the password against a
 * dummy hash instead, so the answer takes about as long as for a real user with a wrong password
 * and does not tell whether the user exists. (An empty or over-long password is refused without
 * hashing: its length is the client's own choice, so the timing tells it nothing.)
 *
 * <p>The admin token (unlike the original Balor, where it was also accepted as the password of any
 * username) is only a bearer token: {@code Authorization: Bearer <token>}. It is kept as its
 * SHA-256 and compared with {@link MessageDigest#isEqual}. It must be at least
 * {@value #MIN_ADMIN_TOKEN_LENGTH} characters: bearer tokens are not throttled like passwords, so a
 * short one could be guessed.
 *
 * <p>Every session is re-checked against the directory on use: one whose user was deleted, or whose
 * role differs from the user's, is revoked. The directory's change listener (registered here)
 * already revokes them; the check closes the window of a login that races a change.
 */
public final class Authenticator {

    public static final int MIN_ADMIN_TOKEN_LENGTH = 16;
    /** Longer credentials are refused before hashing them. */
    private static final int MAX_TOKEN_LENGTH = 1024;
    private static final System.Logger LOG = System.getLogger(Authenticator.class.getName());

    private final UserDirectory users;
    private final SessionStore sessions;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final HashingGate gate;
    /** SHA-256 of the admin token, or null without one. */
    private final byte[] adminTokenHash;
    /** What an unknown user's password is checked against, at the hasher's iteration count. */
    private final String dummyHash;
    /** Called after a login rehashed a user's password, to save it; set once at start. */
    private volatile Rehashed onRehash = (username, oldHash, newHash) -> { };

    /** What a login that made a user's hash stronger tells its listener. */
    @FunctionalInterface
    public interface Rehashed {
        /** {@code username}'s hash {@code oldHash} is now {@code newHash} (the same password). */
        void rehashed(String username, String oldHash, String newHash);
    }

    /**
     * Ties the parts together and registers {@code sessions}' revocation with {@code users}. The
     * dummy hash is {@linkplain PasswordHasher#unmatchable() made without hashing}, so a start does
     * not spend a few hundred milliseconds of CPU on it.
     *
     * @param adminToken {@code BALOR_ADMIN_TOKEN}, or null (or empty) for none
     * @throws IllegalArgumentException if the admin token is too short or has spaces or control characters
     */
    public Authenticator(UserDirectory users, SessionStore sessions, PasswordHasher hasher, LoginThrottle throttle,
                         HashingGate gate, String adminToken) {
        this.users = Objects.requireNonNull(users);
        this.sessions = Objects.requireNonNull(sessions);
        this.hasher = Objects.requireNonNull(hasher);
        this.throttle = Objects.requireNonNull(throttle);
        this.gate = Objects.requireNonNull(gate);
        if (adminToken == null || adminToken.isEmpty()) {
            adminTokenHash = null;
        } else if (adminToken.length() < MIN_ADMIN_TOKEN_LENGTH || !isTokenText(adminToken)) {
            throw new IllegalArgumentException(Principal.ADMIN_TOKEN + " must be " + MIN_ADMIN_TOKEN_LENGTH + " to "
                    + MAX_TOKEN_LENGTH + " visible ASCII characters without spaces (bearer tokens are not throttled, so"
                    + " a short one could be guessed); make one with: openssl rand -base64 32");
        } else {
            adminTokenHash = SessionStore.sha256(adminToken);
        }
        dummyHash = hasher.unmatchable();
        users.onAccessChange(sessions::revokeUser);
    }

    /** An authenticator with the default session, throttle and gate settings at {@link PasswordHasher#ITERATIONS}. */
    public static Authenticator withDefaults(UserDirectory users, String adminToken, Clock clock) {
        return new Authenticator(users, new SessionStore(clock), new PasswordHasher(), new LoginThrottle(clock),
                new HashingGate(), adminToken);
    }

    /**
     * Checks {@code password} for {@code username} logging in from {@code client}. Does not keep or
     * clear {@code password}; the caller clears it.
     */
    public LoginResult login(String username, char[] password, InetAddress client) {
        // An invalid name cannot be a user's: it gets no table entry of its own (but its address counts).
        String userKey = User.usernameProblem(username) == null ? username : null;
        long retryAfter = throttle.retryAfterSeconds(userKey, client);
        if (retryAfter > 0) {
            return new LoginResult.Throttled(retryAfter);
        }
        if (password == null || password.length == 0 || password.length > PasswordHasher.MAX_LENGTH) {
            throttle.failure(userKey, client);
            return new LoginResult.BadCredentials();
        }
        User user;
        boolean supported;
        boolean verified;
        String rehashed = null;
        try (HashingGate.Permit permit = gate.enter(ClientAddress.key(client), throttle.knownAddress(userKey, client))) {
            if (permit == null) {
                return new LoginResult.Busy(gate.retryAfterSeconds());
            }
            user = userKey == null ? null : users.find(userKey).orElse(null);
            supported = user != null && PasswordHasher.isSupported(user.passwordHash());
            verified = hasher.verify(password, supported ? user.passwordHash() : dummyHash) && supported;
            if (verified && hasher.isWeakerThanCurrent(user.passwordHash())) {
                rehashed = hasher.hash(password);
            }
        }
        if (!verified) {
            throttle.failure(userKey, client);
            if (user != null && !supported) {
                LOG.log(System.Logger.Level.WARNING, "user ''{0}'' tried to log in, but its password hash is in a"
                        + " format this version cannot verify (neither PBKDF2 nor Argon2id): reset its password"
                        + " with balorctl", user.username());
                return new LoginResult.UnsupportedHash(user.username());
            }
            return new LoginResult.BadCredentials();
        }
        throttle.success(userKey, client);
        if (rehashed != null && users.replaceHash(user.username(), user.passwordHash(), rehashed)) {
            onRehash.rehashed(user.username(), user.passwordHash(), rehashed);
        }
        return new LoginResult.Ok(sessions.issue(user.username(), user.role()));
    }

    /**
     * Calls {@code listener} (on the login's thread) after a login replaced a user's hash with a
     * stronger one, so it can be saved; the running directory has it already.
     */
    public void onRehash(Rehashed listener) {
        this.onRehash = java.util.Objects.requireNonNull(listener);
    }

    /**
     * Clears {@code username}'s login throttle (not its addresses': they may be others' too).
     * Whether there was anything to clear.
     */
    public boolean unlock(String username) {
        return throttle.unlock(username);
    }

    /**
     * Who the request with this {@code Authorization} header value is, or null if nobody: accepts
     * only {@code Bearer <token>} (RFC 6750 §2.1; the scheme in any case), the admin token first,
     * then a live session (whose idle expiry this use pushes back).
     */
    public Principal authenticate(String authorization) {
        String token = bearerToken(authorization);
        if (token == null) {
            return null;
        }
        if (adminTokenHash != null && MessageDigest.isEqual(adminTokenHash, SessionStore.sha256(token))) {
            return new Principal(Principal.ADMIN_TOKEN, Role.ADMIN, null);
        }
        Optional<Principal> session = sessions.authenticate(token);
        if (session.isEmpty()) {
            return null;
        }
        Principal principal = session.get();
        Optional<User> user = users.find(principal.username());
        if (user.isEmpty() || user.get().role() != principal.role()) {
            sessions.revoke(principal.sessionId());
            return null;
        }
        return principal;
    }

    /** Ends {@code principal}'s session; false for the admin token, which has none to end. */
    public boolean logout(Principal principal) {
        return principal.sessionId() != null && sessions.revoke(principal.sessionId());
    }

    /** What new passwords are hashed with (the same settings logins verify with). */
    public PasswordHasher hasher() {
        return hasher;
    }

    public SessionStore sessions() {
        return sessions;
    }

    public UserDirectory users() {
        return users;
    }

    /** The token of {@code Bearer <token>}, or null if the value is anything else. */
    static String bearerToken(String authorization) {
        String scheme = "bearer";
        if (authorization == null || authorization.length() <= scheme.length()
                || authorization.charAt(scheme.length()) != ' ') {
            return null;
        }
        for (int i = 0; i < scheme.length(); i++) {
            if ((authorization.charAt(i) | 0x20) != scheme.charAt(i)) {
                return null;
            }
        }
        int start = scheme.length();
        while (start < authorization.length() && authorization.charAt(start) == ' ') {
            start++;
        }
        String token = authorization.substring(start);
        return !token.isEmpty() && isTokenText(token) ? token : null;
    }

    /** 1..{@value #MAX_TOKEN_LENGTH} visible ASCII characters (RFC 5234 VCHAR), so no spaces. */
    private static boolean isTokenText(String token) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
