package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The file paths of the kept {@code certificates} and {@code admin_console} sections follow the
 * listeners' rule (issue 12, part B, point 13): read relative to the state file's directory and
 * held absolute, written relative to the written file's directory when the file lies under it,
 * else absolute; so a copy written elsewhere names the same files.
 */
class StateKeptPathsTest extends StateFileTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String DOCUMENT = """
            {"version": 1, "listeners": [], "pools": [],
             "certificates": [{"name": "shop", "cert_file": "certs/shop.crt", "key_file": "%s", "source": "manual"},
                              {"name": "odd", "cert_file": 5}],
             "admin_console": {"bind": "127.0.0.1:9443", "tls": {"cert_path": "console.pem", "key_path": "%s"}}}
            """;

    @Test
    void keptPathsAreHeldAbsoluteAndWrittenAsTheListenersAre() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("../keys-" + dir.getFileName()).normalize());
        Path key = elsewhere.resolve("shop.key");
        BalorState state = read(DOCUMENT.formatted(key, "console.key"));

        JsonNode shop = state.extras().get("certificates").get(0);
        assertEquals(dir.resolve("certs/shop.crt").toString(), shop.get("cert_file").asText(), "held absolute");
        assertEquals(key.toString(), shop.get("key_file").asText());
        assertEquals(5, state.extras().get("certificates").get(1).get("cert_file").asInt(), "left to its own checks");
        JsonNode console = state.extras().get("admin_console").get("tls");
        assertEquals(dir.resolve("console.pem").toString(), console.get("cert_path").asText());

        // Saved where it was read: under the directory relative, elsewhere absolute, the same bytes again.
        StateFile.save(file(), state);
        JsonNode saved = JSON.readTree(Files.readString(file(), StandardCharsets.UTF_8));
        assertEquals("certs/shop.crt", saved.at("/certificates/0/cert_file").asText());
        assertEquals(key.toString(), saved.at("/certificates/0/key_file").asText());
        assertEquals("console.pem", saved.at("/admin_console/tls/cert_path").asText());
        assertEquals("console.key", saved.at("/admin_console/tls/key_path").asText());
        byte[] first = Files.readAllBytes(file());
        StateFile.save(file(), StateFile.load(file()));
        assertArrayEquals(first, Files.readAllBytes(file()), "stable across loads and saves");

        // A copy in a subdirectory names the same files: relative to itself only what lies under it.
        Path copy = Files.createDirectories(dir.resolve("backups")).resolve("copy.json");
        Files.write(copy, StateFile.render(copy, state));
        JsonNode copied = JSON.readTree(Files.readString(copy, StandardCharsets.UTF_8));
        assertEquals(dir.resolve("certs/shop.crt").toString(), copied.at("/certificates/0/cert_file").asText());
        assertEquals(state, StateFile.load(copy), "the copy reads back to the same state");

        // And a copy in the directory of the files names them relative to itself.
        Path beside = Files.createDirectories(dir.resolve("certs")).resolve("copy.json");
        Files.write(beside, StateFile.render(beside, state));
        JsonNode near = JSON.readTree(Files.readString(beside, StandardCharsets.UTF_8));
        assertEquals("shop.crt", near.at("/certificates/0/cert_file").asText());
        assertEquals(state, StateFile.load(beside));
    }

    @Test
    void aRelativePathTheApiSavedAsGivenIsWrittenAsItIs() throws Exception {
        BalorState state = BalorState.empty().withExtra("admin_console", JSON.readTree(
                "{\"bind\": \"127.0.0.1:9443\", \"cert_file\": \"console.pem\"}"));
        StateFile.save(file(), state);
        assertEquals("console.pem", JSON.readTree(Files.readString(file())).at("/admin_console/cert_file").asText(),
                "in a kept section a relative path was always relative to the state file's directory");
    }
}
