package io.balor.admin.auth;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHasherTest {

    /** Tests hash at 1,000 iterations; only {@link #defaultHasSelfDescribingFormatAt600000Iterations} pays for 600,000. */
    static final PasswordHasher FAST = new PasswordHasher(1_000, new SecureRandom());

    private static final char[] PASSWORD = "correct horse battery staple".toCharArray();

    @Test
    void defaultHasSelfDescribingFormatAt600000Iterations() {
        PasswordHasher hasher = new PasswordHasher();
        String encoded = hasher.hash(PASSWORD);
        assertTrue(encoded.matches("\\$pbkdf2-sha256\\$i=600000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), encoded);
        assertTrue(hasher.verify(PASSWORD, encoded));
        assertTrue(PasswordHasher.isSupported(encoded));
        assertEquals(600_000, PasswordHasher.ITERATIONS);
    }

    @Test
    void matchesAnIndependentPbkdf2Implementation() {
        // Python: hashlib.pbkdf2_hmac('sha256', 'pässwörd€'.encode(), bytes(range(16)), 1000, 32), base64 unpadded.
        String fromPython = "$pbkdf2-sha256$i=1000$AAECAwQFBgcICQoLDA0ODw$3TDQwd5s9p7Frasrat2dAxDilfhYX9mxPBEteXXyB/w";
        assertTrue(FAST.verify("pässwörd€".toCharArray(), fromPython), "UTF-8 password, standard PBKDF2");
        assertFalse(FAST.verify("passwörd€".toCharArray(), fromPython));
    }

    @Test
    void theUnmatchableHashHasTheFormatAndCostOfARealOne() {
        String unmatchable = FAST.unmatchable();
        String real = FAST.hash(PASSWORD);
        assertTrue(PasswordHasher.isSupported(unmatchable));
        assertEquals(real.substring(0, real.indexOf('$', 16)), unmatchable.substring(0, unmatchable.indexOf('$', 16)));
        assertEquals(real.length(), unmatchable.length());
        assertFalse(FAST.verify(PASSWORD, unmatchable));
        assertFalse(FAST.isWeakerThanCurrent(unmatchable));
        assertNotEquals(unmatchable, FAST.unmatchable());
    }

    @Test
    void wrongPasswordDoesNotVerify() {
        String encoded = FAST.hash(PASSWORD);
        assertFalse(FAST.verify("correct horse battery stapla".toCharArray(), encoded));
        assertFalse(FAST.verify("Correct horse battery staple".toCharArray(), encoded));
        assertFalse(FAST.verify(new char[0], encoded));
        assertFalse(FAST.verify(null, encoded));
    }

    @Test
    void verifiesWithTheIterationCountInTheString() {
        String old = new PasswordHasher(1_000, new SecureRandom()).hash(PASSWORD);
        PasswordHasher later = new PasswordHasher(2_000, new SecureRandom());
        assertTrue(later.verify(PASSWORD, old), "a later default still verifies old hashes");
        assertTrue(later.hash(PASSWORD).startsWith("$pbkdf2-sha256$i=2000$"));
    }

    @Test
    void sameSaltNeverTwice() {
        assertNotEquals(FAST.hash(PASSWORD), FAST.hash(PASSWORD));
    }

    @Test
    void tamperedHashDoesNotVerify() {
        String encoded = FAST.hash(PASSWORD);
        assertTrue(FAST.verify(PASSWORD, encoded));
        int hashStart = encoded.lastIndexOf('$') + 1;
        int saltStart = encoded.lastIndexOf('$', hashStart - 2) + 1;
        // Every character of salt and hash matters, the last one too (its spare bits must be zero).
        for (int at : new int[] {saltStart, saltStart + 10, hashStart - 2, hashStart, hashStart + 20,
                encoded.length() - 1}) {
            char[] chars = encoded.toCharArray();
            chars[at] = chars[at] == 'A' ? 'B' : 'A';
            assertFalse(FAST.verify(PASSWORD, new String(chars)), "changed at " + at + ": " + new String(chars));
        }
        assertFalse(FAST.verify(PASSWORD, encoded.replace("i=1000$", "i=1001$")));
        assertFalse(FAST.verify(PASSWORD, encoded + "A"));
    }

    /** The original Balor's sample users (../shared/seed): hashes made by the reference argon2 tool. */
    static final String ADMIN_ARGON2 = "$argon2id$v=19$m=19456,t=2,p=1$NzRkYThhMjc1YTEzNWQxNw$"
            + "4IvYtXtCRJYOjcc+ESTxT5D4AFOex3Hl44ssSyx44qc";
    static final String OPS_ARGON2 = "$argon2id$v=19$m=19456,t=2,p=1$Yjc2MmIwY2Y2YTQ2ZTExNg$"
            + "1mhdTc9bpH3O2T9uzYTNIZY0CxNCibOvcqi+oLmeo+M";
    static final String DASHBOARD_ARGON2 = "$argon2id$v=19$m=19456,t=2,p=1$OTAyNDUxM2NlOTE1ODcyYg$"
            + "mjrAc13XcdjatQ4oTZ/x/FQEUdS/yOq3JXXAel/rBqU";

    @Test
    void theOriginalsArgon2idHashesVerifyAndAreWorthMakingAgain() {
        assertTrue(FAST.verify("admin-original-pw".toCharArray(), ADMIN_ARGON2));
        assertTrue(FAST.verify("operator-original-pw".toCharArray(), OPS_ARGON2));
        assertTrue(FAST.verify("viewer-original-pw".toCharArray(), DASHBOARD_ARGON2));
        assertFalse(FAST.verify("admin-original-pW".toCharArray(), ADMIN_ARGON2));
        assertFalse(FAST.verify("operator-original-pw".toCharArray(), ADMIN_ARGON2));
        for (String hash : List.of(ADMIN_ARGON2, OPS_ARGON2, DASHBOARD_ARGON2)) {
            assertTrue(PasswordHasher.isSupported(hash), hash);
            assertTrue(FAST.isWeakerThanCurrent(hash), "made again as PBKDF2 at the next login: " + hash);
        }
    }

    @Test
    void argon2StringsOutsideWhatTheOriginalWritesNeverVerify() {
        char[] password = "admin-original-pw".toCharArray();
        String tail = "$NzRkYThhMjc1YTEzNWQxNw$4IvYtXtCRJYOjcc+ESTxT5D4AFOex3Hl44ssSyx44qc";
        for (String bad : List.of(
                "$argon2i$v=19$m=19456,t=2,p=1" + tail,                 // another variant
                "$argon2id$v=16$m=19456,t=2,p=1" + tail,                // another version
                "$argon2id$v=19$m=19457,t=2,p=1" + tail,                // other costs: another hash
                "$argon2id$v=19$m=1048576,t=2,p=1" + tail,              // a gigabyte a login: refused unread
                "$argon2id$v=19$m=19456,t=100,p=1" + tail,
                "$argon2id$v=19$m=19456,t=2,p=64" + tail,
                "$argon2id$v=19$t=2,m=19456,p=1" + tail,
                "$argon2id$v=19$m=019456,t=2,p=1" + tail,
                "$argon2id$v=19$m=19456,t=2,p=1$NzRkYThhMjc1YTEzNWQxNw==$4IvYtXtCRJYOjcc+ESTxT5D4AFOex3Hl44ssSyx44qc",
                "$argon2id$v=19$m=19456,t=2,p=1$NzRkYThhMjc1YTEzNWQxNw$4IvYtXtCRJYOjcc+ESTxT5D4AFOex3Hl44ssSyx44qd",
                "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNo")) {   // a 12-byte hash
            assertFalse(FAST.verify(password, bad), bad);
        }
        assertFalse(PasswordHasher.isSupported("$argon2id$v=19$m=1048576,t=2,p=1" + tail));
    }

    @Test
    void malformedStringsAreUnsupported() {
        String good = FAST.hash(PASSWORD);
        String[] parts = good.split("\\$");
        String salt = parts[3];
        String hash = parts[4];
        for (String bad : List.of("", "plain", "$pbkdf2-sha256$", "$pbkdf2-sha1$i=1000$" + salt + "$" + hash,
                "$pbkdf2-sha256$i=0$" + salt + "$" + hash,
                "$pbkdf2-sha256$i=+1000$" + salt + "$" + hash,
                "$pbkdf2-sha256$i=01000$" + salt + "$" + hash,
                "$pbkdf2-sha256$i=99999999$" + salt + "$" + hash,
                "$pbkdf2-sha256$i=1000$" + salt + "==$" + hash,
                "$pbkdf2-sha256$i=1000$" + salt.replace('A', '-') + "x$" + hash,
                "$pbkdf2-sha256$i=1000$" + salt + "$" + hash + "$",
                "$pbkdf2-sha256$i=1000$" + salt,
                "$pbkdf2-sha256$i=1000$QUJD$" + hash)) {
            assertFalse(PasswordHasher.isSupported(bad), bad);
            assertFalse(FAST.verify(PASSWORD, bad), bad);
        }
        assertFalse(PasswordHasher.isSupported(null));
    }

    @Test
    void passwordRulesAre8To1024Characters() {
        IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
                () -> FAST.hash("1234567".toCharArray()));
        assertTrue(tooShort.getMessage().contains("8 to 1024"), tooShort.getMessage());
        char[] longest = new char[1024];
        Arrays.fill(longest, 'x');
        char[] tooLong = new char[1025];
        Arrays.fill(tooLong, 'x');
        assertTrue(FAST.verify("12345678".toCharArray(), FAST.hash("12345678".toCharArray())));
        assertTrue(FAST.verify(longest, FAST.hash(longest)));
        assertThrows(IllegalArgumentException.class, () -> FAST.hash(tooLong));
        assertThrows(IllegalArgumentException.class, () -> FAST.hash(null));
        assertFalse(FAST.verify(tooLong, FAST.hash(longest)), "over-long passwords are refused unhashed");
    }
}
