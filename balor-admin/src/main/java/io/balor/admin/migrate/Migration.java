package io.balor.admin.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.admin.auth.PasswordHasher;
import io.balor.admin.auth.Role;
import io.balor.admin.state.OriginalFormat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Converts a state file of the original Balor 0.1.3 ({@code ../shared/seed/original-state-format.md})
 * to this version's document, saying what changed in a {@link MigrationReport}. Nothing is dropped
 * without a line: a value with no equivalent is reported as not carried over, with the reason.
 * The sections:
 * <ul>
 *   <li>{@code listeners} and {@code pools}: {@link OriginalListeners};</li>
 *   <li>{@code users}: the object keyed by id becomes an array of {@code {username, role,
 *       password_hash}}; ids are dropped, the Argon2id hashes kept (they verify here, and become
 *       PBKDF2 at each user's first login); a second user of the same name is not carried over;</li>
 *   <li>{@code certificates}: {@code cert_path}/{@code key_path} become {@code cert_file}/{@code key_file},
 *       paths resolved as the original did ({@link OriginalPaths});</li>
 *   <li>{@code admin_console}: the original's {@code tls} shape becomes {@code cert_file}/{@code key_file};
 *       {@code null} is left out (the console then listens on the daemon's default, 127.0.0.1:9443,
 *       not the original's 0.0.0.0:9443: a note says so);</li>
 *   <li>{@code acme_providers}, {@code acme_standalone}: kept as they are (a standalone job's
 *   {@code acme} gets {@code accept_terms: true}, as the original accepted the terms for you)
 *       (the latter's certificate paths resolved); {@code trace_sample}: kept, within 1..10000.</li>
 * </ul>
 * The result is a document; {@code balorctl migrate} checks it as the daemon would before it
 * writes it. Stateless; the caller's thread.
 */
public final class Migration {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> TOP_KEYS = List.of("admin_console", "listeners", "users", "acme_providers",
            "acme_standalone", "certificates", "pools", "trace_sample");
    private static final List<String> USER_KEYS = List.of("id", "username", "role", "password_hash");
    private static final List<String> CERTIFICATE_KEYS = List.of("name", "cert_path", "key_path", "source");
    private static final List<String> CONSOLE_KEYS = List.of("bind", "tls");

    /** The converted document and what was done to get it. */
    public record Result(ObjectNode document, MigrationReport report) {
    }

    private final MigrationReport report = new MigrationReport();
    private final OriginalPaths paths;
    private final OriginalUpstreams keys;

    private Migration(OriginalPaths paths) {
        this.paths = paths;
        this.keys = new OriginalUpstreams(report);
    }

    /**
     * Converts {@code original}, an original Balor state document.
     *
     * @param workDir   the original's working directory, which its relative paths were relative to
     * @param stateFile where the converted file will be written (its paths are written relative to it)
     * @throws IllegalArgumentException if {@code original} is not an original Balor state document
     */
    public static Result migrate(JsonNode original, Path workDir, Path stateFile) {
        if (!OriginalFormat.isOriginal(original)) {
            throw new IllegalArgumentException(original != null && original.has("version")
                    ? "it has a \"version\": it is this version's state file already, nothing to migrate"
                    : "it is not a state file of the original Balor 0.1.3 (no listeners or users object keyed by id)");
        }
        Migration migration = new Migration(new OriginalPaths(workDir.toAbsolutePath().normalize(),
                stateFile.toAbsolutePath().normalize()));
        return new Result(migration.convert(original), migration.report);
    }

    private ObjectNode convert(JsonNode original) {
        ObjectNode out = NODES.objectNode().put("version", 1);
        keys.unknownKeys(original, "(top level)", TOP_KEYS, "state file");
        OriginalListeners listeners = new OriginalListeners(report, paths);
        listeners.pools(original.get("pools"));
        JsonNode map = original.get("listeners");
        if (map != null && map.isObject()) {
            listeners.listeners(map);
        } else {
            report.note("listeners", "missing: the original would have started empty, and so does this file");
        }
        out.set("pools", listeners.poolsOut());
        out.set("listeners", listeners.listenersOut());
        users(original.get("users"), out);
        certificates(original.get("certificates"), out);
        console(original.get("admin_console"), out);
        kept(original, out);
        return out;
    }

    private void users(JsonNode map, ObjectNode out) {
        if (map == null || map.isNull()) {
            return;
        }
        if (!map.isObject()) {
            report.lost("users", "not an object of users keyed by id: not carried over");
            return;
        }
        ArrayNode users = out.putArray("users");
        NameSet names = new NameSet();
        java.util.Set<String> seen = new java.util.HashSet<>();
        report.changed("users", "the object keyed by id is written as an array; ids are dropped; the Argon2id"
                + " password hashes are kept: each user logs in with its password, which is then hashed again"
                + " with PBKDF2");
        for (Map.Entry<String, JsonNode> entry : map.properties()) {
            String at = "users." + entry.getKey();
            JsonNode user = entry.getValue();
            if (!user.isObject()) {
                report.lost(at, "not a user");
                continue;
            }
            keys.unknownKeys(user, at, USER_KEYS, "user");
            String username = user.path("username").asText("");
            Role role = Role.parse(user.path("role").asText(""));
            String hash = user.path("password_hash").asText("");
            if (role == null || hash.isEmpty()) {
                report.lost(at, "user '" + username + "' has " + (role == null ? "no known role (admin, operator,"
                        + " viewer)" : "no password hash") + ": not carried over");
                continue;
            }
            if (!seen.add(username)) {
                report.lost(at, "a second user named '" + username + "' (the original found only the first at login):"
                        + " not carried over");
                continue;
            }
            String name = names.take(username, "user");
            if (!name.equals(username)) {
                report.changed(at + ".username", "'" + username + "' is written '" + name + "': it logs in with that"
                        + " name now (names are letters, digits, '.', '_' and '-')");
            }
            if (!PasswordHasher.isSupported(hash)) {
                report.lost(at + ".password_hash", "user '" + name + "' has a hash this version cannot verify (the"
                        + " original writes Argon2id of at most 64 MiB, 16 passes, 16 lanes): it is kept, but the user"
                        + " cannot log in until balorctl users reset-password " + name);
            }
            users.addObject().put("username", name).put("role", role.wire()).put("password_hash", hash);
        }
        report.note("users", "the original's bootstrap file (data/admin-bootstrap.txt, username=admin), if it is"
                + " still there, holds a password that still works: delete it once you have it");
    }

    private void certificates(JsonNode list, ObjectNode out) {
        if (list == null || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            report.lost("certificates", "not a list of certificates: not carried over");
            return;
        }
        ArrayNode certificates = out.putArray("certificates");
        NameSet names = new NameSet();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = "certificates[" + i + "]";
            JsonNode entry = list.get(i);
            if (!entry.isObject() || entry.path("cert_path").asText("").isBlank()) {
                report.lost(at, "a certificate without a cert_path: not carried over");
                continue;
            }
            keys.unknownKeys(entry, at, CERTIFICATE_KEYS, "certificate");
            String original = entry.path("name").asText("");
            if (!seen.add(original)) {
                report.lost(at, "a second certificate named '" + original + "': not carried over");
                continue;
            }
            String name = names.take(original, "certificate");
            if (!name.equals(original)) {
                report.changed(at + ".name", "'" + original + "' is written '" + name + "'");
            }
            String cert = entry.path("cert_path").asText();
            String key = entry.path("key_path").asText("").isBlank() ? cert : entry.path("key_path").asText();
            certificates.addObject().put("name", name).put("cert_file", paths.written(cert))
                    .put("key_file", paths.written(key)).put("source", entry.path("source").asText("manual"));
            report.changed(at, "cert_path and key_path are cert_file and key_file (" + paths.absolute(cert) + ")");
        }
    }

    private void console(JsonNode console, ObjectNode out) {
        if (console == null || console.isNull()) {
            report.note("admin_console", "unset: the original listened on 0.0.0.0:9443 (or BALOR_HTTP_ADDR); this"
                    + " version listens on 127.0.0.1:9443 unless BALOR_HTTP_ADDR says otherwise");
            return;
        }
        if (!console.isObject()) {
            report.lost("admin_console", "not an object {bind, tls}");
            return;
        }
        keys.unknownKeys(console, "admin_console", CONSOLE_KEYS, "admin_console");
        String bind = console.path("bind").asText("");
        if (bind.isBlank()) {
            bind = "0.0.0.0:9443";
            report.changed("admin_console.bind", "unset, the original's default: written 0.0.0.0:9443");
        }
        ObjectNode node = out.putObject("admin_console").put("bind", bind);
        JsonNode tls = console.get("tls");
        if (tls != null && !tls.isNull() && (!tls.isObject() || tls.path("cert_path").asText("").isBlank())) {
            report.lost("admin_console.tls", "a tls without a cert_path: not carried over (the console is plain HTTP)");
        } else if (tls != null && tls.isObject()) {
            String cert = tls.path("cert_path").asText();
            String key = tls.path("key_path").asText("").isBlank() ? cert : tls.path("key_path").asText();
            node.put("cert_file", paths.written(cert)).put("key_file", paths.written(key));
            report.changed("admin_console.tls", "cert_path and key_path are cert_file and key_file ("
                    + paths.absolute(cert) + ")");
        }
        report.note("admin_console", "the saved console address wins over BALOR_HTTP_ADDR in the original; here"
                + " BALOR_HTTP_ADDR, when set, wins");
    }

    /** The sections this version keeps for the ACME work to come, and {@code trace_sample}. */
    private void kept(JsonNode original, ObjectNode out) {
        for (String key : List.of("acme_providers", "acme_standalone")) {
            JsonNode section = original.get(key);
            if (section != null && !section.isNull() && !section.isArray()) {
                report.lost(key, "not a list: not carried over");
            }
        }
        JsonNode providers = original.get("acme_providers");
        if (providers != null && providers.isArray() && !providers.isEmpty()) {
            out.set("acme_providers", providers.deepCopy());
            report.note("acme_providers", "kept as they are (their secrets stay in this file, which is mode 600)");
        }
        JsonNode standalone = original.get("acme_standalone");
        if (standalone != null && standalone.isArray() && !standalone.isEmpty()) {
            ArrayNode jobs = standalone.deepCopy();
            for (int i = 0; i < jobs.size(); i++) {
                JsonNode job = jobs.get(i);
                if (job.get("acme") instanceof ObjectNode acme) {
                    OriginalListeners.acceptTerms(acme, "acme_standalone[" + i + "].acme", report);
                }
                JsonNode tls = job.get("tls");
                if (tls instanceof ObjectNode paths) {
                    for (String key : List.of("cert_path", "key_path")) {
                        if (paths.path(key).isTextual()) {
                            paths.put(key, this.paths.written(paths.get(key).asText()));
                        }
                    }
                }
            }
            out.set("acme_standalone", jobs);
            report.note("acme_standalone", "kept with their certificate paths resolved: a certificate in them is"
                    + " renewed in place when due; their status starts afresh in BALOR_ACME_DIR");
        }
        JsonNode sample = original.get("trace_sample");
        if (sample != null && !sample.isNull()) {
            if (!sample.isIntegralNumber()) {
                report.lost("trace_sample", sample + " is not a whole number: written 10000 (every exchange)");
            }
            long value = sample.isIntegralNumber() ? sample.asLong() : 10_000;
            long kept = Math.max(1, Math.min(10_000, value));
            if (kept != value) {
                report.changed("trace_sample", sample + " is written " + kept + " (the original clamped it to"
                        + " 1..10000)");
            }
            out.put("trace_sample", kept);
        }
    }
}
