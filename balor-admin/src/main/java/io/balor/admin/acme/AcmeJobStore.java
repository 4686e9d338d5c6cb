package io.balor.admin.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.admin.state.AtomicFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The status of every ACME job by id, kept in {@code jobs.json} in the ACME directory
 * ({@code BALOR_ACME_DIR}): written whole and atomically after each change (mode 600, the
 * directory 700), read once at start. A status file that cannot be read is set aside as
 * {@code jobs.json.unreadable} and the jobs start afresh: a status is not configuration, and a
 * served certificate's own dates say when it needs renewing. Thread-safe (its methods are
 * synchronized); blocking file I/O, so never on an event loop.
 */
public final class AcmeJobStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final System.Logger LOG = System.getLogger(AcmeJobStore.class.getName());

    private final Path file;
    private final Map<String, AcmeStatus> statuses = new TreeMap<>();

    /** Opens (or, on first use, makes) {@code dir} and reads its {@code jobs.json}, if any. */
    public AcmeJobStore(Path dir) throws IOException {
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own defaults apply
        }
        this.file = dir.resolve("jobs.json");
        if (Files.exists(file)) {
            try {
                read(JSON.readTree(file.toFile()));
            } catch (IOException | RuntimeException e) {
                statuses.clear();
                Path aside = dir.resolve("jobs.json.unreadable");
                Files.move(file, aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                LOG.log(System.Logger.Level.WARNING, "the ACME job status file " + file + " could not be read (" + e
                        .getMessage() + "); it was moved to " + aside + " and the jobs start afresh");
            }
        }
    }

    public synchronized AcmeStatus get(String id) {
        return statuses.get(id);
    }

    public synchronized Map<String, AcmeStatus> all() {
        return Collections.unmodifiableMap(new TreeMap<>(statuses));
    }

    /**
     * Keeps {@code status} for job {@code id} (null forgets the job), on disk before it returns.
     * Memory is this process's truth: a status that cannot be written is kept all the same (so
     * backoff holds), and the next successful write carries it.
     *
     * @throws IOException when the file could not be written (the status is kept in memory)
     */
    public synchronized void put(String id, AcmeStatus status) throws IOException {
        if (status == null) {
            statuses.remove(id);
        } else {
            statuses.put(id, status);
        }
        AtomicFile.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(write()), true);
    }

    private ObjectNode write() {
        ObjectNode root = JSON.createObjectNode().put("version", 1);
        ObjectNode jobs = root.putObject("jobs");
        statuses.forEach((id, s) -> {
            ObjectNode node = jobs.putObject(id).put("state", s.state()).put("message", s.message())
                    .put("not_after", text(s.notAfter())).put("next_attempt", text(s.nextAttempt()))
                    .put("attempts", s.attempts());
            if (s.problemType() != null || s.problemDetail() != null) {
                node.putObject("problem").put("type", s.problemType()).put("detail", s.problemDetail());
            }
        });
        return root;
    }

    private void read(JsonNode root) {
        if (root.path("version").asInt() != 1 || !root.path("jobs").isObject()) {
            throw new IllegalArgumentException("not a version 1 job status file");
        }
        root.get("jobs").fields().forEachRemaining(entry -> {
            JsonNode node = entry.getValue();
            statuses.put(entry.getKey(), new AcmeStatus(node.path("state").asText(), node.path("message").asText(null),
                    instant(node.get("not_after")), instant(node.get("next_attempt")), node.path("attempts").asInt(),
                    node.path("problem").path("type").asText(null), node.path("problem").path("detail").asText(null)));
        });
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static Instant instant(JsonNode node) {
        return node == null || node.isNull() ? null : Instant.parse(node.asText());
    }
}
