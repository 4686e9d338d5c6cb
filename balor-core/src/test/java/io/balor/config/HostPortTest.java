package io.balor.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class HostPortTest {

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1:8080, , 127.0.0.1, 8080",
            "[::1]:443, , ::1, 443",
            "http://10.0.0.2:8080, http, 10.0.0.2, 8080",
            "https://node-1.example:6443/, https, node-1.example, 6443",
            "backend.local:0, , backend.local, 0",
    })
    void parsesUpstreams(String text, String scheme, String host, int port) {
        HostPort.Parsed parsed = HostPort.parseUpstream(text);
        assertNull(parsed.error());
        assertEquals(new HostPort(scheme, host, port), parsed.value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "host:", "host:65536", "host:+80", "host:8o", "host:٨٠",
            "::1:80", "[::1:80", "ftp://host:21", "ho st:80", ":80", "host:123456"})
    void refusesBadUpstreams(String text) {
        assertNotNull(HostPort.parseUpstream(text).error(), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {":9443", "0.0.0.0:9443", "127.0.0.1:0", "[::]:80"})
    void acceptsListenAddresses(String text) {
        assertNull(HostPort.parseListen(text).error(), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://0.0.0.0:80", "0.0.0.0", "0.0.0.0:99999"})
    void refusesBadListenAddresses(String text) {
        assertNotNull(HostPort.parseListen(text).error(), text);
    }
}
