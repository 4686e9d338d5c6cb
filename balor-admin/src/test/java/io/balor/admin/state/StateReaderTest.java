package io.balor.admin.state;

import io.balor.config.ConfigProblem;
import io.balor.config.ListenerConfig;
import io.balor.config.Protocol;
import io.balor.config.Timeouts;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading state documents: defaults, the seed's upstream text form, and problems by field path. */
class StateReaderTest {

    private static final Path FILE = Path.of("/srv/balor/balor_state.json");

    private static BalorState read(String json) throws StateFileException {
        return StateFile.parse(FILE, json.getBytes(StandardCharsets.UTF_8));
    }

    private static StateFileException refused(String json) {
        return assertThrows(StateFileException.class, () -> read(json));
    }

    private static List<String> paths(StateFileException e) {
        return e.problems().stream().map(ConfigProblem::path).toList();
    }

    @Test
    void defaultsApplyToOmittedFields() throws Exception {
        BalorState state = read("""
                {"version": 1,
                 "listeners": [{"name": "api", "listen": "127.0.0.1:6443", "pool": "masters"}],
                 "pools": [{"name": "masters", "upstreams": [{"address": "10.0.0.1:6443"}]}]}
                """);
        ListenerConfig listener = state.config().listener("api");
        assertEquals(Protocol.TCP, listener.protocol());
        assertTrue(listener.enabled());
        assertEquals(0, listener.maxConnections());
        assertEquals(Timeouts.DEFAULT, listener.timeouts());
        assertEquals(List.of(new UpstreamConfig("10.0.0.1:6443", "10.0.0.1:6443", 1, true)),
                state.config().pool("masters").upstreams());
    }

    @Test
    void seedTextFormOfUpstreams() throws Exception {
        BalorState state = read("""
                {"listeners": [{"name": "web", "listen": "0.0.0.0:9000",
                                "upstreams": ["api=http://10.0.0.2:8080 5", "10.0.0.2:8081", "10.0.0.3:8080 3"]}],
                 "pools": []}
                """);
        assertEquals(List.of(
                new UpstreamConfig("api", "http://10.0.0.2:8080", 5, true),
                new UpstreamConfig("10.0.0.2:8081", "10.0.0.2:8081", 1, true),
                new UpstreamConfig("10.0.0.3:8080", "10.0.0.3:8080", 3, true)),
                state.config().listener("web").upstreams());
    }

    @Test
    void timeoutsInMilliseconds() throws Exception {
        BalorState state = read("""
                {"version": 1, "pools": [{"name": "p", "upstreams": ["10.0.0.1:80"]}],
                 "listeners": [{"name": "l", "listen": ":80", "pool": "p",
                                "timeouts": {"connect_ms": 1500, "drain_ms": 0}}]}
                """);
        Timeouts timeouts = state.config().listener("l").timeouts();
        assertEquals(Duration.ofMillis(1500), timeouts.connect());
        assertEquals(Timeouts.DEFAULT.idle(), timeouts.idle());
        assertEquals(Duration.ZERO, timeouts.drain());
    }

    @Test
    void everyProblemAtOnceWithItsPath() {
        StateFileException e = refused("""
                {
                  "version": 1,
                  "listeners": [
                    {"name": "api", "listen": "127.0.0.1:6443", "pool": "masters"},
                    {"name": "bad", "listen": "nope", "pool": "missing", "enabeld": false},
                    {"name": "w", "listen": "127.0.0.1:7000",
                     "upstreams": [{"address": "10.0.0.1:80", "weight": "abc"}, 42],
                     "timeouts": {"connect_ms": 0, "idle": 5}},
                    "not a listener"
                  ],
                  "pools": [{"name": "masters", "upstreams": ["10.0.0.1:6443", "10.0.0.2:6443 x", "10.0.0.3:0"]}]
                }
                """);
        assertEquals(List.of(
                "listeners[1].enabeld",
                "listeners[2].upstreams[0].weight",
                "listeners[2].upstreams[1]",
                "listeners[2].timeouts.idle",
                "listeners[3]",
                "pools[0].upstreams[1]",
                "pools[0].upstreams[2].address",
                "listeners[1].listen",
                "listeners[1].pool",
                "listeners[2].timeouts.connect_ms"), paths(e), e.getMessage());
        String message = e.getMessage();
        assertTrue(message.contains(FILE.toString()), message);
        assertTrue(message.contains("listeners[1].enabeld: unknown key (did you mean 'enabled'?)"), message);
        assertTrue(message.contains("listeners[2].upstreams[0].weight: must be a number, was a string \"abc\""),
                message);
        assertTrue(message.contains("listeners[2].timeouts.idle: unknown key (did you mean 'idle_ms'?)"), message);
        assertTrue(message.contains("listeners[1].pool: no pool named 'missing'"), message);
        assertTrue(message.contains("10 problems"), message);
    }

    @Test
    void wrongTypesAreNamedNotDefaulted() {
        StateFileException e = refused("""
                {"listeners": [{"name": 7, "listen": "127.0.0.1:1", "enabled": "yes", "protocol": "udp",
                                "max_connections": 1.5, "upstreams": "10.0.0.1:80"}],
                 "pools": {}}
                """);
        assertEquals(List.of("listeners[0].protocol", "listeners[0].name", "listeners[0].upstreams",
                "listeners[0].enabled", "listeners[0].max_connections", "pools",
                // The config's own view: the upstreams it got were none.
                "listeners[0].pool"), paths(e), e.getMessage());
    }

    @Test
    void unknownTopLevelKeyIsATypo() {
        StateFileException e = refused("{\"version\": 1, \"listners\": [], \"pools\": []}");
        assertEquals(List.of("listners"), paths(e));
        assertTrue(e.getMessage().contains("did you mean 'listeners'?"), e.getMessage());
    }

    @Test
    void newerVersionIsRefused() {
        StateFileException e = refused("{\"version\": 2, \"listeners\": [], \"pools\": []}");
        assertEquals(List.of("version"), paths(e));
        assertTrue(e.getMessage().contains("newer Balor"), e.getMessage());
    }

    @Test
    void topLevelMustBeAnObject() {
        StateFileException e = refused("[]");
        assertEquals(List.of("(top level)"), paths(e));
    }

    @Test
    void duplicateKeyIsASyntaxError() {
        StateFileException e = refused("{\n  \"version\": 1,\n  \"version\": 1\n}");
        assertEquals(3, e.line(), e.getMessage());
        assertTrue(e.getMessage().contains("Duplicate field 'version'"), e.getMessage());
    }

    @Test
    void extrasAreKeptVerbatim() throws Exception {
        BalorState state = read("""
                {"version": 1, "listeners": [], "pools": [],
                 "users": [{"username": "admin", "password_hash": "$argon2id$v=19$m=19456,t=2,p=1$abc$def",
                            "role": "admin"}],
                 "trace_sample": 100, "admin_console": {"port": 9443}}
                """);
        assertEquals(List.of("users", "trace_sample", "admin_console"), List.copyOf(state.extras().keySet()));
        assertEquals("admin", state.extras().get("users").get(0).get("role").textValue());
        assertEquals(100, state.extras().get("trace_sample").intValue());
    }
}
