package io.balor.admin.state;

import io.balor.config.AcmeConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.balor.config.ConfigProblem;
import io.balor.config.HttpSettings;
import io.balor.config.HttpTimeouts;
import io.balor.config.ListenerConfig;
import io.balor.config.Protocol;
import io.balor.config.RouteConfig;
import io.balor.config.StickyConfig;
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
    void poolsChooseTheHostHeader() throws Exception {
        BalorState state = read("""
                {"listeners": [],
                 "pools": [{"name": "a", "upstreams": ["10.0.0.1:80"], "host_header": "upstream"},
                           {"name": "b", "upstreams": ["10.0.0.2:80"]}]}
                """);
        assertEquals(io.balor.config.PoolConfig.HostHeader.UPSTREAM, state.config().pool("a").hostHeader());
        assertEquals(io.balor.config.PoolConfig.HostHeader.PRESERVE, state.config().pool("b").hostHeader());
        BalorState timed = read("""
                {"listeners": [], "pools": [{"name": "a", "upstreams": ["10.0.0.1:80"],
                  "timeouts": {"connect_ms": 1500, "upstream_response_ms": 120000}}]}
                """);
        assertEquals(new io.balor.config.UpstreamTimeouts(java.time.Duration.ofMillis(1500), java.time.Duration.ofMinutes(2)),
                timed.config().pool("a").timeouts());
        assertEquals(List.of("pools[0].timeouts.upstream_response_ms"), paths(refused("""
                {"listeners": [], "pools": [{"name": "a", "upstreams": ["10.0.0.1:80"],
                  "timeouts": {"upstream_response_ms": 0}}]}
                """)));
        assertEquals(List.of("pools[0].host_header"), paths(refused("""
                {"listeners": [], "pools": [{"name": "a", "upstreams": ["10.0.0.1:80"], "host_header": "client"}]}
                """)));
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
    void httpListenerFields() throws Exception {
        BalorState state = read("""
                {"version": 1,
                 "pools": [{"name": "web", "upstreams": ["http://10.0.0.1:80"]},
                           {"name": "api", "upstreams": ["http://10.0.0.2:80"]}],
                 "listeners": [
                   {"name": "web", "listen": ":8080", "protocol": "http", "pool": "web",
                    "host_routes": [{"host": "api.example.com", "pool": "api"},
                                    {"host": "*.example.com", "path_prefix": "/v2/", "pool": "api"}],
                    "sticky": {"strategy": "cookie"}, "max_body_bytes": 0, "trust_forwarded": true, "http2": true,
                    "http_timeouts": {"head_ms": 1000, "keep_alive_ms": 2000, "body_idle_ms": 3000,
                                      "upstream_response_ms": 4000}},
                   {"name": "plain", "listen": ":8081", "protocol": "http", "pool": "web",
                    "sticky": {"strategy": "ip_hash"}},
                   {"name": "seed", "listen": ":9000", "protocol": "tcp", "pool": "web",
                    "host_routes": [], "sticky": null, "http_timeouts": null}]}
                """);
        HttpSettings web = state.config().listener("web").http();
        assertEquals(List.of(RouteConfig.of("api.example.com", "api"), new RouteConfig("*.example.com", "/v2/", "api")),
                web.routes());
        assertEquals(new StickyConfig(StickyConfig.Strategy.COOKIE, StickyConfig.DEFAULT_COOKIE), web.sticky());
        assertEquals(0, web.maxBodyBytes());
        assertTrue(web.trustForwarded());
        assertEquals(Boolean.TRUE, web.http2());
        assertEquals(null, state.config().listener("plain").http().http2(), "left out: on with TLS, off without");
        assertEquals(new HttpTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
                Duration.ofSeconds(4)), web.timeouts());
        assertEquals(HttpSettings.DEFAULT.withSticky(new StickyConfig(StickyConfig.Strategy.IP_HASH, null)),
                state.config().listener("plain").http());
        // The seed writes empty HTTP keys on every listener: they say nothing, so a tcp one may have them.
        assertEquals(HttpSettings.DEFAULT, state.config().listener("seed").http());
    }

    @Test
    void httpProblemsByJsonPath() {
        StateFileException e = refused("""
                {"version": 1, "pools": [{"name": "api", "upstreams": ["http://10.0.0.2:80"]}],
                 "listeners": [
                   {"name": "web", "listen": ":8080", "protocol": "http",
                    "host_routes": [{"host": "api.example.com", "pool": "api"},
                                    {"host": "*.example.com", "path_prefix": "v2", "pool": "api"},
                                    {"host": "a..b", "pool": "nope"},
                                    {"host": "x.example", "pol": "api"},
                                    "b.example"],
                    "sticky": {"strategy": "round_robin", "cookie_name": "a b"},
                    "max_body_bytes": -1, "trust_forwarded": "yes", "http2": "on",
                    "http_timeouts": {"head_ms": 0, "keep_alive_ms": "1s", "body_idle": 5}},
                   {"name": "ip", "listen": ":8081", "protocol": "http", "pool": "api",
                    "sticky": {"strategy": "ip_hash", "cookie_name": "S"}, "http_timeouts": []},
                   {"name": "nostrategy", "listen": ":8082", "protocol": "http", "pool": "api", "sticky": {}}]}
                """);
        assertEquals(List.of(
                "listeners[0].host_routes[3].pol",
                "listeners[0].host_routes[4]",
                "listeners[0].sticky.strategy",
                "listeners[0].trust_forwarded",
                "listeners[0].http_timeouts.body_idle",
                "listeners[0].http_timeouts.keep_alive_ms",
                "listeners[0].http2",
                "listeners[1].sticky.cookie_name",
                "listeners[1].http_timeouts",
                "listeners[0].host_routes[1].path_prefix",
                "listeners[0].host_routes[2].host",
                "listeners[0].host_routes[2].pool",
                "listeners[0].host_routes[3].pool",
                "listeners[0].sticky.cookie_name",
                "listeners[0].max_body_bytes",
                "listeners[0].http_timeouts.head_ms",
                "listeners[2].sticky.strategy"), paths(e), e.getMessage());
        String message = e.getMessage();
        assertTrue(message.contains("listeners[0].sticky.strategy: must be 'cookie' or 'ip_hash', was 'round_robin'"),
                message);
        assertTrue(message.contains("listeners[0].http_timeouts.body_idle: unknown key (did you mean 'body_idle_ms'?)"),
                message);
        assertTrue(message.contains("listeners[0].http_timeouts.head_ms: must be positive"), message);
        assertTrue(message.contains("listeners[0].host_routes[2].pool: no pool named 'nope'"), message);
        assertTrue(message.contains("listeners[1].sticky.cookie_name: only for strategy 'cookie'"), message);
    }

    @Test
    void tcpListenerRefusesHttpKeys() {
        StateFileException e = refused("""
                {"version": 1, "pools": [{"name": "p", "upstreams": ["10.0.0.1:80"]}],
                 "listeners": [{"name": "raw", "listen": ":9000", "pool": "p",
                                "host_routes": [{"host": "a.example", "pool": "p"}], "sticky": {"strategy": "cookie"},
                                "max_body_bytes": 1024, "trust_forwarded": false, "http_timeouts": {"head_ms": 5}}]}
                """);
        // host_routes are the TCP listener's too now (SNI routing), but only with tls.
        assertEquals(List.of("listeners[0].sticky", "listeners[0].max_body_bytes",
                "listeners[0].trust_forwarded", "listeners[0].http_timeouts", "listeners[0].host_routes"),
                paths(e), e.getMessage());
        assertTrue(e.getMessage().contains(
                "listeners[0].sticky: only for http listeners (this one has protocol 'tcp')"), e.getMessage());
        assertTrue(e.getMessage().contains("listeners[0].host_routes: a TCP listener routes by TLS server name: it"
                + " needs tls"), e.getMessage());
    }

    @Test
    void aRoutesAcmeIsReadCheckedAndWrittenBackAsIs() throws Exception {
        String json = """
                {"version": 1, "pools": [{"name": "p", "upstreams": ["http://10.0.0.1:80"]}],
                 "acme_providers": [{"name": "cf-main", "provider": "cloudflare", "api_token": "t0ken-t0ken"}],
                 "listeners": [{"name": "web", "listen": ":443", "protocol": "http",
                                "host_routes": [{"host": "a.example", "pool": "p", "tls": {"cert_file": "/c"},
                                                 "acme": {"email": "ops@example.com",
                                                          "directory_url": "https://acme.example/dir",
                                                          "challenge": "dns01", "provider": "cf-main",
                                                          "label": "shop"}},
                                                {"host": "b.example", "pool": "p",
                                                 "acme": {"email": "ops@example.com"}}]}]}
                """;
        BalorState state = read(json);
        List<RouteConfig> routes = state.config().listener("web").http().routes();
        assertEquals(new AcmeConfig("ops@example.com", "https://acme.example/dir", AcmeConfig.Challenge.DNS01,
                "cf-main", "shop", false), routes.get(0).acme());
        assertEquals(new AcmeConfig("ops@example.com", null, AcmeConfig.Challenge.HTTP01, null, null, false),
                routes.get(1).acme());
        JsonNode written = new ObjectMapper().readTree(StateFile.render(FILE, state));
        assertEquals("{\"email\":\"ops@example.com\",\"directory_url\":\"https://acme.example/dir\","
                        + "\"challenge\":\"dns01\",\"provider\":\"cf-main\",\"label\":\"shop\"}",
                written.at("/listeners/0/host_routes/0/acme").toString());
        assertEquals(state, StateFile.parse(FILE, StateFile.render(FILE, state)), "read back the same");

        StateFileException e = refused("""
                {"version": 1, "pools": [{"name": "p", "upstreams": ["http://10.0.0.1:80"]}],
                 "listeners": [{"name": "web", "listen": ":80", "protocol": "http", "acme": {"email": "a@b.example"},
                                "host_routes": [{"host": "a.example", "pool": "p",
                                                 "acme": {"challenge": "dns01", "cache_dir": "x",
                                                          "directory_url": "ftp://x"}},
                                                {"host": "b.example", "pool": "p",
                                                 "acme": {"email": "not-an-address", "challenge": "tls-alpn"}}]}]}
                """);
        assertEquals(List.of("listeners[0].acme", "listeners[0].host_routes[0].acme.cache_dir",
                "listeners[0].host_routes[1].acme.challenge", "listeners[0].host_routes[0].acme.email",
                "listeners[0].host_routes[0].acme.directory_url", "listeners[0].host_routes[0].acme.provider",
                "listeners[0].host_routes[1].acme.email"), paths(e), e.getMessage());
        assertTrue(e.getMessage().contains("listeners[0].acme: the original Balor's 'acme' is not taken here: put it"
                + " on a host route"), e.getMessage());
        StateFileException checked = refused("""
                {"version": 1, "pools": [{"name": "p", "upstreams": ["http://10.0.0.1:80"]}],
                 "listeners": [{"name": "web", "listen": ":80", "protocol": "http",
                                "host_routes": [{"host": "a.example", "pool": "p",
                                                 "acme": {"challenge": "dns01", "directory_url": "ftp://x"}},
                                                {"host": "b.example", "pool": "p",
                                                 "acme": {"email": "not-an-address", "provider": "cf"}}]}]}
                """);
        assertEquals(List.of("listeners[0].host_routes[0].acme.email", "listeners[0].host_routes[0].acme.directory_url",
                "listeners[0].host_routes[0].acme.provider", "listeners[0].host_routes[1].acme.email",
                "listeners[0].host_routes[1].acme.provider"), paths(checked), checked.getMessage());
    }

    @Test
    void httpTimeoutPathsAreTranslated() {
        assertEquals("listeners[0].http_timeouts.keep_alive_ms",
                StateProblems.jsonPath("listeners[0].http_timeouts.keep_alive"));
        assertEquals("listeners[0].http_timeouts.upstream_response_ms",
                StateProblems.jsonPath("listeners[0].http_timeouts.upstream_response"));
        assertEquals("listeners[0].timeouts.idle_ms", StateProblems.jsonPath("listeners[0].timeouts.idle"));
        assertEquals("listeners[0].max_body_bytes", StateProblems.jsonPath("listeners[0].max_body_bytes"));
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
                 "trace_sample": 100, "admin_console": {"bind": "127.0.0.1:9443"},
                 "acme_providers": [{"name": "x", "provider": "generic", "api_base": "https://dns.example/hook",
                                     "zone": "example.com"}]}
                """);
        assertEquals(List.of("users", "trace_sample", "admin_console", "acme_providers"),
                List.copyOf(state.extras().keySet()));
        assertEquals("admin", state.extras().get("users").get(0).get("role").textValue());
        assertEquals(100, state.extras().get("trace_sample").intValue());
    }

    @Test
    void theSectionsThisVersionUsesAreCheckedWithTheirPaths() {
        StateFileException e = refused("""
                {"version": 1, "trace_sample": 0,
                 "admin_console": {"bind": "127.0.0.1:0", "tls": {"cert_path": "c.pem", "nope": 1}},
                 "certificates": [{"name": ".."}, {"name": "-x"}, {"name": "ok.example"}]}
                """);
        assertEquals(List.of("admin_console.bind", "admin_console.tls.nope", "trace_sample", "certificates[0].name",
                "certificates[1].name"), paths(e), e.getMessage());
        StateFileException both = refused("""
                {"version": 1, "admin_console": {"cert_file": "a.pem", "tls": {"cert_path": "b.pem"}, "port": 1}}
                """);
        assertEquals(List.of("admin_console.port", "admin_console.tls"), paths(both), both.getMessage());
    }

    @Test
    void namesFollowOneRuleEverywhere() {
        StateFileException e = refused("""
                {"version": 1, "pools": [{"name": "..", "upstreams": ["127.0.0.1:1"]}, {"name": "-p", "upstreams": []}],
                 "listeners": [{"name": ".hidden", "listen": "127.0.0.1:0", "pool": "-p"}]}
                """);
        assertTrue(paths(e).containsAll(List.of("pools[0].name", "pools[1].name", "listeners[0].name")), e.getMessage());
    }
}
