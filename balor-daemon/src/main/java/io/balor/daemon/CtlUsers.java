package io.balor.daemon;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.balor.admin.auth.PasswordHasher;
import io.balor.admin.auth.User;
import io.balor.admin.auth.UserDirectory;
import io.balor.admin.auth.UsersSection;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.StateFile;
import io.balor.admin.state.StateFileException;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code balorctl users unlock NAME} (asks the running daemon to clear a user's login throttle) and
 * {@code balorctl users reset-password NAME}: gives a user of the state file a new password,
 * the way back in for an admin who lost theirs, or for a user whose hash is in a format this
 * version cannot verify. The password is read without echo from the
 * console, twice, or as one line from stdin ({@code --password-stdin}, for scripts); it must
 * follow {@link PasswordHasher#passwordProblem}'s rules and is hashed at
 * {@link PasswordHasher#ITERATIONS}. The file is saved with {@link StateFile#save} (atomic, mode
 * 600). Password characters are wiped from memory once hashed. Runs once on the main thread.
 */
final class CtlUsers {

    /** The most bytes read from stdin: more than any password within the length limit takes in UTF-8. */
    private static final int MAX_LINE_BYTES = (PasswordHasher.MAX_LENGTH + 1) * 4 + 2;

    private CtlUsers() {
    }

    /**
     * Resets {@code name}'s password in {@code stateFile}.
     *
     * @param console where to ask for the password when {@code fromStdin} is false; null when there
     *                is no terminal
     * @param bootstrapFile the daemon's bootstrap secret file: removed when it holds this user's
     *                generated password, which no longer logs in ({@link io.balor.admin.auth.Bootstrap#forget})
     */
    static void resetPassword(Path stateFile, String name, boolean fromStdin, InputStream in, Console console,
                              PrintStream out, Path bootstrapFile) throws CtlFailure {
        CtlDocument document = CtlDocument.read(stateFile);
        if (document.unreadable() != null) {
            throw CtlFailure.failed("state file " + stateFile + " " + document.unreadable()
                    + (document.unreadable().equals("does not exist")
                    ? " (a starting balor creates it, with its first admin)" : ""));
        }
        if (!document.valid()) {
            throw CtlFailure.failed("state file " + stateFile + " " + document.sentence()
                    + "\nnothing was changed; fix the file first (balorctl validate shows the same list)");
        }
        UserDirectory users = document.users();
        if (users.find(name).isEmpty()) {
            throw CtlFailure.failed("there is no user '" + name + "' in " + stateFile + "; " + known(users));
        }
        char[] password = fromStdin ? readLine(in) : ask(console, name);
        String hash;
        try {
            String problem = PasswordHasher.passwordProblem(password);
            if (problem != null) {
                throw CtlFailure.failed(problem + "; nothing was changed");
            }
            hash = new PasswordHasher().hash(password);
        } finally {
            Arrays.fill(password, '\0');
        }
        users.changePassword(name, hash);
        BalorState changed = document.state().withExtra("users", UsersSection.write(users, JsonNodeFactory.instance));
        try {
            StateFile.save(stateFile, changed);
        } catch (StateFileException e) {
            throw CtlFailure.failed(e.getMessage() + "\nthe password was not changed", e);
        }
        out.println("password of '" + name + "' changed in " + stateFile);
        try {
            if (io.balor.admin.auth.Bootstrap.forget(bootstrapFile, name)) {
                out.println("removed " + bootstrapFile.toAbsolutePath() + ": the generated password in it no longer"
                        + " logs in");
            }
        } catch (IOException e) {
            out.println("warning: " + bootstrapFile.toAbsolutePath() + " holds the old generated password and could"
                    + " not be removed (" + e + "); delete it");
        }
        out.println("a running balor does not re-read the state file: restart it for the new password to take"
                + " effect. Until then the old password still logs in, its sessions stay open, and a change that"
                + " balor saves (through the admin API) writes its old users back over this one. On a running"
                + " balor, the admin API's PUT /api/users/" + name + " changes a password live.");
    }

    /**
     * Clears user {@code name}'s login throttle in the running daemon, through its control socket
     * ({@link ControlSocket}): throttles live in its memory only.
     */
    static void unlock(Path socket, String name, PrintStream out) throws CtlFailure {
        String answer;
        try {
            answer = ControlSocket.send(socket, "unlock " + name);
        } catch (IOException e) {
            throw CtlFailure.failed("no balor answers on " + socket.toAbsolutePath() + " (" + e.getMessage()
                    + "): login throttles live in a running balor's memory only, so a stopped one has none; a"
                    + " running one's socket is BALOR_CONTROL_SOCKET (default control.sock beside its state file)", e);
        }
        if (!answer.startsWith("ok ")) {
            throw CtlFailure.failed("balor refused: " + answer);
        }
        out.println(answer.substring(3));
    }

    /** {@code its users are: admin, alice}, or that it has none. */
    private static String known(UserDirectory users) {
        if (users.isEmpty()) {
            return "it has no users (a starting balor creates the first admin)";
        }
        List<String> names = new ArrayList<>();
        for (User user : users.list()) {
            names.add(user.username());
        }
        return "its users are: " + String.join(", ", names);
    }

    /** Asks twice without echo; the two must match. */
    private static char[] ask(Console console, String name) throws CtlFailure {
        if (console == null) {
            throw CtlFailure.failed("no terminal to ask for the password on; give it on stdin with --password-stdin"
                    + " (one line)");
        }
        char[] first = console.readPassword("New password for %s: ", name);
        if (first == null) {
            throw CtlFailure.failed("no password given; nothing was changed");
        }
        String problem = PasswordHasher.passwordProblem(first);
        if (problem != null) {
            Arrays.fill(first, '\0');
            throw CtlFailure.failed(problem + "; nothing was changed");
        }
        char[] second = console.readPassword("Repeat it: ");
        try {
            if (second == null || !Arrays.equals(first, second)) {
                Arrays.fill(first, '\0');
                throw CtlFailure.failed("the two passwords differ; nothing was changed");
            }
            return first;
        } finally {
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }

    /**
     * The first line of {@code in} (UTF-8, without its {@code \n} or {@code \r\n}). Read a byte at a
     * time so nothing past the line is consumed, and never into a {@code String}, which could not
     * be wiped.
     */
    static char[] readLine(InputStream in) throws CtlFailure {
        byte[] bytes = new byte[MAX_LINE_BYTES];
        int length = 0;
        try {
            int b = in.read();
            if (b == -1) {
                throw CtlFailure.failed("stdin is empty: --password-stdin reads the password as one line");
            }
            for (; b != -1 && b != '\n'; b = in.read()) {
                if (length == bytes.length) {
                    throw CtlFailure.failed("the password on stdin is longer than " + PasswordHasher.MAX_LENGTH
                            + " characters; nothing was changed");
                }
                bytes[length++] = (byte) b;
            }
            if (length > 0 && bytes[length - 1] == '\r') {
                length--;
            }
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length));
            char[] password = new char[chars.remaining()];
            chars.get(password);
            if (chars.hasArray()) {
                Arrays.fill(chars.array(), '\0');
            }
            return password;
        } catch (CharacterCodingException e) {
            throw CtlFailure.failed("the password on stdin is not UTF-8 text; nothing was changed");
        } catch (IOException e) {
            throw CtlFailure.failed("cannot read the password from stdin: " + e, e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
