package io.balor.admin.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.balor.config.BalorConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.RateLimitConfig;
import io.balor.config.RouteConfig;
import io.balor.config.TlsConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rate limits in the state file, in the original Balor's shape
 * ({@code "rate_limit": {"rps": 10, "burst": 20, "per_client": true}}) on http and tcp listeners
 * and on host routes: reads, round trips (lossless and byte-stable, whole rates without ".0",
 * fractional ones kept), and refusals by path, the reader's and the config's.
 */
class StateRateLimitTest extends StateFileTestBase {

    private static final ObjectMapper JSON = new ObjectMapper();


    /** A lossless, byte-stable round trip; returns the file's text. */
    private String roundTrip(BalorConfig config) throws Exception {
        return new String(saveAndReload(config), StandardCharsets.UTF_8);
    }

    private static final List<PoolConfig> POOL_CONFIGS = List.of(
            PoolConfig.of("web", UpstreamConfig.of("http://10.0.0.1:80")),
            PoolConfig.of("api", UpstreamConfig.of("http://10.0.0.2:80")));

    @Test
    void everyShapeReads() throws Exception {
        BalorState state = read("""
                {"version": 1, %s,
                 "listeners": [
                   {"name": "web", "listen": ":80", "protocol": "http", "pool": "web",
                    "rate_limit": {"rps": 10, "burst": 20, "per_client": true},
                    "host_routes": [{"host": "api.example.com", "pool": "api",
                                     "rate_limit": {"rps": 0.5, "burst": 1}},
                                    {"host": "b.example.com", "pool": "api", "rate_limit": null}]},
                   {"name": "db", "listen": ":5432", "protocol": "tcp", "pool": "api",
                    "rate_limit": {"rps": 100, "burst": 50, "per_client": false}},
                   {"name": "sni", "listen": ":8443", "tls": {"mode": "passthrough"},
                    "rate_limit": {"burst": 5, "rps": 2.5},
                    "host_routes": [{"host": "a.example", "pool": "web"}]},
                   {"name": "open", "listen": ":81", "protocol": "http", "pool": "web", "rate_limit": null}]}
                """.formatted(POOLS));
        ListenerConfig web = state.config().listener("web");
        assertEquals(new RateLimitConfig(10, 20, true), web.rateLimit());
        assertEquals(RateLimitConfig.of(10, 20).perClientIp(), web.rateLimit());
        assertEquals(RateLimitConfig.of(0.5, 1), web.http().routes().get(0).rateLimit());
        assertNull(web.http().routes().get(1).rateLimit());
        assertEquals(RateLimitConfig.of(100, 50), state.config().listener("db").rateLimit());
        assertEquals(RateLimitConfig.of(2.5, 5), state.config().listener("sni").rateLimit());
        assertNull(state.config().listener("open").rateLimit());
    }

    @Test
    void roundTripOfEveryShapeIsMinimalAndStable() throws Exception {
        BalorConfig config = new BalorConfig(List.of(
                ListenerConfig.http("web", "0.0.0.0:80", "web")
                        .withRateLimit(RateLimitConfig.of(10, 20).perClientIp())
                        .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(
                                RouteConfig.of("api.example.com", "api").withRateLimit(RateLimitConfig.of(0.5, 1)),
                                new RouteConfig("*.example.com", "/v2/", "api")
                                        .withRateLimit(RateLimitConfig.of(1_000_000, 1_000_000).perClientIp()),
                                RouteConfig.of("c.example", "web")))),
                ListenerConfig.tcp("db", "0.0.0.0:5432", "api").withRateLimit(RateLimitConfig.of(100, 50)),
                ListenerConfig.tcp("sni", "0.0.0.0:8443", null).withTls(TlsConfig.passthrough())
                        .withRateLimit(RateLimitConfig.of(2.5, 5).perClientIp())
                        .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(RouteConfig.of("a.example", "web")))),
                ListenerConfig.http("open", "0.0.0.0:81", "web")),
                POOL_CONFIGS);
        String text = roundTrip(config);
        JsonNode listeners = JSON.readTree(text).get("listeners");
        assertEquals(JSON.readTree("""
                {"name": "web", "listen": "0.0.0.0:80", "protocol": "http", "enabled": true, "pool": "web",
                 "max_connections": 0, "rate_limit": {"rps": 10, "burst": 20, "per_client": true},
                 "host_routes": [{"host": "api.example.com", "pool": "api", "rate_limit": {"rps": 0.5, "burst": 1}},
                                 {"host": "*.example.com", "path_prefix": "/v2/", "pool": "api",
                                  "rate_limit": {"rps": 1000000, "burst": 1000000, "per_client": true}},
                                 {"host": "c.example", "pool": "web"}]}
                """), listeners.get(0));
        assertEquals(JSON.readTree("""
                {"name": "db", "listen": "0.0.0.0:5432", "protocol": "tcp", "enabled": true, "pool": "api",
                 "max_connections": 0, "rate_limit": {"rps": 100, "burst": 50}}
                """), listeners.get(1));
        assertEquals(JSON.readTree("""
                {"name": "sni", "listen": "0.0.0.0:8443", "protocol": "tcp", "enabled": true, "max_connections": 0,
                 "tls": {"mode": "passthrough"}, "rate_limit": {"rps": 2.5, "burst": 5, "per_client": true},
                 "host_routes": [{"host": "a.example", "pool": "web"}]}
                """), listeners.get(2));
        assertFalse(listeners.get(3).has("rate_limit"));

        // Whole rates are written as integers, in the seed's shape; the keys in a fixed order.
        assertTrue(text.contains("\"rate_limit\": {\n        \"rps\": 10,\n        \"burst\": 20,\n"
                + "        \"per_client\": true\n      }"), text);
        assertTrue(listeners.get(0).get("rate_limit").get("rps").isIntegralNumber());
        assertTrue(listeners.get(0).get("host_routes").get(1).get("rate_limit").get("rps").isIntegralNumber());
        assertFalse(java.util.regex.Pattern.compile("\"rps\": \\d+\\.0\\b").matcher(text).find(), text);
        assertTrue(text.contains("\"rps\": 0.5,"), text);
        assertTrue(text.contains("\"rps\": 2.5,"), text);
    }

    @Test
    void fractionalRatesAreKeptExactly() throws Exception {
        for (double rps : new double[] {0.5, 0.1, 0.0001, 1.0 / 3, 2.75, 999_999.5, 1e-9, 12.0, 1, 1_000_000}) {
            BalorConfig config = new BalorConfig(List.of(ListenerConfig.http("web", "0.0.0.0:80", "web")
                    .withRateLimit(RateLimitConfig.of(rps, 3))), POOL_CONFIGS);
            String text = roundTrip(config);
            JsonNode written = JSON.readTree(text).get("listeners").get(0).get("rate_limit").get("rps");
            assertEquals(rps, written.doubleValue(), text);
            assertEquals(rps == Math.rint(rps), written.isIntegralNumber(), text);
        }
    }

    @Test
    void whatIsReadIsWrittenTheSameWayOnceAndThenStable() throws Exception {
        // Explicit defaults and whole numbers written with a fraction read as the same config, and are normalised.
        BalorState state = read("""
                {"version": 1, %s,
                 "listeners": [{"name": "web", "listen": ":80", "protocol": "http", "pool": "web",
                                "rate_limit": {"rps": 10.0, "burst": 20, "per_client": false},
                                "host_routes": [{"host": "a.example", "pool": "api",
                                                 "rate_limit": {"rps": 5E-1, "burst": 2, "per_client": true}}]},
                               {"name": "db", "listen": ":5432", "pool": "api", "rate_limit": {"rps": 1e2, "burst": 1}}]}
                """.formatted(POOLS));
        ListenerConfig web = state.config().listener("web");
        assertEquals(RateLimitConfig.of(10, 20), web.rateLimit());
        assertEquals(RateLimitConfig.of(0.5, 2).perClientIp(), web.http().routes().get(0).rateLimit());
        assertEquals(RateLimitConfig.of(100, 1), state.config().listener("db").rateLimit());

        JsonNode written = JSON.readTree(StateFile.render(file(), state));
        assertEquals(JSON.readTree("{\"rps\": 10, \"burst\": 20}"), written.get("listeners").get(0).get("rate_limit"));
        assertEquals(JSON.readTree("{\"rps\": 0.5, \"burst\": 2, \"per_client\": true}"),
                written.get("listeners").get(0).get("host_routes").get(0).get("rate_limit"));
        assertEquals(JSON.readTree("{\"rps\": 100, \"burst\": 1}"), written.get("listeners").get(1).get("rate_limit"));
        assertEquals(state.config(), roundTripConfig(state));
    }

    private BalorConfig roundTripConfig(BalorState state) throws Exception {
        roundTrip(state.config());
        return StateFile.load(file()).config();
    }

    @Test
    void readingProblemsByPath() {
        StateFileException e = refused("""
                {"version": 1, %s,
                 "listeners": [
                   {"name": "a", "listen": ":80", "protocol": "http", "pool": "web",
                    "rate_limit": {"rps": "10", "burts": 20, "per_client": "yes"}},
                   {"name": "b", "listen": ":81", "protocol": "http", "pool": "web", "rate_limit": 5,
                    "host_routes": [{"host": "a.example", "pool": "api", "rate_limit": {}},
                                    {"host": "b.example", "pool": "api", "rate_limit": [1, 2]},
                                    {"host": "c.example", "pool": "api",
                                     "rate_limit": {"rps": 1, "burst": 2.5, "per_ip": true}}]},
                   {"name": "c", "listen": ":5432", "pool": "api",
                    "rate_limit": {"rps": null, "burst": 4294967296}},
                   {"name": "d", "listen": ":5433", "pool": "api", "rate_limit": {"rps": true, "burst": "1"}}]}
                """.formatted(POOLS));
        assertEquals(List.of(
                "listeners[0].rate_limit.burts",
                "listeners[0].rate_limit.rps",
                "listeners[0].rate_limit.burst",
                "listeners[0].rate_limit.per_client",
                "listeners[1].host_routes[0].rate_limit.rps",
                "listeners[1].host_routes[0].rate_limit.burst",
                "listeners[1].host_routes[1].rate_limit",
                "listeners[1].host_routes[2].rate_limit.per_ip",
                "listeners[1].host_routes[2].rate_limit.burst",
                "listeners[1].rate_limit",
                "listeners[2].rate_limit.rps",
                "listeners[2].rate_limit.burst",
                "listeners[3].rate_limit.rps",
                "listeners[3].rate_limit.burst"), paths(e), e.getMessage());
        assertEquals("unknown key (did you mean 'burst'?)", messageAt(e, "listeners[0].rate_limit.burts"));
        assertEquals("must be a number, was a string \"10\"", messageAt(e, "listeners[0].rate_limit.rps"));
        assertEquals("is required", messageAt(e, "listeners[0].rate_limit.burst"));
        assertEquals("must be true or false, was a string \"yes\"", messageAt(e, "listeners[0].rate_limit.per_client"));
        assertEquals("is required", messageAt(e, "listeners[1].host_routes[0].rate_limit.rps"));
        assertEquals("is required", messageAt(e, "listeners[1].host_routes[0].rate_limit.burst"));
        assertEquals("must be an object, was an array", messageAt(e, "listeners[1].host_routes[1].rate_limit"));
        assertEquals("unknown key (known here: rps, burst, per_client)",
                messageAt(e, "listeners[1].host_routes[2].rate_limit.per_ip"));
        assertEquals("must be a whole number, was 2.5", messageAt(e, "listeners[1].host_routes[2].rate_limit.burst"));
        assertEquals("must be an object, was a number 5", messageAt(e, "listeners[1].rate_limit"));
        assertEquals("is required", messageAt(e, "listeners[2].rate_limit.rps"));
        assertEquals("is out of range, was 4294967296", messageAt(e, "listeners[2].rate_limit.burst"));
        assertEquals("must be a number, was a boolean true", messageAt(e, "listeners[3].rate_limit.rps"));
        assertEquals("must be a number, was a string \"1\"", messageAt(e, "listeners[3].rate_limit.burst"));
    }

    @Test
    void configProblemsByJsonPath() {
        StateFileException e = refused("""
                {"version": 1, %s,
                 "listeners": [
                   {"name": "a", "listen": ":80", "protocol": "http", "pool": "web",
                    "rate_limit": {"rps": 0, "burst": 0},
                    "host_routes": [{"host": "a.example", "pool": "api", "rate_limit": {"rps": -1, "burst": 1}},
                                    {"host": "b.example", "pool": "api",
                                     "rate_limit": {"rps": 1000000.5, "burst": 1000001}}]},
                   {"name": "b", "listen": ":8443", "pool": "web", "tls": {"mode": "passthrough"},
                    "rate_limit": {"rps": 1e400, "burst": 1},
                    "host_routes": [{"host": "a.example", "pool": "api", "rate_limit": {"rps": 5, "burst": 5}}]},
                   {"name": "c", "listen": ":8444", "pool": "web", "tls": {"mode": "passthrough"},
                    "host_routes": [{"host": "a.example", "pool": "api", "rate_limit": {"rps": 0, "burst": 5}}]}]}
                """.formatted(POOLS));
        assertEquals(List.of(
                "listeners[0].host_routes[0].rate_limit.rps",
                "listeners[0].host_routes[1].rate_limit.rps",
                "listeners[0].host_routes[1].rate_limit.burst",
                "listeners[0].rate_limit.rps",
                "listeners[0].rate_limit.burst",
                "listeners[1].host_routes[0].rate_limit",
                "listeners[1].rate_limit.rps",
                "listeners[2].host_routes[0].rate_limit.rps",
                "listeners[2].host_routes[0].rate_limit"), paths(e), e.getMessage());
        assertEquals("must be above 0 and at most 1000000", messageAt(e, "listeners[0].rate_limit.rps"));
        assertEquals("must be between 1 and 1000000", messageAt(e, "listeners[0].rate_limit.burst"));
        assertEquals("must be above 0 and at most 1000000", messageAt(e, "listeners[0].host_routes[0].rate_limit.rps"));
        assertEquals("must be above 0 and at most 1000000", messageAt(e, "listeners[0].host_routes[1].rate_limit.rps"));
        assertEquals("must be between 1 and 1000000", messageAt(e, "listeners[0].host_routes[1].rate_limit.burst"));
        assertEquals("must be above 0 and at most 1000000", messageAt(e, "listeners[1].rate_limit.rps"));
        // A tcp listener limits new connections; its SNI routes have no limit of their own.
        assertEquals("a TCP route has no rate limit: the listener's limits new connections",
                messageAt(e, "listeners[1].host_routes[0].rate_limit"));
    }

    @Test
    void acmeIsReadBesideRateLimitsOnARouteOnly() {
        StateFileException e = refused("""
                {"version": 1, %s,
                 "listeners": [{"name": "l", "listen": ":443", "protocol": "http", "pool": "web",
                                "tls": {"cert_file": "/a.pem"}, "rate_limit": {"rps": 1, "burst": 1},
                                "acme": {"enabled": true},
                                "host_routes": [{"host": "a.example", "pool": "api",
                                                 "rate_limit": {"rps": 2, "burst": 2},
                                                 "acme": {"enabled": true}}]}]}
                """.formatted(POOLS));
        assertEquals(List.of("listeners[0].acme", "listeners[0].host_routes[0].acme.enabled",
                "listeners[0].host_routes[0].acme.email"), paths(e), e.getMessage());
        assertEquals("the original Balor's 'acme' is not taken here: put it on a host route (host_routes[].acme), or"
                + " remove it", messageAt(e, "listeners[0].acme"));
    }

    @Test
    void aTypoOfRateLimitIsNamed() {
        StateFileException e = refused("""
                {"version": 1, %s,
                 "listeners": [{"name": "l", "listen": ":80", "protocol": "http", "pool": "web",
                                "ratelimit": {"rps": 1, "burst": 1},
                                "host_routes": [{"host": "a.example", "pool": "api", "rate_limits": {}}]}]}
                """.formatted(POOLS));
        assertEquals(List.of("listeners[0].ratelimit", "listeners[0].host_routes[0].rate_limits"), paths(e),
                e.getMessage());
        assertEquals("unknown key (did you mean 'rate_limit'?)", messageAt(e, "listeners[0].ratelimit"));
        assertEquals("unknown key (did you mean 'rate_limit'?)", messageAt(e, "listeners[0].host_routes[0].rate_limits"));
    }
}
