package io.balor.admin.auth;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * Hashes and verifies admin passwords with PBKDF2-HMAC-SHA256 (RFC 8018 §5.2), the slow KDF the
 * JDK has. Stateless apart from its settings; any thread (the admin server's executor threads,
 * and the main thread at bootstrap). The caller bounds how many hashes run at once
 * ({@link HashingGate}): one hash at {@link #ITERATIONS} costs a core a few hundred milliseconds.
 *
 * <p>Encoded form, self-describing so the iteration count can rise later without breaking the
 * hashes already stored: {@code $pbkdf2-sha256$i=600000$<salt>$<hash>}, salt and hash in standard
 * base64 without padding (the layout passlib and the PHC string format use). {@link #verify} takes
 * the count from the string. The original Balor's Argon2id PHC strings ({@code $argon2id$v=19$...})
 * verify too ({@link Argon2Hashes}), and count as weaker than the current hash, so a migrated user
 * keeps its password and gets a PBKDF2 hash at its first login. A string in any other format never
 * verifies; {@link #isSupported} tells the caller so it can say "reset this user's password with
 * balorctl" instead of just "wrong password".
 *
 * <p>Password rules: {@value #MIN_LENGTH} to {@value #MAX_LENGTH} characters, any characters
 * (PBKDF2 reads them as UTF-8). The upper bound keeps a request from feeding megabytes to the KDF.
 */
public final class PasswordHasher {

    /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
    public static final int ITERATIONS = 600_000;
    public static final int MIN_LENGTH = 8;
    public static final int MAX_LENGTH = 1024;
    /**
     * The most iterations {@link #verify} will run: a hash edited in the state file must not make
     * every login of that user pin a core for minutes.
     */
    public static final int MAX_ITERATIONS = 10_000_000;

    private static final String PREFIX = "$pbkdf2-sha256$i=";
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    private final int iterations;
    private final SecureRandom random;

    /** Hashes at {@link #ITERATIONS}. */
    public PasswordHasher() {
        this(ITERATIONS, new SecureRandom());
    }

    /** Hashes at {@code iterations} (tests use a low count for speed; verification follows each string). */
    public PasswordHasher(int iterations, SecureRandom random) {
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be 1.." + MAX_ITERATIONS + ", was " + iterations);
        }
        this.iterations = iterations;
        this.random = Objects.requireNonNull(random);
    }

    public int iterations() {
        return iterations;
    }

    /** What is wrong with {@code password} as a new password, or null if nothing is. */
    public static String passwordProblem(char[] password) {
        if (password == null || password.length < MIN_LENGTH || password.length > MAX_LENGTH) {
            return "a password must be " + MIN_LENGTH + " to " + MAX_LENGTH + " characters long, this one has "
                    + (password == null ? 0 : password.length);
        }
        return null;
    }

    /**
     * A hash in this hasher's format and at its iterations that no password is known to match:
     * random salt and random hash bytes, made without hashing anything. Checking a password
     * against it costs what checking one against a real hash does, which is what it is for.
     */
    public String unmatchable() {
        byte[] salt = new byte[SALT_BYTES];
        byte[] hash = new byte[HASH_BYTES];
        random.nextBytes(salt);
        random.nextBytes(hash);
        return PREFIX + iterations + "$" + PhcStrings.base64(salt) + "$" + PhcStrings.base64(hash);
    }

    /**
     * The encoded hash of {@code password} with a fresh random salt.
     *
     * @throws IllegalArgumentException if the password breaks the rules (the message says which)
     */
    public String hash(char[] password) {
        String problem = passwordProblem(password);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, iterations, HASH_BYTES);
        try {
            return PREFIX + iterations + "$" + PhcStrings.base64(salt) + "$" + PhcStrings.base64(hash);
        } finally {
            Arrays.fill(hash, (byte) 0);
        }
    }

    /**
     * Whether {@code password} is the one {@code encoded} was made from. False for a string this
     * class cannot read (see {@link #isSupported}) and, without hashing, for an empty password or one
     * longer than {@value #MAX_LENGTH}. The hashes are compared in constant time.
     */
    public boolean verify(char[] password, String encoded) {
        if (password == null || password.length == 0 || password.length > MAX_LENGTH) {
            return false;
        }
        if (Argon2Hashes.isArgon2(encoded)) {
            return Argon2Hashes.verify(password, encoded);
        }
        Parsed parsed = parse(encoded);
        if (parsed == null) {
            return false;
        }
        byte[] actual = derive(password, parsed.salt, parsed.iterations, parsed.hash.length);
        try {
            return MessageDigest.isEqual(actual, parsed.hash);
        } finally {
            Arrays.fill(actual, (byte) 0);
        }
    }

    /**
     * Whether {@code encoded} is worth making again at the next successful login: one of this
     * class's hashes made with fewer iterations than this hasher's (OWASP's advice as counts rise),
     * or an Argon2id hash of the original Balor (this version writes PBKDF2 only).
     */
    public boolean isWeakerThanCurrent(String encoded) {
        Parsed parsed = parse(encoded);
        return (parsed != null && parsed.iterations < iterations) || Argon2Hashes.isArgon2(encoded);
    }

    /** Whether {@code encoded} is a hash this class can verify: PBKDF2, or the original's Argon2id. */
    public static boolean isSupported(String encoded) {
        return parse(encoded) != null || Argon2Hashes.isArgon2(encoded);
    }

    private record Parsed(int iterations, byte[] salt, byte[] hash) {
    }

    /**
     * Strict: {@code $pbkdf2-sha256$i=<1..MAX_ITERATIONS, ASCII digits, no sign or leading zero>$<salt>$<hash>},
     * both in canonical unpadded base64 (so changing any character of the string changes what it
     * means), salt 8..64 bytes, hash exactly {@value #HASH_BYTES} bytes (PBKDF2's output of
     * another length starts with the same bytes, so a longer hash could verify by chance). Null
     * for anything else.
     */
    private static Parsed parse(String encoded) {
        if (encoded == null || !encoded.startsWith(PREFIX)) {
            return null;
        }
        String[] parts = encoded.substring(PREFIX.length()).split("\\$", -1);
        if (parts.length != 3) {
            return null;
        }
        int count = parts[0].length() > 8 ? -1 : PhcStrings.count(parts[0], MAX_ITERATIONS);
        byte[] salt = PhcStrings.base64(parts[1]);
        byte[] hash = PhcStrings.base64(parts[2]);
        if (count < 1 || salt == null || salt.length < 8 || salt.length > 64
                || hash == null || hash.length != HASH_BYTES) {
            return null;
        }
        return new Parsed(count, salt, hash);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            // The JDK's SunJCE provider has had it since Java 8; a runtime without it cannot run Balor.
            throw new IllegalStateException("the JDK cannot compute " + ALGORITHM, e);
        } finally {
            spec.clearPassword();
        }
    }
}
