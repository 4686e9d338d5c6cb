package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /api/config/export} and {@code /api/config/import} end to end: the export is the state
 * file's listeners and pools (JSON or YAML, as an attachment) and goes back in through the import
 * unchanged; an import is checked whole, every problem named by its path, and a refused one (400,
 * 403, 409) changes nothing; a dry run only checks.
 */
class ConfigTransferApiTest {

    private static final String TOKEN = AdminFixture.ADMIN_TOKEN;

    @TempDir
    Path dir;

    private static void seed(AdminFixture admin) throws Exception {
        admin.create("/api/pools", "{\"name\": \"app\", \"upstreams\": [\"127.0.0.1:9\", {\"address\": \"127.0.0.1:10\","
                + " \"weight\": 3}]}");
        admin.create("/api/pools", "{\"name\": \"spare\", \"upstreams\": [\"127.0.0.1:11\"]}");
        admin.create("/api/listeners", "{\"name\": \"web\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\","
                + " \"pool\": \"app\"}");
    }

    private static Set<String> fields(JsonNode refusal) {
        Set<String> fields = new TreeSet<>();
        refusal.path("problems").forEach(problem -> fields.add(problem.path("field").asText()));
        return fields;
    }

    @Test
    void theJsonExportGoesBackInThroughTheImportUnchanged() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            seed(admin);
            String viewer = admin.user("export-viewer", "viewer");
            HttpResponse<String> export = admin.call("GET", "/api/config/export", viewer, null);
            assertEquals(200, export.statusCode(), export.body());
            assertTrue(export.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            assertEquals("attachment; filename=\"balor-config.json\"",
                    export.headers().firstValue("Content-Disposition").orElse(""));
            JsonNode exported = AdminFixture.json(export);
            assertEquals(Set.of("listeners", "pools"), names(exported));
            assertEquals("web", exported.path("listeners").get(0).path("name").asText());
            assertFalse(exported.path("listeners").get(0).has("bound"), "no live keys");
            assertFalse(exported.path("pools").get(0).has("upstream_health"), "no live keys");
            var config = admin.store.current().config();

            HttpResponse<String> emptied = admin.call("POST", "/api/config/import", TOKEN, "{\"listeners\": [], \"pools\": []}");
            assertEquals(200, emptied.statusCode(), emptied.body());
            assertTrue(admin.store.current().config().pools().isEmpty());

            HttpResponse<String> imported = admin.call("POST", "/api/config/import", TOKEN, export.body());
            assertEquals(200, imported.statusCode(), imported.body());
            JsonNode answer = AdminFixture.json(imported);
            assertEquals(1, answer.path("listeners").asInt());
            assertEquals(2, answer.path("pools").asInt());
            assertEquals(admin.store.history().newest().id(), answer.path("version").asLong());
            assertEquals("imported 1 listeners and 2 pools", admin.store.history().newest().summary());
            assertEquals(config, admin.store.current().config());
            assertTrue(admin.server.recentAudit().stream().anyMatch(r -> "imported 1 listeners and 2 pools"
                    .equals(r.detail()) && r.changes() != null && !r.changes().isEmpty()), "audited with its changes");
            assertEquals(exported, AdminFixture.json(admin.call("GET", "/api/config/export", viewer, null)));

            HttpResponse<String> same = admin.call("POST", "/api/config/import", TOKEN, export.body());
            assertEquals(200, same.statusCode(), same.body());
            assertTrue(AdminFixture.json(same).path("version").isNull(), "nothing changed, no version");
        }
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void theYamlExportIsAnAttachmentOfTheSameTree() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            seed(admin);
            HttpResponse<String> yaml = admin.call("GET", "/api/config/export?format=yaml", TOKEN, null);
            assertEquals(200, yaml.statusCode(), yaml.body());
            assertEquals("application/yaml; charset=utf-8", yaml.headers().firstValue("Content-Type").orElse(""));
            assertEquals("attachment; filename=\"balor-config.yaml\"",
                    yaml.headers().firstValue("Content-Disposition").orElse(""));
            String text = yaml.body();
            assertTrue(text.startsWith("listeners:\n  - name: \"web\"\n    listen: \"127.0.0.1:0\"\n"), text);
            assertTrue(text.contains("\n    max_connections: 0\npools:\n  - name: \"app\"\n    upstreams:\n"
                    + "      - address: \"127.0.0.1:9\"\n        weight: 1\n        enabled: true\n"
                    + "      - address: \"127.0.0.1:10\"\n        weight: 3\n"), text);
            assertFalse(text.contains("{\"") || text.contains("\t"), text);
            assertEquals(400, admin.call("GET", "/api/config/export?format=xml", TOKEN, null).statusCode());
        }
    }

    @Test
    void anImportWithBadFieldsNamesEveryOneAndChangesNothing() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            seed(admin);
            String stateBefore = Files.readString(admin.store.file());
            int versions = admin.store.history().versions().size();
            String body = "{\"listeners\": [{\"name\": \"a\", \"pool\": \"app\"},"
                    + " {\"name\": \"b\", \"listen\": \"nowhere\", \"pool\": \"app\"}],"
                    + " \"pools\": [{\"name\": \"app\"}, {\"name\": \"other\", \"upstreams\": [\"127.0.0.1:9\"],"
                    + " \"weight\": 1}]}";
            HttpResponse<String> refused = admin.call("POST", "/api/config/import", TOKEN, body);
            assertEquals(400, refused.statusCode(), refused.body());
            Set<String> fields = fields(AdminFixture.json(refused));
            assertTrue(fields.containsAll(Set.of("listeners[0].listen", "listeners[1].listen", "pools[0].upstreams",
                    "pools[1].weight")), fields.toString());
            HttpResponse<String> dryRun = admin.call("POST", "/api/config/import?dry_run=true", TOKEN, body);
            assertEquals(400, dryRun.statusCode(), dryRun.body());
            assertEquals(fields, fields(AdminFixture.json(dryRun)));

            HttpResponse<String> extra = admin.call("POST", "/api/config/import", TOKEN,
                    "{\"listeners\": [], \"users\": [], \"version\": 1}");
            assertEquals(400, extra.statusCode(), extra.body());
            assertEquals(Set.of("pools", "users", "version"), fields(AdminFixture.json(extra)));

            assertEquals(stateBefore, Files.readString(admin.store.file()));
            assertEquals(versions, admin.store.history().versions().size());
        }
    }

    @Test
    void anImportOnATakenAddressIs409AndADryRunOnlyChecks() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            seed(admin);
            String stateBefore = Files.readString(admin.store.file());
            var configBefore = admin.store.current().config();
            int versions = admin.store.history().versions().size();
            try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                String body = "{\"listeners\": [{\"name\": \"busy\", \"listen\": \"127.0.0.1:" + taken.getLocalPort()
                        + "\", \"pool\": \"app\"}], \"pools\": [{\"name\": \"app\", \"upstreams\": [\"127.0.0.1:9\"]}]}";
                HttpResponse<String> refused = admin.call("POST", "/api/config/import", TOKEN, body);
                assertEquals(409, refused.statusCode(), refused.body());
                assertEquals("listeners[0].listen", AdminFixture.json(refused).path("field").asText());
                HttpResponse<String> dryRun = admin.call("POST", "/api/config/import?dry_run=true", TOKEN, body);
                assertEquals(200, dryRun.statusCode(), dryRun.body());
                JsonNode answer = AdminFixture.json(dryRun);
                assertTrue(answer.path("valid").asBoolean());
                assertEquals(1, answer.path("listeners").asInt());
                assertTrue(answer.path("version").isNull());
            }
            assertEquals(stateBefore, Files.readString(admin.store.file()), "neither the 409 nor the dry run saved");
            String viewer = admin.user("import-viewer", "viewer");
            assertEquals(403, admin.call("POST", "/api/config/import", viewer, "{\"listeners\": [], \"pools\": []}")
                    .statusCode());
            assertEquals(configBefore, admin.store.current().config(), "nothing changed");
            assertEquals(versions, admin.store.history().versions().size());
            assertEquals(2, admin.store.current().config().pools().size());
        }
    }
}
