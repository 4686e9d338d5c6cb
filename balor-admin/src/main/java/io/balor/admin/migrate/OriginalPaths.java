package io.balor.admin.migrate;

import io.balor.admin.state.StateFile;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * File paths of an original Balor state file, as the migrated file writes them. The original
 * opened a relative path ({@code data/certs/x.crt}) against its working directory; this version
 * takes one against the state file's directory. So a relative path is first made absolute against
 * the original's working directory ({@code balorctl migrate --workdir}, by default the current
 * one) and then written relative to the new state file's directory when it lies under it, else
 * absolute: either way it names the file the original used. Immutable.
 *
 * @param workDir   the original's working directory, absolute
 * @param stateFile the migrated state file, absolute
 */
record OriginalPaths(Path workDir, Path stateFile) {

    /** The absolute, normalised file the original meant by {@code value}; null for a path that is none. */
    String absolute(String value) {
        try {
            return workDir.resolve(value).normalize().toString();
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** {@code value} as the migrated file writes it (see the class comment); null for a path that is none. */
    String written(String value) {
        String absolute = absolute(value);
        return absolute == null ? null : StateFile.relativePath(stateFile, absolute);
    }
}
