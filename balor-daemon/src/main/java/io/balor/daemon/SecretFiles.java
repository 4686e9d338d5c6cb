package io.balor.daemon;

import io.balor.FileModes;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.ConsoleSettings;
import io.balor.config.CertificateConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.RouteConfig;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The files whose secrets the daemon is trusted with, checked at start for modes that let others
 * read them: the state file (password hashes), the bootstrap admin's password file, and every
 * private key the state names (listeners', host routes', the console's, uploaded certificates').
 * One that is group- or world-readable (or writable) is a warning naming the file and the fix, or,
 * with {@code BALOR_STRICT_MODES=true}, a reason not to start. Stateless; the main thread.
 */
final class SecretFiles {

    private SecretFiles() {
    }

    /** {@code FILE: readable by its group (mode rw-r-----); fix: chmod 600 FILE} for each such file. */
    static List<String> tooOpen(Path stateFile, Path bootstrapFile, BalorState state) {
        Set<Path> files = new LinkedHashSet<>();
        files.add(stateFile);
        files.add(bootstrapFile);
        for (ListenerConfig listener : state.config().listeners()) {
            if (listener.tls() != null) {
                add(files, listener.tls().certificate());
            }
            for (RouteConfig route : listener.http().routes()) {
                add(files, route.tls());
            }
        }
        ConsoleSettings console = ConsoleSettings.of(state, stateFile);
        if (console.keyFile() != null) {
            files.add(console.keyFile());
        }
        var certificates = state.extras().get("certificates");
        if (certificates != null && certificates.isArray()) {
            certificates.forEach(entry -> add(files, entry.path("key_file").asText(entry.path("key_path").asText(null)),
                    stateFile.getParent()));
        }
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            String loose = Files.exists(file) ? FileModes.looseBits(file) : null;
            if (loose != null) {
                problems.add(file + ": " + loose + "; it holds secrets: chmod 600 " + file);
            }
        }
        return problems;
    }

    private static void add(Set<Path> files, CertificateConfig certificate) {
        if (certificate != null) {
            add(files, certificate.keyFile(), null);
        }
    }

    private static void add(Set<Path> files, String file, Path relativeTo) {
        if (file == null || file.isBlank()) {
            return;
        }
        try {
            Path path = Path.of(file);
            files.add(relativeTo == null ? path : relativeTo.resolve(path));
        } catch (InvalidPathException e) {
            // not a path: nothing to check
        }
    }
}
