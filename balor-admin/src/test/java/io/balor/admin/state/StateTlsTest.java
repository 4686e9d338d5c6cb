package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.balor.config.BalorConfig;
import io.balor.config.CertificateConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.RouteConfig;
import io.balor.config.TlsConfig;
import io.balor.config.UpstreamConfig;
import io.balor.config.UpstreamTlsConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS in the state file: listener termination and passthrough, per-route certificates, pool
 * upstream TLS, SNI routes on tcp listeners; round trips, minimal output, refusals by path, and
 * file paths relative to the state file's directory.
 */
class StateTlsTest extends StateFileTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();


    private String abs(String relative) {
        return dir.resolve(relative).toString();
    }

    /** A lossless, byte-stable round trip; returns the document. */
    private JsonNode roundTrip(BalorConfig config) throws Exception {
        return JSON.readTree(saveAndReload(config));
    }

    @Test
    void everyShapeReads() throws Exception {
        BalorState state = read("""
                {"version": 1, %s,
                 "listeners": [
                   {"name": "https", "listen": ":443", "protocol": "http", "pool": "web",
                    "tls": {"cert_file": "certs/web.pem", "key_file": "/etc/keys/web.key",
                            "handshake_timeout_ms": 5000},
                    "host_routes": [{"host": "api.example.com", "pool": "api",
                                     "tls": {"cert_file": "certs/api.pem"}}]},
                   {"name": "sni", "listen": ":8443", "tls": {"mode": "passthrough"},
                    "host_routes": [{"host": "a.example", "pool": "web"}, {"host": "*.b.example", "pool": "api"}]},
                   {"name": "explicit", "listen": ":9443", "protocol": "tcp", "pool": "web",
                    "tls": {"mode": "terminate", "cert_file": "/etc/balor/all.pem"}}]}
                """.formatted(POOLS));
        ListenerConfig https = state.config().listener("https");
        assertEquals(new TlsConfig(TlsConfig.Mode.TERMINATE, new CertificateConfig(abs("certs/web.pem"),
                "/etc/keys/web.key"), Duration.ofSeconds(5)), https.tls());
        assertEquals(List.of(RouteConfig.of("api.example.com", "api")
                .withTls(new CertificateConfig(abs("certs/api.pem"), null))), https.http().routes());
        assertTrue(https.terminatesTls());

        ListenerConfig sni = state.config().listener("sni");
        assertEquals(TlsConfig.passthrough(), sni.tls());
        assertTrue(sni.passesTlsThrough());
        assertEquals(List.of(RouteConfig.of("a.example", "web"), RouteConfig.of("*.b.example", "api")),
                sni.http().routes());

        assertEquals(TlsConfig.terminate("/etc/balor/all.pem", null), state.config().listener("explicit").tls());
    }

    @Test
    void poolTlsReads() throws Exception {
        BalorState state = read("""
                {"listeners": [], "pools": [
                  {"name": "a", "upstreams": ["https://10.0.0.1:443"]},
                  {"name": "b", "upstreams": ["https://10.0.0.2:443"], "tls": {"verify": false}},
                  {"name": "c", "upstreams": ["https://10.0.0.3:443"],
                   "tls": {"verify": true, "ca_file": "ca/internal.pem", "sni": "api.internal"}},
                  {"name": "d", "upstreams": ["https://10.0.0.4:443"], "tls": {}},
                  {"name": "e", "upstreams": ["https://10.0.0.5:443"], "tls": null}]}
                """);
        assertEquals(UpstreamTlsConfig.DEFAULT, state.config().pool("a").tls());
        assertEquals(UpstreamTlsConfig.insecure(), state.config().pool("b").tls());
        assertEquals(UpstreamTlsConfig.trusting(abs("ca/internal.pem")).withServerName("api.internal"),
                state.config().pool("c").tls());
        assertEquals(UpstreamTlsConfig.DEFAULT, state.config().pool("d").tls());
        assertEquals(UpstreamTlsConfig.DEFAULT, state.config().pool("e").tls());
    }

    @Test
    void roundTripOfEveryShapeIsMinimalAndStable() throws Exception {
        List<PoolConfig> pools = List.of(
                PoolConfig.of("web", UpstreamConfig.of("http://10.0.0.1:80")),
                PoolConfig.of("api", UpstreamConfig.of("https://10.0.0.2:443"))
                        .withTls(UpstreamTlsConfig.trusting(abs("ca.pem")).withServerName("api.internal")),
                PoolConfig.of("lab", UpstreamConfig.of("https://10.0.0.3:443")).withTls(UpstreamTlsConfig.insecure()),
                PoolConfig.of("pub", UpstreamConfig.of("https://10.0.0.4:443")).withTls(UpstreamTlsConfig.DEFAULT));
        BalorConfig config = new BalorConfig(List.of(
                ListenerConfig.http("https", "0.0.0.0:443", "web")
                        .withTls(new TlsConfig(null, new CertificateConfig(abs("certs/web.pem"),
                                abs("certs/web.key")), Duration.ofMillis(2500)))
                        .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(
                                RouteConfig.of("api.example.com", "api")
                                        .withTls(new CertificateConfig("/etc/balor/api.pem", null)),
                                new RouteConfig("*.example.com", "/v2/", "api")))),
                ListenerConfig.tcp("sni", "0.0.0.0:8443", null).withTls(TlsConfig.passthrough())
                        .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(RouteConfig.of("a.example", "web")))),
                ListenerConfig.tcp("routes-only", "0.0.0.0:9443", "web").withTls(new TlsConfig(null, null, null))
                        .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(RouteConfig.of("b.example", "api")
                                .withTls(new CertificateConfig(abs("b.pem"), null))))),
                ListenerConfig.http("implicit", "0.0.0.0:444", "web")
                        .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(RouteConfig.of("c.example", "api")
                                .withTls(new CertificateConfig(abs("c.pem"), abs("c.pem"))))))),
                pools);
        JsonNode document = roundTrip(config);
        JsonNode listeners = document.get("listeners");
        assertEquals(JSON.readTree("""
                {"name": "https", "listen": "0.0.0.0:443", "protocol": "http", "enabled": true, "pool": "web",
                 "max_connections": 0,
                 "tls": {"cert_file": "certs/web.pem", "key_file": "certs/web.key", "handshake_timeout_ms": 2500},
                 "host_routes": [{"host": "api.example.com", "pool": "api", "tls": {"cert_file": "/etc/balor/api.pem"}},
                                 {"host": "*.example.com", "path_prefix": "/v2/", "pool": "api"}]}
                """), listeners.get(0));
        assertEquals(JSON.readTree("""
                {"name": "sni", "listen": "0.0.0.0:8443", "protocol": "tcp", "enabled": true, "max_connections": 0,
                 "tls": {"mode": "passthrough"}, "host_routes": [{"host": "a.example", "pool": "web"}]}
                """), listeners.get(1));
        // Termination by route certificates only: an empty tls object would look like a mistake.
        assertEquals(JSON.readTree("""
                {"name": "routes-only", "listen": "0.0.0.0:9443", "protocol": "tcp", "enabled": true, "pool": "web",
                 "max_connections": 0, "tls": {"mode": "terminate"},
                 "host_routes": [{"host": "b.example", "pool": "api", "tls": {"cert_file": "b.pem"}}]}
                """), listeners.get(2));
        assertFalse(listeners.get(3).has("tls"));
        assertEquals(JSON.readTree("{\"cert_file\": \"c.pem\"}"),
                listeners.get(3).get("host_routes").get(0).get("tls"));

        JsonNode poolNodes = document.get("pools");
        assertFalse(poolNodes.get(0).has("tls"));
        assertEquals(JSON.readTree("{\"ca_file\": \"ca.pem\", \"sni\": \"api.internal\"}"),
                poolNodes.get(1).get("tls"));
        assertEquals(JSON.readTree("{\"verify\": false}"), poolNodes.get(2).get("tls"));
        assertFalse(poolNodes.get(3).has("tls"), "the default upstream TLS is not pinned");
    }

    @Test
    void explicitDefaultsReadBackToTheSameConfigAndAreNotWritten() throws Exception {
        BalorState state = read("""
                {"version": 1, %s,
                 "listeners": [{"name": "l", "listen": ":443", "protocol": "http", "pool": "web",
                                "tls": {"mode": "terminate", "cert_file": "all.pem", "key_file": "all.pem",
                                        "handshake_timeout_ms": 10000}}]}
                """.formatted(POOLS.replace("\"http://10.0.0.2:80\"]}",
                "\"https://10.0.0.2:443\"], \"tls\": {\"verify\": true}}")));
        assertEquals(TlsConfig.terminate(abs("all.pem"), null), state.config().listener("l").tls());
        assertEquals(UpstreamTlsConfig.DEFAULT, state.config().pool("api").tls());
        JsonNode written = JSON.readTree(StateFile.render(file(), state));
        assertEquals(JSON.readTree("{\"cert_file\": \"all.pem\"}"), written.get("listeners").get(0).get("tls"));
        assertFalse(written.get("pools").get(1).has("tls"));
    }

    @Test
    void relativePathsAreRelativeToTheStateFilesDirectory() throws Exception {
        Path nested = dir.resolve("etc/balor");
        Files.createDirectories(nested);
        Path stateFile = nested.resolve("balor_state.json");
        Files.writeString(stateFile, """
                {"version": 1,
                 "pools": [{"name": "p", "upstreams": ["https://10.0.0.1:443"],
                            "tls": {"ca_file": "./ca/../ca.pem"}}],
                 "listeners": [{"name": "l", "listen": "127.0.0.1:0", "protocol": "http", "pool": "p",
                                "tls": {"cert_file": "certs/l.pem", "key_file": "../keys/l.key"},
                                "host_routes": [{"host": "a.example", "pool": "p",
                                                 "tls": {"cert_file": "%s"}}]}]}
                """.formatted(nested.resolve("certs/a.pem")));
        BalorConfig config = StateFile.load(stateFile).config();
        ListenerConfig listener = config.listener("l");
        assertEquals(nested.resolve("certs/l.pem").toString(), listener.tls().certificate().certFile());
        assertEquals(dir.resolve("etc/keys/l.key").toString(), listener.tls().certificate().keyFile());
        assertEquals(nested.resolve("certs/a.pem").toString(), listener.http().routes().get(0).tls().certFile());
        assertEquals(nested.resolve("ca.pem").toString(), config.pool("p").tls().caFile());

        // Written back: under the directory relative (even what was absolute), outside it absolute.
        StateFile.save(stateFile, new BalorState(config, Map.of()));
        JsonNode written = JSON.readTree(Files.readAllBytes(stateFile));
        JsonNode tls = written.get("listeners").get(0).get("tls");
        assertEquals("certs/l.pem", tls.get("cert_file").textValue());
        assertEquals(dir.resolve("etc/keys/l.key").toString(), tls.get("key_file").textValue());
        assertEquals("certs/a.pem",
                written.get("listeners").get(0).get("host_routes").get(0).get("tls").get("cert_file").textValue());
        assertEquals("ca.pem", written.get("pools").get(0).get("tls").get("ca_file").textValue());
        assertEquals(config, StateFile.load(stateFile).config());
    }

    @Test
    void throughASymlinkPathsAreRelativeToTheTargetsDirectory() throws Exception {
        Path real = dir.resolve("real/balor_state.json");
        Files.createDirectories(real.getParent());
        Files.writeString(real, """
                {"pools": [{"name": "p", "upstreams": ["https://10.0.0.1:443"], "tls": {"ca_file": "ca.pem"}}]}
                """);
        Path link = Files.createSymbolicLink(dir.resolve("link.json"), real);
        assertEquals(real.resolveSibling("ca.pem").toString(), StateFile.load(link).config().pool("p").tls().caFile());
        StateFile.save(link, StateFile.load(link));
        assertTrue(Files.readString(real).contains("\"ca_file\": \"ca.pem\""), Files.readString(real));
    }

    @Test
    void pathsMadeInCodeAreWrittenAsCoreReadsThem() {
        // balor-core reads a relative path against the working directory: the file must say the same.
        BalorConfig config = new BalorConfig(List.of(), List.of(PoolConfig.of("p", UpstreamConfig.of("10.0.0.1:443"))
                .withTls(UpstreamTlsConfig.trusting("ca.pem"))));
        JsonNode written = tree(StateFile.render(file(), new BalorState(config, Map.of())));
        assertEquals(Path.of("ca.pem").toAbsolutePath().toString(),
                written.get("pools").get(0).get("tls").get("ca_file").textValue());
    }

    private static JsonNode tree(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readingProblemsByPath() {
        StateFileException e = refused("""
                {"version": 1, %s,
                 "listeners": [
                   {"name": "a", "listen": ":443", "protocol": "http", "pool": "web",
                    "tls": {"cert": "a.pem", "handshake_timeout_ms": "10s", "mode": "pasthrough"}},
                   {"name": "b", "listen": ":444", "protocol": "http", "pool": "web", "tls": "on",
                    "host_routes": [{"host": "a.example", "pool": "api", "tls": {"cert_path": "/c", "key_file": 5}},
                                    {"host": "b.example", "pool": "api", "tls": []}]},
                   {"name": "c", "listen": ":445", "protocol": "http", "pool": "web",
                    "tls": {"cert_file": "a\\u0000.pem"}}]}
                """.formatted(POOLS.replace("\"http://10.0.0.2:80\"]}",
                "\"https://10.0.0.2:443\"], \"tls\": {\"ca\": \"x.pem\", \"verify\": \"yes\", \"sni\": 1}}")));
        assertEquals(List.of(
                "pools[1].tls.ca",
                "pools[1].tls.verify",
                "pools[1].tls.sni",
                "listeners[0].tls.cert",
                "listeners[0].tls.mode",
                "listeners[0].tls.handshake_timeout_ms",
                "listeners[1].host_routes[0].tls.cert_path",
                "listeners[1].host_routes[0].tls.key_file",
                "listeners[1].host_routes[1].tls",
                "listeners[1].tls",
                "listeners[2].tls.cert_file",
                // The config's own view of what could be read.
                "listeners[0].tls.cert_file",
                "listeners[1].host_routes[0].tls.cert_file"), paths(e), e.getMessage());
        assertEquals("unknown key (did you mean 'cert_file'?)", messageAt(e, "listeners[0].tls.cert"));
        assertEquals("unknown key (did you mean 'ca_file'?)", messageAt(e, "pools[1].tls.ca"));
        assertEquals("unknown key (known here: cert_file, key_file)",
                messageAt(e, "listeners[1].host_routes[0].tls.cert_path"));
        assertEquals("must be 'terminate' or 'passthrough', was 'pasthrough'", messageAt(e, "listeners[0].tls.mode"));
        assertEquals("must be a number, was a string \"10s\"", messageAt(e, "listeners[0].tls.handshake_timeout_ms"));
        assertEquals("must be an object, was a string \"on\"", messageAt(e, "listeners[1].tls"));
        assertEquals("must be an object, was an array", messageAt(e, "listeners[1].host_routes[1].tls"));
        assertEquals("must be true or false, was a string \"yes\"", messageAt(e, "pools[1].tls.verify"));
        assertEquals("must be a string, was a number 1", messageAt(e, "pools[1].tls.sni"));
        assertEquals("must be a string, was a number 5", messageAt(e, "listeners[1].host_routes[0].tls.key_file"));
        assertTrue(messageAt(e, "listeners[2].tls.cert_file").startsWith("is not a file path"), e.getMessage());
        assertEquals("a TLS listener needs a certificate of its own, on a host route,"
                + " or a host route with acme to get one",
                messageAt(e, "listeners[0].tls.cert_file"));
    }

    @Test
    void configProblemsByJsonPath() {
        StateFileException e = refused("""
                {"version": 1, %s,
                 "listeners": [
                   {"name": "a", "listen": ":443", "protocol": "http", "pool": "web", "tls": {"mode": "passthrough"}},
                   {"name": "b", "listen": ":444", "pool": "web",
                    "tls": {"mode": "passthrough", "cert_file": "b.pem", "handshake_timeout_ms": 0}},
                   {"name": "c", "listen": ":445", "tls": {"cert_file": "c.pem", "handshake_timeout_ms": 600001},
                    "host_routes": [{"host": "a.example", "pool": "web"},
                                    {"host": "b.example", "path_prefix": "/x/", "pool": "api"}]},
                   {"name": "d", "listen": ":446", "tls": {"mode": "passthrough"},
                    "host_routes": [{"host": "a.example", "pool": "web", "tls": {"cert_file": "a.pem"}}]},
                   {"name": "e", "listen": ":447", "protocol": "http",
                    "host_routes": [{"host": "a.example", "pool": "web", "tls": {"cert_file": "a.pem"}},
                                    {"host": "A.example", "path_prefix": "/v2/", "pool": "api",
                                     "tls": {"cert_file": "other.pem"}},
                                    {"host": "c.example", "pool": "api", "tls": {}}]},
                   {"name": "f", "listen": ":448", "tls": {}, "pool": "web"},
                   {"name": "g", "listen": ":449", "host_routes": [{"host": "a.example", "pool": "web"}]}]}
                """.formatted(POOLS.replace("\"http://10.0.0.2:80\"]}",
                "\"https://10.0.0.2:443\"], \"tls\": {\"verify\": false, \"ca_file\": \"ca.pem\", "
                        + "\"sni\": \"*.internal\"}}")));
        assertEquals(List.of(
                "pools[1].tls.ca_file",
                "pools[1].tls.sni",
                "listeners[0].tls.mode",
                "listeners[1].tls.cert_file",
                "listeners[1].tls.handshake_timeout_ms",
                "listeners[2].host_routes[1].path_prefix",
                "listeners[2].tls.handshake_timeout_ms",
                "listeners[3].host_routes[0].tls",
                "listeners[4].host_routes[1].tls",
                "listeners[4].host_routes[2].tls.cert_file",
                "listeners[5].tls.cert_file",
                "listeners[6].host_routes"), paths(e), e.getMessage());
        assertEquals("has no use when verify is false", messageAt(e, "pools[1].tls.ca_file"));
        assertEquals("must be positive", messageAt(e, "listeners[1].tls.handshake_timeout_ms"));
        assertEquals("must be at most 10 minutes", messageAt(e, "listeners[2].tls.handshake_timeout_ms"));
        assertEquals("a TCP route matches the TLS server name only",
                messageAt(e, "listeners[2].host_routes[1].path_prefix"));
        assertEquals("is required", messageAt(e, "listeners[4].host_routes[2].tls.cert_file"));
    }

    @Test
    void emptyFileNamesAreLeftForTheConfigToName() {
        StateFileException e = refused("""
                {"version": 1, "pools": [{"name": "p", "upstreams": ["https://10.0.0.1:443"],
                                          "tls": {"ca_file": ""}}],
                 "listeners": [{"name": "l", "listen": ":443", "protocol": "http", "pool": "p",
                                "tls": {"cert_file": " "}}]}
                """);
        assertEquals(List.of("pools[0].tls.ca_file", "listeners[0].tls.cert_file"), paths(e), e.getMessage());
        assertEquals("must not be empty", messageAt(e, "pools[0].tls.ca_file"));
        assertEquals("is required", messageAt(e, "listeners[0].tls.cert_file"));
    }

    @Test
    void nullTlsSaysNothing() throws Exception {
        BalorState state = read("""
                {"version": 1, %s,
                 "listeners": [{"name": "l", "listen": ":80", "protocol": "http", "pool": "web", "tls": null,
                                "host_routes": [{"host": "a.example", "pool": "api", "tls": null}]}]}
                """.formatted(POOLS));
        assertNull(state.config().listener("l").tls());
        assertNull(state.config().listener("l").http().routes().get(0).tls());
        assertFalse(state.config().listener("l").terminatesTls());
    }

    @Test
    void aRoutesAcmeIsCheckedBesideItsTls() {
        StateFileException e = refused("""
                {"version": 1, %s,
                 "listeners": [{"name": "l", "listen": ":443", "protocol": "http", "pool": "web",
                                "tls": {"cert_file": "a.pem"}, "rate_limit": {"rps": 1, "burst": 1},
                                "host_routes": [{"host": "a.example", "pool": "api", "tls": {"cert_file": "a.pem"},
                                                 "acme": {"enabled": true}}]}]}
                """.formatted(POOLS));
        assertEquals(List.of("listeners[0].host_routes[0].acme.enabled", "listeners[0].host_routes[0].acme.email"),
                paths(e), e.getMessage());
    }
}
