package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The change history: each config (listeners and pools) the running Balor took, as a numbered
 * version with who made it, when, and a one-line summary. {@link StateStore} records a version
 * after every change of the config it committed (never for one it refused), under its lock, so
 * versions are in apply order; a version is also recorded at start-up, by {@value #STATE_FILE},
 * when there is no history yet or the state file's config is not the newest version's (edited by
 * hand, restored from a backup).
 *
 * <p>Storage: the directory {@code NAME.history/} beside the state file {@code NAME}, mode 700,
 * one file per version, {@code 000000000012.json} (the id, zero-padded to 12 digits), mode 600,
 * written atomically ({@link AtomicFile}): {@code {"id", "at", "by", "summary", "changed",
 * "config": {"listeners": [...], "pools": [...]}}}. Only the newest {@code keep} versions are
 * kept: older files are deleted after a version is written. Ids keep increasing across restarts
 * (the next id is one past the highest file found at start).
 *
 * <p>Secrets: a version holds listeners and pools only (never users, password hashes, sessions
 * or the certificates section), and the value of every health-check header whose name says it
 * carries a credential is stored as {@value SecretHeaders#REDACTED} ({@link SecretHeaders}).
 * Restoring such a version keeps the running value of that header (see the rollback in the
 * admin API).
 *
 * <p>A version that cannot be written is logged (WARNING) and left out: the change it records was
 * made and stays made. Threads: {@link #record} and {@link #recordStart} on the store's changing
 * thread (under its lock); reads ({@link #versions}, {@link #version}) from any thread, through a
 * volatile immutable snapshot. Blocking file I/O.
 */
public final class ChangeHistory {

    /** Who a version recorded from the state file at start-up is by. */
    public static final String STATE_FILE = "state file";
    /** How many versions are kept by default. */
    public static final int DEFAULT_KEEP = 100;

    private static final System.Logger LOG = System.getLogger(ChangeHistory.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern FILE = Pattern.compile("[0-9]{12}\\.json");

    /**
     * One recorded version. {@code config} is a private tree: callers copy it before changing it.
     *
     * @param changed how many fields differ from the version before it ({@link ConfigDiff})
     */
    public record Version(long id, Instant at, String by, String summary, int changed, ObjectNode config) {
    }

    private final Path stateFile;
    private final Path dir;
    private final int keep;
    private final Clock clock;
    private volatile List<Version> versions;
    private long nextId;

    private ChangeHistory(Path stateFile, Path dir, int keep, Clock clock, List<Version> versions) {
        this.stateFile = stateFile;
        this.dir = dir;
        this.keep = keep;
        this.clock = clock;
        this.versions = List.copyOf(versions);
        this.nextId = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).id() + 1;
    }

    /**
     * The history of {@code stateFile}, read from its directory (made when missing, mode 700).
     * Files that cannot be read are logged and skipped; a directory that cannot be made or read
     * gives an empty history whose writes will fail (and be logged) too.
     *
     * @param keep how many versions are kept, at least 1
     */
    public static ChangeHistory open(Path stateFile, int keep, Clock clock) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep at least one version, not " + keep);
        }
        Path file = stateFile.toAbsolutePath();
        Path dir = directory(file);
        List<Version> found = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path path : files) {
                    if (FILE.matcher(path.getFileName().toString()).matches()) {
                        Version version = read(path);
                        if (version != null) {
                            found.add(version);
                        }
                    }
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "the change history in " + dir + " cannot be read: " + e);
            }
        }
        found.sort(java.util.Comparator.comparingLong(Version::id));
        ChangeHistory history = new ChangeHistory(file, dir, keep, clock, found);
        history.prune();
        return history;
    }

    /** Where the versions of {@code stateFile} are kept: {@code NAME.history} beside it. */
    public static Path directory(Path stateFile) {
        Path file = stateFile.toAbsolutePath();
        return file.resolveSibling(file.getFileName() + ".history");
    }

    /** Every kept version, oldest first. */
    public List<Version> versions() {
        return versions;
    }

    /** Version {@code id}, or null when it is not kept (never was, or pruned). */
    public Version version(long id) {
        for (Version version : versions) {
            if (version.id() == id) {
                return version;
            }
        }
        return null;
    }

    /** The newest version, or null when there is none. */
    public Version newest() {
        List<Version> all = versions;
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** The kept version just before {@code id}, or null. */
    public Version before(long id) {
        Version previous = null;
        for (Version version : versions) {
            if (version.id() >= id) {
                break;
            }
            previous = version;
        }
        return previous;
    }

    /** The listeners and pools of {@code state} as a version stores them: the state file's shape, secrets redacted. */
    public ObjectNode configOf(BalorState state) {
        ObjectNode document = StateDocument.toJson(state, stateFile);
        ObjectNode config = NODES.objectNode();
        config.set("listeners", document.get("listeners"));
        config.set("pools", document.get("pools"));
        return SecretHeaders.redact(config);
    }

    /**
     * At start-up: records {@code loaded} as a version by {@value #STATE_FILE} when there is no
     * version yet or the newest one holds another config.
     */
    void recordStart(BalorState loaded) {
        Version newest = newest();
        if (newest == null || !newest.config().equals(configOf(loaded))) {
            record(STATE_FILE, newest == null ? "the state file's config when the history began"
                    : "the state file's config differs from version " + newest.id(), loaded);
        }
    }

    /**
     * Records {@code state}'s config as the next version; logged and skipped if it cannot be written.
     *
     * @return the version, or null when it could not be written
     */
    Version record(String by, String summary, BalorState state) {
        try {
            ObjectNode config = configOf(state);
            Version newest = newest();
            Version version = new Version(nextId, clock.instant(), by, summary,
                    ConfigDiff.between(newest == null ? null : newest.config(), config).size(), config);
            write(version);
            nextId++;
            List<Version> all = new ArrayList<>(versions);
            all.add(version);
            versions = List.copyOf(all);
            prune();
            return version;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "version " + nextId + " of the change history ('" + summary
                    + "') could not be written to " + dir + "; the change itself was made: " + e);
            return null;
        }
    }

    private void write(Version version) throws IOException {
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (!Files.isDirectory(dir)) {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        }
        if (posix) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));   // a umask may have taken bits
        }
        ObjectNode node = NODES.objectNode();
        node.put("id", version.id());
        node.put("at", version.at().toString());
        node.put("by", version.by());
        node.put("summary", version.summary());
        node.put("changed", version.changed());
        node.set("config", version.config());
        AtomicFile.write(dir.resolve(fileName(version.id())), JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(node), true);
    }

    /** Drops the oldest versions beyond {@code keep}, in memory and on disk (a failed delete is retried next time). */
    private void prune() {
        List<Version> all = versions;
        if (all.size() <= keep) {
            return;
        }
        versions = List.copyOf(all.subList(all.size() - keep, all.size()));
        for (Version old : all.subList(0, all.size() - keep)) {
            try {
                Files.deleteIfExists(dir.resolve(fileName(old.id())));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "an old version of the change history could not be deleted: " + e);
            }
        }
    }

    private static String fileName(long id) {
        return String.format(Locale.ROOT, "%012d.json", id);
    }

    private static Version read(Path path) {
        try {
            JsonNode node = JSON.readTree(Files.readAllBytes(path));
            long id = Long.parseLong(path.getFileName().toString().substring(0, 12));
            JsonNode config = node.get("config");
            if (node.path("id").asLong(-1) != id || config == null || !config.isObject()) {
                throw new IOException("not a version file");
            }
            return new Version(id, Instant.parse(node.path("at").asText()), node.path("by").asText(),
                    node.path("summary").asText(), node.path("changed").asInt(), (ObjectNode) config);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "skipped " + path + " of the change history: " + e);
            return null;
        }
    }
}
