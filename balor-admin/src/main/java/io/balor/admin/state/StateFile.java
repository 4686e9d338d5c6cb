package io.balor.admin.state;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.balor.config.InvalidConfigException;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads and writes the state file ({@code data/balor_state.json}): JSON, snake_case keys, a
 * {@code version}.
 *
 * <p>Loading is strict and never destructive: a file that is malformed or invalid is refused
 * with a {@link StateFileException} that names the file, the line and column or the field path,
 * and the problem, and the file is left exactly as it was (the original Balor silently replaced
 * such a file with an empty one). Only a missing file is created, with an empty state.
 *
 * <p>Relative certificate and CA paths in the file are relative to the file's directory (see
 * {@link StateDirectory}); the loaded config holds them absolute, and saving writes those under
 * that directory relative again, so the file and its certificates can move together.
 *
 * <p>Saving is atomic and durable, as SQLite and etcd do it: the new content goes to a temp file
 * in the same directory, which is fsynced, renamed over the old file, and then the directory is
 * fsynced so the rename itself survives a crash. A reader therefore sees the old file or the new
 * one, never a mix. The file gets mode 600: it will hold password hashes. The two halves can be
 * taken apart ({@link #prepare}, then {@link Save#commit}) to know that the file can be written
 * before acting on what it is to record. A save interrupted by a crash leaves its temp file
 * ({@code .balor_state.json.DIGITS.tmp}); {@link #removeInterruptedSaves} deletes those at start.
 *
 * <p>Stateless and safe to call from any thread, but saves of one file must be serialised by the
 * caller (the admin server does it on one thread); two concurrent saves both succeed and the
 * later rename wins. Blocking file I/O: never call it on an event loop.
 */
public final class StateFile {

    private static final ObjectMapper JSON = JsonMapper.builder()
            // A key written twice is almost always an editing mistake; the last one would win silently.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final ObjectWriter WRITER = JSON.writer(prettyPrinter());


    private StateFile() {
    }

    /**
     * The directory relative paths in the state file at {@code file} are relative to (the file's
     * own; the target's, when it is a symbolic link): where {@code cert_file}s are resolved.
     */
    public static Path directory(Path file) {
        return StateDirectory.of(file).path();
    }

    /**
     * How a file path is written in the state file at {@code file}: relative to its directory when
     * the file lies under it, else absolute (as {@link #save} writes certificate paths).
     */
    public static String relativePath(Path file, String path) {
        return StateDirectory.of(file).shorten(path);
    }

    /**
     * Loads the state file, or creates it (and its directories) holding the empty state when it
     * does not exist.
     *
     * @throws StateFileException if the file cannot be read, is not valid JSON, or is not a valid
     *                            state; the file is not modified then
     */
    public static BalorState load(Path file) throws StateFileException {
        Path path = file.toAbsolutePath();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return create(path);
        } catch (IOException e) {
            throw StateFileException.io(path, "cannot be read", e);
        }
        return parse(path, bytes);
    }

    /**
     * Writes {@code state} to {@code file} atomically and durably, creating its directories.
     * When {@code file} is a symbolic link, the file it points to is replaced.
     *
     * @throws StateFileException if it cannot be written; the old file is then still intact
     */
    public static void save(Path file, BalorState state) throws StateFileException {
        try (Save save = prepare(file, state)) {
            save.commit();
        }
    }

    /**
     * The first half of {@link #save}: {@code state} is written completely beside {@code file}
     * (a temp file, fsynced, mode 600, directories created) and {@code file} is untouched until
     * {@link Save#commit}. When {@code file} is a symbolic link, beside the file it points to.
     *
     * @throws StateFileException if it cannot be written (nothing is left behind then)
     */
    public static Save prepare(Path file, BalorState state) throws StateFileException {
        Path path = file.toAbsolutePath();
        try {
            if (Files.isSymbolicLink(path)) {
                path = path.toRealPath();
            }
            io.balor.FileModes.createPrivateDirectories(path.getParent());
            return new Save(path, AtomicFile.prepare(path, render(path, state)));
        } catch (IOException e) {
            throw StateFileException.io(path, "cannot be written", e);
        }
    }

    /**
     * A state written beside its file and not yet in place: {@link #commit} renames it over the
     * file, {@link #close} deletes it unless it was committed. One caller's thread.
     */
    public static final class Save implements AutoCloseable {

        private final Path file;
        private final AtomicFile.Prepared prepared;

        private Save(Path file, AtomicFile.Prepared prepared) {
            this.file = file;
            this.prepared = prepared;
        }

        /**
         * Puts the new state in place (rename, then fsync of the directory).
         *
         * @throws StateFileException if the rename fails; the old file is then still intact
         */
        public void commit() throws StateFileException {
            try {
                prepared.commit();
            } catch (IOException e) {
                throw StateFileException.io(file, "cannot be written", e);
            }
        }

        /** Deletes the written state unless it was committed. */
        @Override
        public void close() {
            prepared.close();
        }
    }

    /**
     * Deletes the temp files that saves of {@code file} left when their process was killed
     * between writing and renaming ({@code .NAME.DIGITS.tmp} beside it, or beside the file it
     * links to); no other file is touched. For the start of the one process that saves
     * {@code file}, before it saves.
     *
     * @return the files deleted (none when the directory does not exist yet)
     * @throws StateFileException if the directory cannot be read or a file there deleted
     */
    public static List<Path> removeInterruptedSaves(Path file) throws StateFileException {
        Path path = file.toAbsolutePath();
        try {
            if (Files.isSymbolicLink(path)) {
                path = path.toRealPath();
            }
            if (!Files.isDirectory(path.getParent())) {
                return List.of();
            }
            return AtomicFile.removeInterrupted(path);
        } catch (NoSuchFileException e) {
            return List.of();   // a dangling link: load says what is wrong with it
        } catch (IOException e) {
            throw StateFileException.io(path, "temp files of interrupted saves beside it cannot be removed", e);
        }
    }

    /**
     * The document {@link #save} writes for {@code state} to {@code file}: pretty JSON ending in
     * a newline. Certificate and CA paths under the file's directory are written relative to it.
     */
    public static byte[] render(Path file, BalorState state) {
        try {
            String text = WRITER.writeValueAsString(StateWriter.write(state, StateDirectory.of(file))) + "\n";
            return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    /** Parses the bytes of the state file {@code file} (named in errors). */
    static BalorState parse(Path file, byte[] bytes) throws StateFileException {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            int line = at == null ? 0 : at.getLineNr();
            int column = at == null ? 0 : at.getColumnNr();
            throw StateFileException.syntax(file, line, column, firstLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw StateFileException.io(file, "cannot be read", e);
        }
        if (root == null || root.isMissingNode()) {
            throw StateFileException.syntax(file, 1, 1, "the file is empty; a state file is a JSON object such as "
                    + "{\"version\": 1, \"listeners\": [], \"pools\": []}", null);
        }
        if (OriginalFormat.isOriginal(root)) {
            throw StateFileException.original(file);
        }
        try {
            return StateReader.read(root, StateDirectory.of(file));
        } catch (InvalidConfigException e) {
            throw StateFileException.invalid(file, e.problems(), e);
        }
    }

    /**
     * Creates a missing state file with the empty state. The new file is linked into place, which
     * fails if a file appeared there meanwhile: loading never replaces an existing state file.
     */
    private static BalorState create(Path path) throws StateFileException {
        BalorState empty = BalorState.empty();
        try {
            io.balor.FileModes.createPrivateDirectories(path.getParent());
            try {
                AtomicFile.write(path, render(path, empty), false);
            } catch (FileAlreadyExistsException e) {
                return parse(path, Files.readAllBytes(path));
            }
            return empty;
        } catch (IOException e) {
            throw StateFileException.io(path, "does not exist and cannot be created", e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed JSON";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    /** Two-space indents, {@code "key": value}, one array element per line, {@code []} when empty. */
    private static DefaultPrettyPrinter prettyPrinter() {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withArrayEmptySeparator("")
                .withObjectEmptySeparator("");
        return new DefaultPrettyPrinter(separators)
                .withObjectIndenter(indenter)
                .withArrayIndenter(indenter);
    }
}
