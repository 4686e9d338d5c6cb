package io.balor.admin.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes a file atomically, durably and owner-only, as SQLite and etcd do it: the bytes go to a
 * temp file in the target's directory, created with mode 600 (set again after creation, since a
 * umask may have taken bits), which is fsynced and renamed into place, and the directory is
 * fsynced after so the rename survives a crash. A reader sees the old file or the new one, never
 * a mix, and a failed write leaves the old one as it was. Used for the state file, exports and
 * backups of it, and the bootstrap admin's password. Stateless; the caller's thread (blocking
 * file I/O).
 *
 * <p>The two halves can be taken apart ({@link #prepare}, then {@link Prepared#commit}) so that a
 * caller learns that the file can be written, the new content complete and durable beside it,
 * before it does what the file is to record; and can still drop it ({@link Prepared#close}).
 *
 * <p>The temp file is {@code .NAME.DIGITS.tmp} beside {@code NAME} (the JDK's
 * {@link Files#createTempFile} puts an unsigned decimal number between prefix and suffix): a
 * process killed between writing and renaming leaves one behind, which
 * {@link #removeInterrupted} deletes when it is known that no write is under way.
 */
public final class AtomicFile {

    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private AtomicFile() {
    }

    /**
     * Writes {@code bytes} to {@code target}, whose directory must exist.
     *
     * @param replace whether an existing {@code target} is replaced; if not, one that exists (even
     *                one that appears while this runs) is left alone and this throws
     *                {@link FileAlreadyExistsException}
     */
    public static void write(Path target, byte[] bytes, boolean replace) throws IOException {
        if (replace) {
            try (Prepared prepared = prepare(target, bytes)) {
                prepared.commit();
            }
            return;
        }
        Path path = target.toAbsolutePath();
        Path temp = writeTemp(path, bytes);
        try {
            // A link cannot replace a file: the check and the write are one step. The temp
            // name is deleted below, the link keeps the content.
            try {
                Files.createLink(path, temp);
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (UnsupportedOperationException | FileSystemException e) {
                // No hard links here: a plain move, which also refuses to replace (not atomically).
                Files.move(temp, path);
                temp = null;
            }
            syncDirectory(path.getParent());
        } finally {
            deleteQuietly(temp);
        }
    }

    /**
     * The first half of a replacing {@link #write}: {@code bytes} are in a temp file beside
     * {@code target} (whose directory must exist), mode 600, fsynced; {@code target} is untouched.
     *
     * @throws IOException if the temp file cannot be made or written (none is left then)
     */
    public static Prepared prepare(Path target, byte[] bytes) throws IOException {
        Path path = target.toAbsolutePath();
        return new Prepared(path, writeTemp(path, bytes));
    }

    /**
     * A new content written beside its target and not yet in place. {@link #commit} renames it over
     * the target; {@link #close} deletes it if it was not committed (so try-with-resources drops
     * what was not committed). One caller's thread.
     */
    public static final class Prepared implements AutoCloseable {

        private final Path target;
        private Path temp;

        private Prepared(Path target, Path temp) {
            this.target = target;
            this.temp = temp;
        }

        /** Renames the content over the target and makes the rename durable. Once. */
        public void commit() throws IOException {
            if (temp == null) {
                throw new IllegalStateException("already committed or dropped");
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
            syncDirectory(target.getParent());
        }

        /** Deletes the temp file unless it was committed. */
        @Override
        public void close() {
            deleteQuietly(temp);
            temp = null;
        }
    }

    /**
     * Deletes the temp files that writes of {@code target} left when their process died between
     * writing and renaming ({@code .NAME.DIGITS.tmp} beside it, regular files only); nothing else
     * in the directory is touched. Call it only when no write of {@code target} is under way.
     *
     * @return the files deleted
     */
    public static List<Path> removeInterrupted(Path target) throws IOException {
        Path path = target.toAbsolutePath();
        Pattern ours = Pattern.compile(Pattern.quote("." + path.getFileName() + ".") + "[0-9]+" + Pattern.quote(".tmp"));
        List<Path> removed = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(path.getParent())) {
            for (Path file : files) {
                if (ours.matcher(file.getFileName().toString()).matches()
                        && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(file);
                    removed.add(file);
                }
            }
        }
        return removed;
    }

    /** Copies {@code source} (through a symbolic link) to {@code target}, replacing it, as {@link #write} does. */
    public static void copy(Path source, Path target) throws IOException {
        write(target, Files.readAllBytes(source), true);
    }

    private static Path writeTemp(Path path, byte[] bytes) throws IOException {
        Path dir = path.getParent();
        String prefix = "." + path.getFileName() + ".";
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path temp = posix ? Files.createTempFile(dir, prefix, ".tmp", OWNER_ONLY) : Files.createTempFile(dir, prefix, ".tmp");
        try {
            if (posix) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
        return temp;
    }

    /** Makes a rename in {@code dir} durable; skipped where a directory cannot be opened. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not supported here (e.g. Windows): the rename is still atomic, only less durable.
        }
    }

    private static void deleteQuietly(Path temp) {
        if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // Best effort: a stray hidden ".name.*.tmp" is harmless.
            }
        }
    }
}
