package io.balor.admin.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The directory that relative file paths in a state file ({@code cert_file}, {@code key_file},
 * {@code ca_file}) are relative to: the state file's own, so a file and the certificates beside
 * it can move together and the daemon's working directory does not matter. When the state file
 * is a symbolic link, the directory of the file it points to (the one {@link StateFile#save}
 * replaces), so loading through the link or the target reads the same paths.
 *
 * <p>The config records hold absolute paths (balor-core would read relative ones against the
 * working directory): {@link #resolve} makes them so when reading, {@link #shorten} writes those
 * under this directory relative again. Immutable.
 *
 * @param path an absolute directory
 */
record StateDirectory(Path path) {

    /** The directory of {@code file} (made absolute; a symbolic link followed if it can be). */
    static StateDirectory of(Path file) {
        Path absolute = file.toAbsolutePath();
        if (Files.isSymbolicLink(absolute)) {
            try {
                absolute = absolute.toRealPath();
            } catch (IOException e) {
                // A dangling link: there is nothing to read through it anyway.
            }
        }
        return new StateDirectory(absolute.getParent().normalize());
    }

    /**
     * The absolute, normalised form of a path read from the file: a relative one is taken
     * against this directory. Null and blank values are returned as they are, so the config's
     * validation names the problem with the value the operator wrote.
     *
     * @throws InvalidPathException if it is no path at all (a NUL character)
     */
    String resolve(String value) {
        if (value == null || value.isBlank()) {
            return value;
        }
        return path.resolve(value).normalize().toString();
    }

    /**
     * How a config path is written: relative when it lies under this directory, else absolute.
     * A relative config path (made in code, not read from a file) is first taken against the
     * working directory, as balor-core reads it, so writing it does not change what it names.
     */
    String shorten(String value) {
        if (value == null || value.isBlank()) {
            return value;
        }
        Path absolute;
        try {
            absolute = Path.of(value).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return value;
        }
        if (absolute.startsWith(path) && !absolute.equals(path)) {
            return path.relativize(absolute).toString();
        }
        return absolute.toString();
    }
}
