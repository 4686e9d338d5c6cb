package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fixture's audit files as written on disk ({@code data/logs/audit.log} and
 * {@code data/logs/audit-anonymous.log}), each line parsed as JSON: to show what a request left
 * there, found by the {@code X-Request-Id} its response carried.
 */
final class AuditLogView {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditLogView() {
    }

    static Path logs(AdminFixture admin) {
        return admin.dir.resolve("data/logs");
    }

    /** The records of {@code audit.log}, oldest first (none when it does not exist). */
    static List<JsonNode> audit(AdminFixture admin) throws Exception {
        return lines(logs(admin).resolve("audit.log"));
    }

    /** The lines of {@code audit-anonymous.log}, oldest first (none when it does not exist). */
    static List<JsonNode> anonymous(AdminFixture admin) throws Exception {
        return lines(logs(admin).resolve("audit-anonymous.log"));
    }

    static List<JsonNode> lines(Path file) throws Exception {
        List<JsonNode> records = new ArrayList<>();
        if (!Files.exists(file)) {
            return records;
        }
        for (String line : Files.readAllLines(file)) {
            records.add(JSON.readTree(line));
        }
        return records;
    }

    /** The records whose {@code request_id} is {@code id}. */
    static List<JsonNode> withRequestId(List<JsonNode> records, String id) {
        return records.stream().filter(r -> id.equals(r.path("request_id").asText(null))).toList();
    }

    /** The one record of {@code records} with {@code request_id} {@code id} (fails unless exactly one). */
    static JsonNode one(List<JsonNode> records, String id) {
        List<JsonNode> found = withRequestId(records, id);
        assertEquals(1, found.size(), "records with request_id " + id + " in " + records);
        return found.get(0);
    }

    /** Every byte of every file under the log directory, as text (to show a secret is in none of them). */
    static String everyLogFile(AdminFixture admin) throws Exception {
        StringBuilder text = new StringBuilder();
        Path dir = logs(admin);
        if (!Files.isDirectory(dir)) {
            return "";
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                text.append("== ").append(file.getFileName()).append('\n').append(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return text.toString();
    }
}
