package io.balor.admin.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;

/**
 * Creates the first admin when there are no users, so a fresh install can be logged into. Runs once
 * on the main thread at start-up, before the admin server accepts requests; stateless.
 *
 * <p>With {@code BALOR_DEFAULT_ADMIN_PASSWORD} set, user {@code admin} gets that password (it must
 * follow the password rules: the original's Makefile default {@code admin} is too short). Without
 * it, a password of {@value #GENERATED_LENGTH} characters from the 64-character URL-safe alphabet
 * (144 bits from {@link SecureRandom}) is generated and written to the bootstrap secret file,
 * never logged. The file is owner-only ({@code rw-------}) from the moment it exists: it is created
 * as a temporary file in the same directory with that mode, written, flushed to disk and renamed
 * over the target, so a reader never sees it half-written or world-readable. An existing file
 * (left from an earlier bootstrap whose users are gone) is replaced the same way, atomically, and
 * the returned message says so. Once that user's password is changed (through the API or
 * {@code balorctl users reset-password}) or the user is deleted, {@link #forget} removes the file:
 * the password in it no longer logs in, and a stale secret on disk only misleads.
 */
public final class Bootstrap {

    public static final String ADMIN = "admin";
    public static final int GENERATED_LENGTH = 24;
    /** {@code DEFAULT_ADMIN_PASSWORD}'s variable, named in messages. */
    public static final String DEFAULT_PASSWORD_VARIABLE = "BALOR_DEFAULT_ADMIN_PASSWORD";

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private Bootstrap() {
    }

    /**
     * Creates user {@code admin} if {@code users} is empty.
     *
     * @param defaultPassword {@code BALOR_DEFAULT_ADMIN_PASSWORD}, or null (or empty) to generate one
     * @param secretFile      {@code BALOR_BOOTSTRAP_SECRET_FILE}: where a generated password is written
     * @param clock           gives the user's {@code created_at}
     * @return what to log (never the password), or null if there were users already
     * @throws IllegalArgumentException if {@code defaultPassword} breaks the password rules
     * @throws IOException              if the secret file cannot be written (then no user is created)
     */
    public static String ensureAdmin(UserDirectory users, String defaultPassword, Path secretFile,
                                     PasswordHasher hasher, Clock clock) throws IOException {
        if (!users.isEmpty()) {
            return null;
        }
        if (defaultPassword != null && !defaultPassword.isEmpty()) {
            char[] password = defaultPassword.toCharArray();
            String problem = PasswordHasher.passwordProblem(password);
            if (problem != null) {
                throw new IllegalArgumentException(DEFAULT_PASSWORD_VARIABLE + ": " + problem);
            }
            if (!users.addIfEmpty(new User(ADMIN, Role.ADMIN, hasher.hash(password), clock.instant()))) {
                return null;
            }
            return "there were no users: created '" + ADMIN + "' with the password from the environment ("
                    + DEFAULT_PASSWORD_VARIABLE + "); change it now (PUT /api/users/" + ADMIN + ") and unset the"
                    + " variable: anyone who can read this process's environment knows it";
        }
        String password = generatePassword(new SecureRandom());
        String hash = hasher.hash(password.toCharArray());
        String text = "# Balor's first admin, created " + clock.instant() + " because there were no users.\n"
                + "# Log in and change this password; Balor deletes this file when you do.\n"
                + "username: " + ADMIN + "\n"
                + "password: " + password + "\n";
        boolean replaced = writeOwnerOnly(secretFile, text);
        if (!users.addIfEmpty(new User(ADMIN, Role.ADMIN, hash, clock.instant()))) {
            return null;
        }
        return "there were no users: created '" + ADMIN + "'; a generated password for '" + ADMIN + "' is in "
                + secretFile + (replaced ? " (which replaced an older file there)" : "")
                + "; log in and change it (PUT /api/users/" + ADMIN + ", or balorctl users reset-password " + ADMIN
                + "), which deletes the file";
    }

    /**
     * Removes {@code secretFile} if it is the file {@link #ensureAdmin} wrote for {@code username}
     * (a regular file of at most 4 KiB with the line {@code username: NAME}): called when that
     * user's password changed or the user was deleted. Anything else there (another user's
     * file, one edited beyond recognition, a link) is left alone.
     *
     * @param secretFile {@code BALOR_BOOTSTRAP_SECRET_FILE}, or null for none
     * @return whether the file was removed
     * @throws IOException if it is such a file and could not be removed
     */
    public static boolean forget(Path secretFile, String username) throws IOException {
        if (secretFile == null || !Files.isRegularFile(secretFile, LinkOption.NOFOLLOW_LINKS)
                || Files.size(secretFile) > 4096) {
            return false;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(secretFile, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException | java.nio.file.AccessDeniedException e) {
            return false;   // not the file Balor wrote
        }
        if (!lines.contains("username: " + username)) {
            return false;
        }
        return Files.deleteIfExists(secretFile);
    }

    /** {@value #GENERATED_LENGTH} characters of {@code A-Z a-z 0-9 - _}, each uniformly random. */
    public static String generatePassword(SecureRandom random) {
        char[] chars = new char[GENERATED_LENGTH];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return new String(chars);
    }

    /**
     * Writes {@code text} to {@code file} through an owner-only temporary file and an atomic rename
     * (see the class comment); creates missing parent directories.
     *
     * @return whether a file was there before (and has been replaced)
     */
    static boolean writeOwnerOnly(Path file, String text) throws IOException {
        Path target = file.toAbsolutePath();
        io.balor.FileModes.createPrivateDirectories(target.getParent());
        boolean existed = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        io.balor.admin.state.AtomicFile.write(target, text.getBytes(StandardCharsets.UTF_8), true);
        return existed;
    }
}
