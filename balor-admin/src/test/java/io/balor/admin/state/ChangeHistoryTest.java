package io.balor.admin.state;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.balor.Balor;
import io.balor.BalorOptions;
import io.balor.config.BalorConfig;
import io.balor.config.HealthCheckConfig;
import io.balor.config.InvalidConfigException;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ChangeHistory} as {@link StateStore} records it: a version per applied config change (in
 * order, with who, when and why), none for a refused one or one that leaves the config alone;
 * ids that go on after a restart; the newest N kept; owner-only files; credentials redacted; a
 * history that cannot be written does not undo the change.
 */
class ChangeHistoryTest {

    private static final PoolConfig POOL = PoolConfig.of("app", UpstreamConfig.of("127.0.0.1:9"));
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    private Balor balor;

    @AfterEach
    void close() {
        if (balor != null) {
            balor.close();
            balor = null;
        }
    }

    /** A store over the state file in {@code dir}, keeping {@code keep} versions (a restart when called again). */
    private StateStore store(int keep) throws StateFileException {
        close();
        Path file = dir.resolve("balor_state.json");
        BalorState loaded = StateFile.load(file);
        balor = Balor.start(loaded.config(), BalorOptions.defaults().withLoops(1));
        return new StateStore(file, balor, loaded, ChangeHistory.open(file, keep, CLOCK));
    }

    private static BalorState withPools(BalorState state, int count) {
        List<PoolConfig> pools = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            pools.add(PoolConfig.of("p" + i, UpstreamConfig.of("127.0.0.1:" + (9 + i))));
        }
        return state.withConfig(new BalorConfig(List.of(), pools));
    }

    @Test
    void eachAppliedChangeIsAVersionInOrderWithWhoWhenAndWhy() throws Exception {
        StateStore store = store(100);
        ChangeHistory history = store.history();
        assertEquals(1, history.versions().size(), "the start");
        assertEquals(ChangeHistory.STATE_FILE, history.newest().by());
        store.change("alice", "added p0", state -> withPools(state, 1));
        store.change("bob", "added p1", state -> withPools(state, 2));
        store.change("bob", "users only", state -> state.withExtra("trace_sample",
                JsonNodeFactory.instance.numberNode(5)));   // saved, but the config is the same
        List<ChangeHistory.Version> versions = history.versions();
        assertEquals(List.of(1L, 2L, 3L), versions.stream().map(ChangeHistory.Version::id).toList());
        assertEquals("alice", versions.get(1).by());
        assertEquals("added p1", versions.get(2).summary());
        assertEquals(Instant.parse("2026-12-06T10:00:00Z"), versions.get(2).at());
        assertEquals(1, versions.get(2).changed(), "pools[p1]");
        assertEquals("p1", versions.get(2).config().path("pools").get(1).path("name").asText());
        assertFalse(versions.get(2).config().has("trace_sample"));
    }

    @Test
    void aRefusedChangeRecordsNothing() throws Exception {
        StateStore store = store(100);
        store.change("alice", "one pool", state -> withPools(state, 1));
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThrows(InvalidConfigException.class, () -> store.change("alice", "busy", state -> state.withConfig(
                    new BalorConfig(List.of(ListenerConfig.tcp("l4", "127.0.0.1:" + taken.getLocalPort(), "app")),
                            List.of(POOL)))));
        }
        assertThrows(IllegalStateException.class, () -> store.change("alice", "thrown", state -> {
            throw new IllegalStateException("refused before the apply");
        }));
        assertEquals(2, store.history().versions().size());
        try (Stream<Path> files = Files.list(ChangeHistory.directory(store.file()))) {
            assertEquals(2, files.count(), "no file for a refused change, no temp file left");
        }
    }

    @Test
    void idsGoOnAfterARestartAndAHandEditIsAVersionByTheStateFile() throws Exception {
        StateStore store = store(100);
        store.change("alice", "one pool", state -> withPools(state, 1));
        store = store(100);
        assertEquals(2, store.history().versions().size(), "the same config: no version at start");
        store.change("alice", "two pools", state -> withPools(state, 2));
        assertEquals(3, store.history().newest().id());
        close();
        Path file = dir.resolve("balor_state.json");
        Files.writeString(file, Files.readString(file).replace("127.0.0.1:10", "127.0.0.1:11"));
        store = store(100);
        ChangeHistory.Version start = store.history().newest();
        assertEquals(4, start.id());
        assertEquals(ChangeHistory.STATE_FILE, start.by());
        assertEquals("the state file's config differs from version 3", start.summary());
    }

    @Test
    void onlyTheNewestNAreKeptInMemoryAndOnDisk() throws Exception {
        StateStore store = store(3);
        for (int i = 1; i <= 5; i++) {
            int count = i;
            store.change("alice", "pools " + i, state -> withPools(state, count));
        }
        assertEquals(List.of(4L, 5L, 6L), store.history().versions().stream().map(ChangeHistory.Version::id).toList());
        assertNull(store.history().version(1));
        try (Stream<Path> files = Files.list(ChangeHistory.directory(store.file()))) {
            assertEquals(List.of("000000000004.json", "000000000005.json", "000000000006.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        store = store(3);
        assertEquals(7, nextIdAfter(store));
    }

    private static long nextIdAfter(StateStore store) throws Exception {
        store.change("alice", "one more", state -> withPools(state, 1));
        return store.history().newest().id();
    }

    @Test
    void filesAreOwnerOnly() throws Exception {
        StateStore store = store(100);
        store.change("alice", "one pool", state -> withPools(state, 1));
        Path history = ChangeHistory.directory(store.file());
        assertEquals(dir.resolve("balor_state.json.history"), history);
        if (!history.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(history)));
        try (Stream<Path> files = Files.list(history)) {
            for (Path file : files.toList()) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
            }
        }
    }

    @Test
    void credentialsInHealthCheckHeadersAreRedacted() throws Exception {
        StateStore store = store(100);
        HealthCheckConfig check = new HealthCheckConfig(HealthCheckConfig.Type.HTTP, HealthCheckConfig.DEFAULT_INTERVAL,
                HealthCheckConfig.DEFAULT_TIMEOUT, 2, 3, "/health", "GET",
                Map.of("Authorization", "Bearer s3cr3t-value", "X-Probe", "balor"), 200, 399, List.of());
        store.change("alice", "checked", state -> state.withConfig(new BalorConfig(List.of(),
                List.of(POOL.withHealthCheck(check)))));
        var headers = store.history().newest().config().path("pools").get(0).path("health_check").path("headers");
        assertEquals(SecretHeaders.REDACTED, headers.path("Authorization").asText());
        assertEquals("balor", headers.path("X-Probe").asText());
        try (Stream<Path> files = Files.list(ChangeHistory.directory(store.file()))) {
            for (Path file : files.toList()) {
                assertFalse(Files.readString(file, StandardCharsets.UTF_8).contains("s3cr3t"), file.toString());
            }
        }
    }

    @Test
    void aHistoryThatCannotBeWrittenDoesNotUndoTheChange() throws Exception {
        StateStore store = store(100);
        Path history = ChangeHistory.directory(store.file());
        try (Stream<Path> files = Files.list(history)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(history);
        Files.writeString(history, "not a directory");
        BalorState after = store.change("alice", "one pool", state -> withPools(state, 1)).after();
        assertEquals(after, store.current());
        assertEquals(after.config(), StateFile.load(store.file()).config(), "saved");
        assertTrue(balor.config().pools().stream().anyMatch(p -> p.name().equals("p0")), "running");
        assertEquals(1, store.history().versions().size(), "not recorded");
    }
}
