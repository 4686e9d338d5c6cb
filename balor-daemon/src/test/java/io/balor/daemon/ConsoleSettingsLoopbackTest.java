package io.balor.daemon;

import io.balor.admin.state.ConsoleSettings;
import io.balor.config.HostPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ConsoleSettings#loopback}: which admin bind addresses count as reachable from this
 * machine only, so the daemon ({@link AdminStart}) warns about plain HTTP on every other one. The
 * daemon tests never bind a network address; this is where the rule is checked. Addresses are
 * parsed as {@code BALOR_HTTP_ADDR} and {@code admin_console.bind} are ({@link HostPort#parseListen}).
 */
class ConsoleSettingsLoopbackTest {

    private static boolean loopback(String bind) {
        HostPort.Parsed parsed = HostPort.parseListen(bind);
        assertNull(parsed.error(), bind);
        return ConsoleSettings.loopback(parsed.value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:9443", "127.0.0.5:9443", "127.255.255.254:1", "[::1]:9443",
            "[0:0:0:0:0:0:0:1]:9443", "localhost:9443", "LocalHost:9443", "[::ffff:127.0.0.1]:9443"})
    void loopbackAddressesAndLocalhostAreLocal(String bind) {
        assertTrue(loopback(bind), bind);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0:9443", ":9443", "[::]:9443", "10.0.0.1:9443", "192.168.1.10:9443",
            "128.0.0.1:9443", "[fe80::1]:9443", "[2001:db8::1]:9443", "[::ffff:10.0.0.1]:9443"})
    void wildcardsAndOtherAddressesAreNetworkAddresses(String bind) {
        assertFalse(loopback(bind), bind);
    }

    @ParameterizedTest
    @ValueSource(strings = {"balor.example:9443", "admin.internal:443", "localhost.localdomain:9443",
            "127.0.0.1.nip.io:9443", "ip6-localhost:9443"})
    void namesOtherThanLocalhostAreNetworkAddressesWithoutALookup(String bind) {
        // A name could resolve anywhere (and differently later): only "localhost" is trusted.
        assertFalse(loopback(bind), bind);
    }

    @Test
    void aStateFileMayHoldANameThatTheApiWouldRefuse() {
        ConsoleSettings settings = ConsoleSettings.of(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode().put("bind", "admin.example:9443"), java.nio.file.Path.of("/srv/balor/state.json"));
        assertEquals("admin.example", settings.bind().host(), "the owner's file loads as written");
        assertNotNull(ConsoleSettings.bindProblem("admin.example:9443"), "the API sets addresses only");
    }

    @Test
    void aSavedBindMustHaveAPortButMayBeAnyHost() {
        assertNotNull(ConsoleSettings.bindProblem("127.0.0.1:0"), "port 0 cannot be saved");
        assertNotNull(ConsoleSettings.bindProblem("localhost"), "no port");
        assertNull(ConsoleSettings.bindProblem("0.0.0.0:9443"), "allowed, with the daemon's warning");
        assertNull(ConsoleSettings.bindProblem("[::1]:9443"));
        assertNull(ConsoleSettings.bindProblem("localhost:9443"));
        assertNotNull(ConsoleSettings.bindProblem("console.example:9443"), "a name could resolve anywhere");
        assertNotNull(ConsoleSettings.bindProblem("127.0.0.1.nip.io:9443"), "even one that looks like an address");
        assertNotNull(ConsoleSettings.bindProblem("999.1.1.1:9443"), "not an address: it would be looked up");
        assertNotNull(ConsoleSettings.bindProblem("[1:2]:9443"), "not an IPv6 address");
    }
}
