package io.balor.admin.state;

import io.balor.Balor;
import io.balor.BalorOptions;
import io.balor.config.BalorConfig;
import io.balor.config.InvalidConfigException;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link StateStore}: written beside the file first (a file that cannot be written refuses before
 * any apply), applied, then put in place; a refused apply leaves no file behind; the runtime put
 * back when the final rename fails.
 */
class StateStoreTest {

    private static final PoolConfig POOL = PoolConfig.of("app", UpstreamConfig.of("127.0.0.1:9"));

    @TempDir
    Path dir;
    private Balor balor;

    @AfterEach
    void close() {
        if (balor != null) {
            balor.close();
        }
    }

    private StateStore store() throws StateFileException {
        Path file = dir.resolve("balor_state.json");
        BalorState loaded = StateFile.load(file);
        balor = Balor.start(loaded.config(), BalorOptions.defaults().withLoops(1));
        return new StateStore(file, balor, loaded);
    }

    private static BalorConfig withListener(String name, String listen) {
        return new BalorConfig(List.of(ListenerConfig.tcp(name, listen, "app")), List.of(POOL));
    }

    @Test
    void anAppliedChangeRunsAndIsSaved() throws Exception {
        StateStore store = store();
        BalorState after = store.change(state -> state.withConfig(withListener("l4", "127.0.0.1:0")));
        assertNotNull(balor.boundAddress("l4"), "running");
        assertSame(after, store.current());
        assertEquals(after.config(), StateFile.load(store.file()).config(), "saved");
    }

    @Test
    void aChangeThatDoesNotApplyChangesNeitherRuntimeNorFile() throws Exception {
        StateStore store = store();
        store.change(state -> state.withConfig(withListener("l4", "127.0.0.1:0")));
        byte[] saved = Files.readAllBytes(store.file());
        BalorState before = store.current();
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String busy = "127.0.0.1:" + taken.getLocalPort();
            InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> store.change(state ->
                    state.withConfig(new BalorConfig(List.of(ListenerConfig.tcp("l4", "127.0.0.1:0", "app"),
                            ListenerConfig.tcp("busy", busy, "app")), List.of(POOL)))));
            assertEquals("listeners[1].listen", e.problems().get(0).path(), e.getMessage());
        }
        assertSame(before, store.current());
        assertNull(balor.boundAddress("busy"));
        assertNotNull(balor.boundAddress("l4"));
        assertArrayEquals(saved, Files.readAllBytes(store.file()), "the file is untouched");
    }

    @Test
    void aSaveThatFailsPutsTheRunningConfigBack() throws Exception {
        StateStore store = store();
        store.change(state -> state.withConfig(withListener("old", "127.0.0.1:0")));
        InetSocketAddress old = balor.boundAddress("old");
        // The file's place becomes a non-empty directory: the rename over it fails.
        Files.delete(store.file());
        Files.createDirectories(store.file().resolve("blocker"));
        assertThrows(StateFileException.class, () -> store.change(state -> state.withConfig(withListener("new", "127.0.0.1:0"))));
        assertNull(balor.boundAddress("new"), "the new listener is gone again");
        assertNotNull(balor.boundAddress("old"), "the old one runs again");
        assertEquals(old.getAddress(), balor.boundAddress("old").getAddress());
        assertEquals(withListener("old", "127.0.0.1:0"), store.current().config());
    }

    /**
     * Issue 13: a change whose save cannot happen is refused before the runtime is touched (it
     * was applied, then rolled back). The state file is made a link to a directory that is gone,
     * a fault any user can make (see RefusedSaveApiTest for an unwritable directory).
     */
    @Test
    void aSaveThatCannotBeWrittenIsRefusedBeforeAnythingIsApplied() throws Exception {
        StateStore store = store();
        store.change(state -> state.withConfig(withListener("old", "127.0.0.1:0")));
        InetSocketAddress old = balor.boundAddress("old");
        long generation = balor.generation();
        BalorState before = store.current();
        Path gone = dir.resolve("gone/balor_state.json");
        Files.createDirectories(gone.getParent());
        Files.move(store.file(), gone);
        Files.createSymbolicLink(store.file(), gone);
        Files.delete(gone);
        Files.delete(gone.getParent());

        assertThrows(StateFileException.class, () -> store.change(state -> state.withConfig(withListener("new", "127.0.0.1:0"))));

        assertEquals(generation, balor.generation(), "not applied, not even for a moment");
        assertEquals(old, balor.boundAddress("old"), "the old listener never stopped");
        assertNull(balor.boundAddress("new"));
        assertSame(before, store.current());
    }

    @Test
    void aChangeThatDoesNotApplyLeavesNoTempFile() throws Exception {
        StateStore store = store();
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThrows(InvalidConfigException.class, () -> store.change(state ->
                    state.withConfig(withListener("busy", "127.0.0.1:" + taken.getLocalPort()))));
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("balor_state.json", "balor_state.json.history"),   // the history's directory
                    files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "the state written before the apply is dropped");
        }
    }

    @Test
    void aChangeOfOtherSectionsIsSavedWithoutAnApply() throws Exception {
        StateStore store = store();
        long generation = balor.generation();
        store.change(state -> state.withExtra("trace_sample",
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.numberNode(250)));
        assertEquals(generation, balor.generation(), "no apply");
        assertEquals(250, StateFile.load(store.file()).extras().get("trace_sample").intValue());
    }
}
