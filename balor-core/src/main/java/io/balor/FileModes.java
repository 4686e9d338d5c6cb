package io.balor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Owner-only files and directories: what Balor writes (state, keys, logs, audit) holds secrets or
 * traffic details, so a directory it creates is {@code rwx------} (0700) and a file it creates is
 * {@code rw-------} (0600), set at creation (no window in which another user could open it) and
 * set again after, since a umask may have taken bits. Directories and files that already exist
 * keep their modes: {@link #looseBits} tells whether they are too open. On a file system without
 * POSIX permissions (Windows) the modes are left to it. Stateless; any thread (blocking file I/O).
 */
public final class FileModes {

    public static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

    private FileModes() {
    }

    /** Whether modes can be set where {@code path} lies. */
    public static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** The attribute that creates a file owner-only, or none where there are no POSIX modes. */
    public static FileAttribute<?>[] privateFileAttribute(Path path) {
        return posix(path) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PRIVATE_FILE)}
                : new FileAttribute<?>[0];
    }

    /**
     * Creates {@code directory} and its missing parents, each one it creates mode 0700; those
     * that exist are left as they are.
     */
    public static void createPrivateDirectories(Path directory) throws IOException {
        Path absolute = directory.toAbsolutePath().normalize();
        List<Path> missing = new ArrayList<>();
        for (Path at = absolute; at != null && !Files.isDirectory(at); at = at.getParent()) {
            missing.add(at);
        }
        boolean posix = posix(absolute);
        for (int i = missing.size() - 1; i >= 0; i--) {
            Path created = missing.get(i);
            try {
                if (posix) {
                    Files.createDirectory(created, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
                    Files.setPosixFilePermissions(created, PRIVATE_DIRECTORY);
                } else {
                    Files.createDirectory(created);
                }
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (!Files.isDirectory(created)) {
                    throw e;
                }
                // made by someone else meanwhile: theirs to set
            }
        }
    }

    /**
     * Opens {@code file} for appending, creating it mode 0600 (and its directories 0700) when
     * missing. An existing file keeps its mode.
     */
    public static OutputStream openAppend(Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        createPrivateDirectories(absolute.getParent());
        boolean existed = Files.exists(absolute, LinkOption.NOFOLLOW_LINKS);
        var channel = Files.newByteChannel(absolute, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE), privateFileAttribute(absolute));
        try {
            if (!existed && posix(absolute)) {
                Files.setPosixFilePermissions(absolute, PRIVATE_FILE);
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return Channels.newOutputStream(channel);
    }

    /**
     * What of {@code path}'s mode lets others than its owner in ({@code "readable by its group"},
     * {@code "writable by others"} ...), or null when nothing does, it does not exist, or the file
     * system has no POSIX modes. A symbolic link is followed (its target's mode is what counts).
     */
    /**
     * Whether others than the owner may create, rename or delete files in {@code directory}: it is
     * group- or world-writable ({@code /tmp}, say). False when it does not exist or the file system
     * has no POSIX modes. A symbolic link is followed.
     */
    public static boolean writableByOthers(Path directory) {
        if (!posix(directory)) {
            return false;
        }
        try {
            Set<PosixFilePermission> modes = Files.getPosixFilePermissions(directory);
            return modes.contains(PosixFilePermission.GROUP_WRITE) || modes.contains(PosixFilePermission.OTHERS_WRITE);
        } catch (IOException e) {
            return false;
        }
    }

    public static String looseBits(Path path) {
        if (!posix(path)) {
            return null;
        }
        Set<PosixFilePermission> modes;
        try {
            modes = Files.getPosixFilePermissions(path);
        } catch (IOException e) {
            return null;
        }
        List<String> open = new ArrayList<>();
        if (modes.contains(PosixFilePermission.GROUP_READ) || modes.contains(PosixFilePermission.GROUP_WRITE)) {
            open.add((modes.contains(PosixFilePermission.GROUP_READ) ? "readable" : "writable") + " by its group");
        }
        if (modes.contains(PosixFilePermission.OTHERS_READ) || modes.contains(PosixFilePermission.OTHERS_WRITE)) {
            open.add((modes.contains(PosixFilePermission.OTHERS_READ) ? "readable" : "writable") + " by others");
        }
        return open.isEmpty() ? null : String.join(" and ", open) + " (mode "
                + PosixFilePermissions.toString(modes) + ")";
    }
}
