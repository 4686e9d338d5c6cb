package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.balor.config.BalorConfig;
import io.balor.config.HttpSettings;
import io.balor.config.HttpTimeouts;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.Protocol;
import io.balor.config.RouteConfig;
import io.balor.config.StickyConfig;
import io.balor.config.Timeouts;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The state file on a real file system: round trips, creation, refusal without damage, atomic saves. */
class StateFileTest {

    @TempDir
    Path dir;

    private static BalorState sample() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        BalorConfig config = new BalorConfig(
                List.of(ListenerConfig.tcp("api", "0.0.0.0:6443", "masters").withMaxConnections(1000)
                                .withTimeouts(Timeouts.DEFAULT.withConnect(Duration.ofMillis(1500))),
                        new ListenerConfig("db", "127.0.0.1:5432", Protocol.TCP, null,
                                List.of(new UpstreamConfig("primary", "10.0.0.9:5432", 3, true),
                                        UpstreamConfig.of("10.0.0.10:5432").withEnabled(false)),
                                false, 0, null)),
                List.of(PoolConfig.of("masters", UpstreamConfig.of("https://10.0.0.1:6443"),
                        UpstreamConfig.of("https://10.0.0.2:6443", 0))));
        return new BalorState(config, Map.of(
                "users", nodes.arrayNode().add(nodes.objectNode().put("username", "admin").put("role", "admin")),
                "trace_sample", nodes.numberNode(250)));
    }

    private List<String> filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void roundTrip() throws Exception {
        Path file = dir.resolve("balor_state.json");
        BalorState state = sample();
        StateFile.save(file, state);
        BalorState loaded = StateFile.load(file);
        assertEquals(state.config(), loaded.config());
        assertEquals(state.extras(), loaded.extras());
        byte[] first = Files.readAllBytes(file);
        StateFile.save(file, loaded);
        assertArrayEquals(first, Files.readAllBytes(file), "a save of what was loaded writes the same bytes");
    }

    @Test
    void roundTripOfHttpListeners() throws Exception {
        HttpSettings routed = HttpSettings.DEFAULT
                .withRoutes(List.of(RouteConfig.of("api.example.com", "api"),
                        new RouteConfig("*.Shop.example", "/cart/", "shop")))
                .withSticky(new StickyConfig(StickyConfig.Strategy.COOKIE, "SRV"))
                .withMaxBodyBytes(1024)
                .withTrustForwarded(true)
                .withTimeouts(HttpTimeouts.DEFAULT.withHead(Duration.ofMillis(2500))
                        .withUpstreamResponse(Duration.ofSeconds(90)));
        BalorConfig config = new BalorConfig(
                List.of(ListenerConfig.http("web", "0.0.0.0:8080", "web").withHttp(routed),
                        ListenerConfig.http("routes-only", "0.0.0.0:8081", null)
                                .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(RouteConfig.of("a.example", "api")))
                                        .withSticky(new StickyConfig(StickyConfig.Strategy.IP_HASH, null))),
                        ListenerConfig.http("plain", "0.0.0.0:8082", "web"),
                        ListenerConfig.tcp("raw", "0.0.0.0:9000", "api")),
                List.of(PoolConfig.of("web", UpstreamConfig.of("http://10.0.0.1:80")),
                        PoolConfig.of("api", UpstreamConfig.of("http://10.0.0.2:80")),
                        PoolConfig.of("shop", UpstreamConfig.of("http://10.0.0.3:80"))));
        Path file = dir.resolve("balor_state.json");
        StateFile.save(file, new BalorState(config, Map.of()));
        BalorState loaded = StateFile.load(file);
        assertEquals(config, loaded.config());
        byte[] first = Files.readAllBytes(file);
        StateFile.save(file, loaded);
        assertArrayEquals(first, Files.readAllBytes(file), "a save of what was loaded writes the same bytes");

        JsonNode listeners = new ObjectMapper().readTree(first).get("listeners");
        assertEquals(new ObjectMapper().readTree("""
                {"name": "web", "listen": "0.0.0.0:8080", "protocol": "http", "enabled": true, "pool": "web",
                 "max_connections": 0,
                 "host_routes": [{"host": "api.example.com", "pool": "api"},
                                 {"host": "*.Shop.example", "path_prefix": "/cart/", "pool": "shop"}],
                 "sticky": {"strategy": "cookie", "cookie_name": "SRV"},
                 "max_body_bytes": 1024, "trust_forwarded": true,
                 "http_timeouts": {"head_ms": 2500, "upstream_response_ms": 90000}}
                """), listeners.get(0));
        assertEquals(new ObjectMapper().readTree("""
                {"name": "routes-only", "listen": "0.0.0.0:8081", "protocol": "http", "enabled": true,
                 "max_connections": 0, "host_routes": [{"host": "a.example", "pool": "api"}],
                 "sticky": {"strategy": "ip_hash"}}
                """), listeners.get(1));
        // Defaults are not pinned.
        assertEquals(List.of("name", "listen", "protocol", "enabled", "pool", "max_connections"),
                fieldNames(listeners.get(2)));
        assertEquals(List.of("name", "listen", "protocol", "enabled", "pool", "max_connections"),
                fieldNames(listeners.get(3)));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void tcpListenerNeverGetsHttpKeys() throws Exception {
        ListenerConfig tcp = ListenerConfig.tcp("raw", "0.0.0.0:9000", "p")
                .withHttp(HttpSettings.DEFAULT.withTrustForwarded(true).withMaxBodyBytes(1));
        BalorState state = new BalorState(new BalorConfig(List.of(tcp),
                List.of(PoolConfig.of("p", UpstreamConfig.of("10.0.0.1:80")))), Map.of());
        Path file = dir.resolve("x.json");
        String text = new String(StateFile.render(file, state), StandardCharsets.UTF_8);
        assertTrue(!text.contains("trust_forwarded") && !text.contains("max_body_bytes"), text);
        assertEquals(HttpSettings.DEFAULT,
                StateFile.parse(file, StateFile.render(file, state)).config().listener("raw").http());
    }

    @Test
    void emptyStateDocument() {
        assertEquals("{\n  \"version\": 1,\n  \"listeners\": [],\n  \"pools\": []\n}\n",
                new String(StateFile.render(dir.resolve("x.json"), BalorState.empty()), StandardCharsets.UTF_8));
    }

    @Test
    void missingFileIsCreatedWithVersion1() throws Exception {
        Path file = dir.resolve("data/nested/balor_state.json");
        BalorState state = StateFile.load(file);
        assertEquals(BalorConfig.empty(), state.config());
        assertTrue(Files.isRegularFile(file));
        String text = Files.readString(file);
        assertTrue(text.contains("\"version\": 1"), text);
        assertEquals(BalorConfig.empty(), StateFile.load(file).config());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of("balor_state.json"), filesIn(file.getParent()));
    }

    @Test
    void syntaxErrorNamesFileLineAndColumn() throws Exception {
        Path file = dir.resolve("balor_state.json");
        Files.writeString(file, "{\n  \"version\": 1,\n  \"listeners\": [,]\n}\n");
        StateFileException e = assertThrows(StateFileException.class, () -> StateFile.load(file));
        assertEquals(3, e.line());
        assertEquals(17, e.column());
        assertTrue(e.getMessage().startsWith("state file " + file + ", line 3, column 17: "), e.getMessage());
    }

    @Test
    void corruptFileIsNeverTouched() throws Exception {
        for (String corrupt : new String[] {
                "{\"version\": 1, \"listeners\": [{\"name\": \"a\",, }]}",
                "",
                "{\"version\": 1, \"listeners\": [{\"name\": \"a\", \"listen\": \"x\", \"pool\": \"p\"}],"
                        + " \"pools\": []}",
                "{\"version\": 1} trailing"}) {
            Path file = dir.resolve("balor_state.json");
            byte[] bytes = corrupt.getBytes(StandardCharsets.UTF_8);
            Files.write(file, bytes);
            FileTime mtime = FileTime.from(Instant.parse("2024-01-02T03:04:05Z"));
            Files.setLastModifiedTime(file, mtime);

            StateFileException e = assertThrows(StateFileException.class, () -> StateFile.load(file), corrupt);
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("the file was not changed"), e.getMessage());
            assertArrayEquals(bytes, Files.readAllBytes(file), corrupt);
            assertEquals(mtime, Files.getLastModifiedTime(file), corrupt);
            assertEquals(List.of("balor_state.json"), filesIn(dir), corrupt);
        }
    }

    @Test
    void atomicSaveLeavesNoTempFilesAndIsPrivate() throws Exception {
        Path file = dir.resolve("balor_state.json");
        Files.writeString(file, "{\"version\": 1, \"listeners\": [], \"pools\": []}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        BalorState state = BalorState.empty();
        for (int i = 0; i < 5; i++) {
            state = state.withConfig(state.config().withPools(
                    List.of(PoolConfig.of("p", UpstreamConfig.of("10.0.0.1:" + (8000 + i))))));
            StateFile.save(file, state);
            assertEquals(state.config(), StateFile.load(file).config());
        }
        assertEquals(List.of("balor_state.json"), filesIn(dir));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    /**
     * Issue 13: a save killed between writing its temp file and renaming it leaves the temp file
     * for ever; at start, the temp files of this state file's saves are removed, and nothing else.
     */
    @Test
    void theTempFilesOfInterruptedSavesAreRemovedAndNothingElse() throws Exception {
        Path file = dir.resolve("balor_state.json");
        StateFile.save(file, sample());
        byte[] saved = Files.readAllBytes(file);
        // What a kill -9 after the write and before the rename leaves: a prepared save, never committed.
        StateFile.prepare(file, BalorState.empty());
        Files.writeString(dir.resolve(".balor_state.json.8815212097375036711.tmp"), "{\"version\": 1, \"listen");
        List<String> others = List.of(".balor_state.json.bak", "balor_state.json.123.tmp", ".balor_state.json.12a.tmp",
                ".balor_state.json..tmp", ".balor_state.json.7.tmp.keep", ".other.json.123.tmp", "notes.txt");
        for (String other : others) {
            Files.writeString(dir.resolve(other), other);
        }
        Files.createDirectory(dir.resolve(".balor_state.json.5.tmp"));
        List<String> before = filesIn(dir);
        assertEquals(others.size() + 4, before.size(), before.toString());

        List<Path> removed = StateFile.removeInterruptedSaves(file);

        assertEquals(2, removed.size(), removed.toString());
        List<String> after = new java.util.ArrayList<>(others);
        after.add(".balor_state.json.5.tmp");
        after.add("balor_state.json");
        assertEquals(after.stream().sorted().toList(), filesIn(dir));
        for (String other : others) {
            assertEquals(other, Files.readString(dir.resolve(other)), "untouched: " + other);
        }
        assertArrayEquals(saved, Files.readAllBytes(file));
        assertEquals(List.of(), StateFile.removeInterruptedSaves(file), "nothing left to remove");
        assertEquals(List.of(), StateFile.removeInterruptedSaves(dir.resolve("new/balor_state.json")),
                "no directory yet: nothing to remove");
    }

    @Test
    void throughASymlinkTheTempFilesBesideTheTargetAreRemoved() throws Exception {
        Path real = dir.resolve("real/balor_state.json");
        StateFile.save(real, BalorState.empty());
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), real);
        StateFile.prepare(link, sample());   // beside the target, as a save through the link writes it
        Files.writeString(dir.resolve(".link.json.1.tmp"), "not a temp file of any save: saves write beside the target");
        assertEquals(1, StateFile.removeInterruptedSaves(link).size());
        assertEquals(List.of("balor_state.json"), filesIn(dir.resolve("real")));
        assertTrue(Files.exists(dir.resolve(".link.json.1.tmp")));
    }

    @Test
    void saveThroughSymlinkReplacesTheTarget() throws Exception {
        Path real = dir.resolve("real/balor_state.json");
        StateFile.save(real, BalorState.empty());
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), real);
        StateFile.save(link, sample());
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(sample().config(), StateFile.load(real).config());
    }
}
