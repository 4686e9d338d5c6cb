package io.balor.admin.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes a file atomically, durably and owner-only, as SQLite and etcd do it: the bytes go to a
 * temp file in the target's directory, created with mode 600 (set again after creation, since a
 * umask may have taken bits), which is fsynced and renamed into place, and the directory is
 * fsynced after so the rename survives a crash. A reader sees the old file or the new one, never
 * a mix, and a failed write leaves the old one as it was. Used for the state file, exports and
 * backups of it, and the bootstrap admin's password. Stateless; the caller's thread (blocking
 * file I/O).
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
        Path path = target.toAbsolutePath();
        Path temp = writeTemp(path, bytes);
        try {
            if (replace) {
                Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
                temp = null;
            } else {
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
            }
            syncDirectory(path.getParent());
        } finally {
            deleteQuietly(temp);
        }
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
