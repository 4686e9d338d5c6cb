package io.balor.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.balor.admin.migrate.Migration;
import io.balor.admin.migrate.MigrationReport;
import io.balor.admin.state.AtomicFile;
import io.balor.admin.state.StateFile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code balorctl migrate [--accept-losses] [--workdir DIR] ORIGINAL.json [OUT.json]}: converts a
 * state file of the original Balor 0.1.3 to this version's ({@link Migration}) and prints every
 * change on its own line. It writes nothing when the result would not load as the daemon loads
 * it (its certificate files included, as {@code balorctl validate} checks them), nor when a value
 * is not carried over, unless {@code --accept-losses}. Without OUT.json it
 * converts ORIGINAL.json in place, keeping the original beside it as {@code ORIGINAL.json.0.1.3}
 * (never replaced); an existing OUT.json is replaced only with {@code --force}. Relative paths in
 * the original were relative to its working directory: {@code --workdir}, by default the current
 * directory. Files are written atomically, mode 600. The caller's thread.
 */
final class CtlMigrate {

    static final String BACKUP_SUFFIX = ".0.1.3";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CtlMigrate() {
    }

    static void migrate(Path original, Path target, Path workDir, boolean acceptLosses, boolean force, Path scriptDir,
                        PrintStream out) throws CtlFailure {
        boolean inPlace = target == null || (Files.exists(target) && sameFile(target, original));
        if (inPlace && Files.isSymbolicLink(original)) {
            try {
                original = original.toRealPath();   // the file the link names is converted, the link stays
            } catch (IOException e) {
                throw CtlFailure.failed(original + " is a link to nothing: " + e.getMessage());
            }
        }
        JsonNode root = read(original);
        Path written = inPlace ? original : target;
        if (!inPlace && Files.exists(target) && !force) {
            throw CtlFailure.failed(target + " exists; add --force to replace it, or leave OUT.json out to convert "
                    + original + " in place");
        }
        Migration.Result result;
        try {
            result = Migration.migrate(root, workDir, written);
        } catch (IllegalArgumentException e) {
            throw CtlFailure.failed(original + ": " + e.getMessage());
        }
        out.println("migrating " + original + " (relative paths taken against " + workDir.toAbsolutePath().normalize()
                + ", the original's working directory; --workdir DIR to change)");
        for (MigrationReport.Line line : result.report().lines()) {
            out.println("  " + line);
        }
        byte[] bytes = bytes(result);
        CtlDocument document = CtlDocument.parse(written, bytes);
        if (document.valid()) {
            document = document.withFilesChecked(scriptDir);
        }
        if (!document.valid()) {
            throw CtlFailure.failed("the migrated file would not load as balor's start loads it: " + document.verdict()
                    + "\nnothing was written (fix the files, or give the original's working directory with --workdir)");
        }
        List<MigrationReport.Line> losses = result.report().losses();
        if (!losses.isEmpty() && !acceptLosses) {
            throw CtlFailure.failed(CtlDocument.count(losses.size(), "value") + " not carried over (the lines"
                    + " 'not carried over' above); nothing was written. Run again with --accept-losses to write the"
                    + " file without them.");
        }
        byte[] rendered = StateFile.render(written.toAbsolutePath(), document.state());
        Path backup = original.resolveSibling(original.getFileName() + BACKUP_SUFFIX);
        try {
            if (inPlace) {
                AtomicFile.write(backup, Files.readAllBytes(original), false);
            }
            AtomicFile.write(written, rendered, true);
        } catch (FileAlreadyExistsException e) {
            throw CtlFailure.failed(backup + " exists (a migration done before?); move it away to migrate again;"
                    + " nothing was written");
        } catch (NoSuchFileException e) {
            throw CtlFailure.failed("cannot write " + written + ": its directory does not exist", e);
        } catch (IOException e) {
            throw CtlFailure.failed("cannot write " + written + ": " + e, e);
        }
        out.println("migrated " + original + " to " + written + " (" + document.summary() + (losses.isEmpty() ? ""
                : "; " + CtlDocument.count(losses.size(), "value") + " not carried over") + ")"
                + (inPlace ? "; the original is kept as " + backup : ""));
        out.println("start balor with BALOR_STATE_FILE=" + written + "; its users log in with their passwords");
    }

    private static JsonNode read(Path original) throws CtlFailure {
        try {
            JsonNode root = JSON.readTree(Files.readAllBytes(original));
            if (root == null || root.isMissingNode()) {
                throw CtlFailure.failed(original + " is empty");
            }
            return root;
        } catch (NoSuchFileException e) {
            throw CtlFailure.failed(original + " does not exist");
        } catch (JsonProcessingException e) {
            throw CtlFailure.failed(original + " is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw CtlFailure.failed(original + " cannot be read: " + e, e);
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static byte[] bytes(Migration.Result result) {
        try {
            return JSON.writeValueAsBytes(result.document());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }
}
