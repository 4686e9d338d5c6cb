package io.balor.admin.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static io.balor.admin.auth.PasswordHasherTest.FAST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BootstrapTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();

    /** The password line of a bootstrap secret file. */
    private static String passwordIn(Path file) throws Exception {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("password: ")) {
                return line.substring("password: ".length());
            }
        }
        throw new AssertionError("no password line in " + Files.readString(file));
    }

    @Test
    void generatedPasswordGoesToAnOwnerOnlyFileAndVerifies() throws Exception {
        UserDirectory users = new UserDirectory();
        Path file = dir.resolve("data/nested/admin-bootstrap.txt");
        String message = Bootstrap.ensureAdmin(users, null, file, FAST, clock);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String password = passwordIn(file);
        assertTrue(password.matches("[A-Za-z0-9_-]{24}"), password);
        User admin = users.find("admin").orElseThrow();
        assertEquals(Role.ADMIN, admin.role());
        assertEquals(clock.instant(), admin.createdAt());
        assertTrue(FAST.verify(password.toCharArray(), admin.passwordHash()));
        assertTrue(message.contains("a generated password for 'admin' is in " + file), message);
        assertFalse(message.contains(password), "the password is never logged");
        assertFalse(message.contains("replaced"), message);
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void anExistingFileIsReplacedAtomicallyAndTheMessageSaysSo() throws Exception {
        Path file = dir.resolve("admin-bootstrap.txt");
        Files.writeString(file, "password: stale\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        UserDirectory users = new UserDirectory();
        String message = Bootstrap.ensureAdmin(users, null, file, FAST, clock);

        assertTrue(message.contains("replaced an older file"), message);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String password = passwordIn(file);
        assertNotEquals("stale", password);
        assertTrue(FAST.verify(password.toCharArray(), users.find("admin").orElseThrow().passwordHash()));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void nothingHappensWhenThereAreUsers() throws Exception {
        UserDirectory users = new UserDirectory(List.of(UserDirectoryTest.user("alice", Role.ADMIN)));
        Path file = dir.resolve("admin-bootstrap.txt");
        assertNull(Bootstrap.ensureAdmin(users, null, file, FAST, clock));
        assertNull(Bootstrap.ensureAdmin(users, "a-default-password", file, FAST, clock));
        assertFalse(Files.exists(file));
        assertEquals(List.of("alice"), users.list().stream().map(User::username).toList());
    }

    @Test
    void theDefaultPasswordIsUsedWhenGivenAndNoFileIsWritten() throws Exception {
        UserDirectory users = new UserDirectory();
        Path file = dir.resolve("admin-bootstrap.txt");
        String message = Bootstrap.ensureAdmin(users, "s3cret-from-env", file, FAST, clock);
        assertTrue(FAST.verify("s3cret-from-env".toCharArray(), users.find("admin").orElseThrow().passwordHash()));
        assertFalse(Files.exists(file));
        assertTrue(message.contains("BALOR_DEFAULT_ADMIN_PASSWORD"), message);
        assertFalse(message.contains("s3cret-from-env"), message);
    }

    @Test
    void aDefaultPasswordBreakingTheRulesIsRefused() {
        UserDirectory users = new UserDirectory();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Bootstrap.ensureAdmin(users, "admin", dir.resolve("f"), FAST, clock));
        assertTrue(e.getMessage().startsWith("BALOR_DEFAULT_ADMIN_PASSWORD: a password must be 8 to 1024"),
                e.getMessage());
        assertTrue(users.isEmpty());
    }

    @Test
    void anUnwritableFileCreatesNoUser() throws Exception {
        Path blocker = dir.resolve("not-a-dir");
        Files.writeString(blocker, "x");
        UserDirectory users = new UserDirectory();
        assertThrows(java.io.IOException.class,
                () -> Bootstrap.ensureAdmin(users, null, blocker.resolve("admin-bootstrap.txt"), FAST, clock));
        assertTrue(users.isEmpty(), "an admin nobody knows the password of would lock everyone out");
    }

    @Test
    void generatedPasswordsUseTheWholeAlphabet() {
        SecureRandom random = new SecureRandom();
        Set<Character> seen = new HashSet<>();
        Set<String> passwords = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String password = Bootstrap.generatePassword(random);
            assertEquals(24, password.length());
            passwords.add(password);
            for (char c : password.toCharArray()) {
                seen.add(c);
            }
        }
        assertEquals(200, passwords.size());
        assertEquals(64, seen.size(), "A-Z a-z 0-9 - _");
    }
}
