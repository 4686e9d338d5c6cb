package io.balor.admin.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The logged-in sessions of the admin API, in memory only (a restart logs everyone out). Thread-safe:
 * the admin server's executor threads issue, check and revoke sessions, and a {@link UserDirectory}
 * change revokes a user's sessions from the thread that made it; every method holds this object's
 * monitor and never calls out while holding it.
 *
 * <p>A token is 256 random bits from {@link SecureRandom}, base64url without padding (43
 * characters). Only its SHA-256 is kept: the lowercase hex of that hash is the session id
 * ({@link Principal#sessionId()}), so the store, a heap dump or an audit record never holds a token
 * that works. A lookup finds the session by the hash of the presented token, so its timing can at
 * most tell an attacker about hashes of tokens it already knows; the stored and computed hashes are
 * then compared with {@link MessageDigest#isEqual} all the same.
 *
 * <p>A session ends at the earlier of its idle expiry (pushed back by each use) and its absolute
 * expiry (fixed at login), on logout, or when its user is deleted or its password or role changes.
 * Expired sessions are dropped lazily: when met by {@link #authenticate} and by a sweep on each
 * {@link #issue}. Memory is bounded: past {@code maxSessions} the oldest session is evicted, and past
 * {@code maxPerUser} the user's own oldest one is, so one account logging in in a loop cannot push
 * everybody else out.
 */
public final class SessionStore {

    /** OWASP's advice for an administrative interface; the console keeps a session in use alive. */
    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(30);
    public static final Duration DEFAULT_ABSOLUTE = Duration.ofHours(12);
    public static final int DEFAULT_MAX_SESSIONS = 10_000;
    public static final int DEFAULT_MAX_PER_USER = 100;

    private static final int TOKEN_BYTES = 32;

    /**
     * A new session: the token to hand to the client once, and who it is for.
     *
     * @param expiresAt when it ends unless used before (the idle expiry, or the absolute one if earlier)
     */
    public record Issued(String token, Principal principal, Instant expiresAt) {
        @Override
        public String toString() {
            return "Issued[principal=" + principal + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** One session; mutated only under the store's monitor. */
    private static final class Session {
        final byte[] tokenHash;
        final Principal principal;
        final Instant absoluteExpiry;
        Instant idleExpiry;

        Session(byte[] tokenHash, Principal principal, Instant absoluteExpiry, Instant idleExpiry) {
            this.tokenHash = tokenHash;
            this.principal = principal;
            this.absoluteExpiry = absoluteExpiry;
            this.idleExpiry = idleExpiry;
        }

        Instant expiresAt() {
            return idleExpiry.isBefore(absoluteExpiry) ? idleExpiry : absoluteExpiry;
        }

        boolean expired(Instant now) {
            return !now.isBefore(expiresAt());
        }
    }

    private final Clock clock;
    private final Duration idle;
    private final Duration absolute;
    private final int maxSessions;
    private final int maxPerUser;
    private final SecureRandom random;
    /** By session id, oldest issued first. */
    private final LinkedHashMap<String, Session> sessions = new LinkedHashMap<>();

    /** A store with the default expiries and bounds. */
    public SessionStore(Clock clock) {
        this(clock, DEFAULT_IDLE, DEFAULT_ABSOLUTE, DEFAULT_MAX_SESSIONS, DEFAULT_MAX_PER_USER, new SecureRandom());
    }

    public SessionStore(Clock clock, Duration idle, Duration absolute, int maxSessions, int maxPerUser,
                        SecureRandom random) {
        this.clock = Objects.requireNonNull(clock);
        if (idle.isNegative() || idle.isZero() || absolute.isNegative() || absolute.isZero()) {
            throw new IllegalArgumentException("session expiries must be positive");
        }
        if (maxSessions < 1 || maxPerUser < 1) {
            throw new IllegalArgumentException("session bounds must be at least 1");
        }
        this.idle = idle;
        this.absolute = absolute;
        this.maxSessions = maxSessions;
        this.maxPerUser = maxPerUser;
        this.random = Objects.requireNonNull(random);
    }

    /** Starts a session for {@code username} acting as {@code role}. */
    public synchronized Issued issue(String username, Role role) {
        Instant now = clock.instant();
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        byte[] hash = sha256(token);
        String id = HexFormat.of().formatHex(hash);
        Principal principal = new Principal(username, Objects.requireNonNull(role), id);
        makeRoomFor(username, now);
        Session session = new Session(hash, principal, now.plus(absolute), now.plus(idle));
        sessions.put(id, session);
        return new Issued(token, principal, session.expiresAt());
    }

    /** The principal of the live session {@code token} belongs to, whose idle expiry this use pushes back. */
    public synchronized Optional<Principal> authenticate(String token) {
        if (token == null) {
            return Optional.empty();
        }
        byte[] hash = sha256(token);
        String id = HexFormat.of().formatHex(hash);
        Session session = sessions.get(id);
        if (session == null || !MessageDigest.isEqual(hash, session.tokenHash)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (session.expired(now)) {
            sessions.remove(id);
            return Optional.empty();
        }
        session.idleExpiry = now.plus(idle);
        return Optional.of(session.principal);
    }

    /** Ends the session {@code sessionId}; whether there was one. */
    public synchronized boolean revoke(String sessionId) {
        return sessionId != null && sessions.remove(sessionId) != null;
    }

    /** Ends every session of {@code username}; how many there were. */
    public synchronized int revokeUser(String username) {
        int revoked = 0;
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
            if (it.next().principal.username().equals(username)) {
                it.remove();
                revoked++;
            }
        }
        return revoked;
    }

    /** Sessions held, expired ones not yet swept included. */
    public synchronized int size() {
        return sessions.size();
    }

    /** The session id of {@code token}: the lowercase hex of its UTF-8 bytes' SHA-256. */
    public static String sessionId(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Sweeps expired sessions, then evicts until one more session of {@code username} fits both bounds. */
    private void makeRoomFor(String username, Instant now) {
        int ofUser = 0;
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
            Session session = it.next();
            if (session.expired(now)) {
                it.remove();
            } else if (session.principal.username().equals(username)) {
                ofUser++;
            }
        }
        for (Iterator<Session> it = sessions.values().iterator(); ofUser >= maxPerUser && it.hasNext(); ) {
            if (it.next().principal.username().equals(username)) {
                it.remove();
                ofUser--;
            }
        }
        for (Iterator<Map.Entry<String, Session>> it = sessions.entrySet().iterator();
             sessions.size() >= maxSessions && it.hasNext(); ) {
            it.next();
            it.remove();
        }
    }
}
