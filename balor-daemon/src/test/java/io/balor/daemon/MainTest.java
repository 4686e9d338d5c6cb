package io.balor.daemon;

import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.RouteConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up paths that end before anything is bound or any signal handler is installed, run
 * in this JVM. Paths that run the daemon are in {@link DaemonProcessTest}.
 */
class MainTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env) {
        return Main.run(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void invalidKnobExitsWithCode2() {
        assertEquals(2, run(Map.of("BALOR_LOOPS", "zero", "BALOR_STATE_FILE", dir.resolve("s.json").toString())));
        assertTrue(err().contains("BALOR_LOOPS"), err());
        assertTrue(Files.notExists(dir.resolve("s.json")), "nothing is created before the knobs are valid");
    }

    @Test
    void invalidStateExitsWithCode1AndNamesTheField() throws Exception {
        Path file = dir.resolve("balor_state.json");
        byte[] bytes = """
                {"version": 1, "pools": [],
                 "listeners": [{"name": "api", "listen": "127.0.0.1:1", "pool": "masters", "weight": 2}]}
                """.getBytes(StandardCharsets.UTF_8);
        Files.write(file, bytes);
        assertEquals(1, run(Map.of("BALOR_STATE_FILE", file.toString())));
        assertTrue(err().contains(file.toString()), err());
        assertTrue(err().contains("listeners[0].weight: unknown key"), err());
        assertTrue(err().contains("listeners[0].pool: no pool named 'masters'"), err());
        assertArrayEquals(bytes, Files.readAllBytes(file));
    }

    @Test
    void accessLogSamplingIsDescribed() {
        assertEquals("every exchange", Main.sampling(10_000));
        assertEquals("25.00 % of exchanges", Main.sampling(2_500));
        assertEquals("0.01 % of exchanges", Main.sampling(1));
        assertEquals("12.34 % of exchanges", Main.sampling(1_234));
    }

    @Test
    void listenerTargets() {
        HttpSettings routes = HttpSettings.DEFAULT.withRoutes(List.of(RouteConfig.of("api.example.com", "api"),
                new RouteConfig("*.shop", "/cart/", "shop")));
        assertEquals("routes: api.example.com -> api, *.shop/cart/ -> shop; default pool web",
                Main.target(ListenerConfig.http("web", "127.0.0.1:8080", "web").withHttp(routes)));
        assertEquals("routes: api.example.com -> api, *.shop/cart/ -> shop; no default (404)",
                Main.target(ListenerConfig.http("web", "127.0.0.1:8080", null).withHttp(routes)));
        assertEquals("pool web", Main.target(ListenerConfig.http("web", "127.0.0.1:8080", "web")));
        assertEquals("upstreams 10.0.0.1:80, 10.0.0.2:80", Main.target(ListenerConfig.tcp("t", ":1", null)
                .withUpstreams(List.of(UpstreamConfig.of("10.0.0.1:80"), UpstreamConfig.of("10.0.0.2:80")))));
        assertEquals("routes by TLS server name: *.apps.example -> apps; no default (closed)",
                Main.target(ListenerConfig.tcp("sni", ":443", null).withTls(io.balor.config.TlsConfig.passthrough())
                        .withHttp(io.balor.config.HttpSettings.DEFAULT.withRoutes(
                                List.of(io.balor.config.RouteConfig.of("*.apps.example", "apps"))))));
    }
}
