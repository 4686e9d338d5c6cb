package io.balor.admin.auth;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Verifies the original Balor's password hashes, Argon2id PHC strings (RFC 9106) as the Rust
 * {@code argon2} crate writes them: {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, salt
 * and hash in standard base64 without padding. Verify only: Balor makes PBKDF2 hashes
 * ({@link PasswordHasher}), and a user whose stored hash is one of these gets a PBKDF2 one at its
 * first successful login. Computed with BouncyCastle's {@link Argon2BytesGenerator} (bcprov, on
 * the classpath through bcpkix). Any thread; the only state is the bound on verifications running at once.
 *
 * <p>The costs come from the string, so they are bounded: memory {@value #MAX_MEMORY_KIB} KiB,
 * {@value #MAX_PASSES} passes and {@value #MAX_LANES} lanes at most (the crate's defaults are
 * 19456 KiB, 2 and 1): a hash edited in the state file must not make each login take a gigabyte
 * or a minute. Only version 19 (0x13) and the {@code argon2id} variant are read. At most
 * {@value #CONCURRENT} verifications run at once (each holds its memory), the rest wait.
 */
final class Argon2Hashes {

    static final int MAX_MEMORY_KIB = 65_536;
    static final int MAX_PASSES = 16;
    static final int MAX_LANES = 16;
    /**
     * Argon2 verifications at once, whatever {@link HashingGate} lets in: each holds its memory
     * (19 MiB for the original's hashes, {@value #MAX_MEMORY_KIB} KiB at most), a gate sized for
     * PBKDF2 (which takes CPU only) must not let a login flood hold cores/2 times that.
     */
    static final int CONCURRENT = 2;
    private static final java.util.concurrent.Semaphore RUNNING = new java.util.concurrent.Semaphore(CONCURRENT, true);
    private static final String PREFIX = "$argon2id$v=19$";

    private Argon2Hashes() {
    }

    /** The parameters and values of a PHC string. */
    private record Parsed(int memoryKib, int passes, int lanes, byte[] salt, byte[] hash) {
    }

    /** Whether {@code encoded} is an Argon2id string this class can verify. */
    static boolean isArgon2(String encoded) {
        return parse(encoded) != null;
    }

    /**
     * Whether {@code password} is the one {@code encoded} was made from; false for a string this
     * class does not read. The hashes are compared in constant time.
     */
    static boolean verify(char[] password, String encoded) {
        Parsed parsed = parse(encoded);
        if (parsed == null) {
            return false;
        }
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(parsed.memoryKib())
                .withIterations(parsed.passes())
                .withParallelism(parsed.lanes())
                .withSalt(parsed.salt())
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] bytes = utf8(password);
        byte[] actual = new byte[parsed.hash().length];
        RUNNING.acquireUninterruptibly();
        try {
            generator.generateBytes(bytes, actual);
            return MessageDigest.isEqual(actual, parsed.hash());
        } finally {
            RUNNING.release();
            Arrays.fill(bytes, (byte) 0);
            Arrays.fill(actual, (byte) 0);
        }
    }

    /**
     * Strict: {@code $argon2id$v=19$m=<m>,t=<t>,p=<p>$<salt>$<hash>}, in that order, each count
     * in decimal without sign or leading zero and within bounds ({@code m} at least {@code 8p}, as
     * RFC 9106 requires), salt 8..64 bytes and hash 16..64 bytes in canonical unpadded base64.
     * Null for anything else.
     */
    private static Parsed parse(String encoded) {
        if (encoded == null || !encoded.startsWith(PREFIX)) {
            return null;
        }
        String[] parts = encoded.substring(PREFIX.length()).split("\\$", -1);
        if (parts.length != 3) {
            return null;
        }
        String[] costs = parts[0].split(",", -1);
        if (costs.length != 3 || !costs[0].startsWith("m=") || !costs[1].startsWith("t=")
                || !costs[2].startsWith("p=")) {
            return null;
        }
        int memory = PhcStrings.count(costs[0].substring(2), MAX_MEMORY_KIB);
        int passes = PhcStrings.count(costs[1].substring(2), MAX_PASSES);
        int lanes = PhcStrings.count(costs[2].substring(2), MAX_LANES);
        byte[] salt = PhcStrings.base64(parts[1]);
        byte[] hash = PhcStrings.base64(parts[2]);
        if (memory < 1 || passes < 1 || lanes < 1 || memory < 8 * lanes || salt == null || salt.length < 8
                || salt.length > 64 || hash == null || hash.length < 16 || hash.length > 64) {
            return null;
        }
        return new Parsed(memory, passes, lanes, salt, hash);
    }

    private static byte[] utf8(char[] password) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return bytes;
    }
}
