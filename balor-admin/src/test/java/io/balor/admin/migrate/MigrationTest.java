package io.balor.admin.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.balor.admin.auth.UsersSection;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.StateDocument;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Migration} on the original Balor's sample state file (../shared/seed, copied into the
 * test resources) and on a file full of what has no equivalent here: the document it makes loads
 * strictly, each change has its line, and each loss is named by its path.
 */
class MigrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path WORK_DIR = Path.of("/srv/old");
    private static final Path STATE_FILE = Path.of("/srv/old/data/balor_state.json");

    static JsonNode sample() throws Exception {
        try (InputStream in = MigrationTest.class.getResourceAsStream("/original/sample-state.json")) {
            return JSON.readTree(in);
        }
    }

    private static Migration.Result migrate(JsonNode original) {
        Migration.Result result = Migration.migrate(original, WORK_DIR, STATE_FILE);
        StateDocument.fromJson(result.document(), STATE_FILE);                 // loads, or throws naming why
        UsersSection.read(result.document().get("users"), "users");
        return result;
    }

    private static Set<String> lostPaths(Migration.Result result) {
        Set<String> paths = new TreeSet<>();
        result.report().losses().forEach(line -> paths.add(line.path()));
        return paths;
    }

    private static String lines(Migration.Result result) {
        StringBuilder text = new StringBuilder();
        result.report().lines().forEach(line -> text.append(line).append('\n'));
        return text.toString();
    }

    @Test
    void theSampleMigratesWithoutLosses() throws Exception {
        Migration.Result result = migrate(sample());
        JsonNode out = result.document();
        String report = lines(result);
        assertEquals(List.of(), result.report().losses(), report);

        BalorState state = StateDocument.fromJson(out, STATE_FILE);
        assertEquals(List.of("web-http", "web-https", "k8s-api"),
                state.config().listeners().stream().map(l -> l.name()).toList());
        assertEquals(List.of("web", "api", "masters", "web-https-shop.example.com"),
                state.config().pools().stream().map(p -> p.name()).toList());
        // web-http's routes still equal pool web: they name it, and its probe is the pool's check.
        assertEquals("[\"web\",\"web\"]", out.at("/listeners/0/host_routes").findValuesAsText("pool").toString()
                .replace(" ", "").replace("[", "[\"").replace("]", "\"]").replace(",", "\",\""));
        assertEquals("{\"type\":\"http\",\"path\":\"/\",\"headers\":{\"Host\":\"shop.example.com\"}}",
                out.at("/pools/0/health_check").toString());
        // web-https's shop route had its own weights (3 and 1): a pool of its own, as the original routed.
        assertEquals("web-https-shop.example.com", out.at("/listeners/1/host_routes/0/pool").asText());
        assertEquals(3, out.at("/pools/3/upstreams/0/weight").asInt());
        assertTrue(report.contains("changed: listeners.9a7b6c5d-4e3f-4a2b-8c1d-0e9f8a7b6c5d.host_routes[0].upstreams:"
                + " these upstreams are pool 'web-https-shop.example.com', made for them (the original copied pool"
                + " 'web' here when it was saved; they differ now)"), report);
        // The TCP listener's nc -z script is a connect check on pool masters.
        assertEquals("masters", out.at("/listeners/2/pool").asText());
        assertEquals("{\"type\":\"tcp\"}", out.at("/pools/2/health_check").toString());
        // Paths: the original's were relative to its working directory; written relative to the new file's.
        assertEquals("certs/shop.example.com.crt", out.at("/listeners/1/tls/cert_file").asText());
        assertEquals("/srv/old/data/certs/api.example.com.crt",
                state.config().listeners().get(1).http().routes().get(1).tls().certFile());
        assertEquals("{\"name\":\"shop\",\"cert_file\":\"certs/shop.example.com.crt\",\"key_file\":"
                + "\"certs/shop.example.com.key\",\"source\":\"manual\"}", out.at("/certificates/0").toString());
        assertEquals("{\"bind\":\"127.0.0.1:19443\",\"cert_file\":\"certs/console.crt\",\"key_file\":"
                + "\"certs/console.key\"}", out.get("admin_console").toString());
        // ACME: the route's kept, its status dropped with a line; providers and standalone jobs kept.
        assertEquals("dns01", out.at("/listeners/1/host_routes/1/acme/challenge").asText());
        assertTrue(report.contains(".host_routes[1].acme_status: dropped"), report);
        assertEquals(2, out.get("acme_providers").size());
        assertEquals("certs/grafana.example.com.crt", out.at("/acme_standalone/0/tls/cert_path").asText());
        // Users: an array, ids dropped, hashes kept as they were.
        assertEquals(List.of("admin", "ops", "dashboard"), out.get("users").findValuesAsText("username"));
        assertTrue(out.at("/users/0/password_hash").asText().startsWith("$argon2id$v=19$"));
        assertEquals(10000, out.get("trace_sample").asInt());
        for (String line : result.report().lines().stream().map(Object::toString).toList()) {
            assertTrue(line.matches("(changed|note|not carried over): \\S+: .+"), line);
        }
    }

    @Test
    void whatHasNoEquivalentIsNamedAsNotCarriedOverAndTheRestStillLoads() throws Exception {
        JsonNode original = JSON.readTree("""
                {"listeners": {
                   "a1": {"id": "a1", "name": "web app", "listen": "127.0.0.1:8080", "protocol": "http",
                          "health_probe": {"script": "curl -f http://$BALOR_HEALTH_TARGET/", "path": "/x"},
                          "rate_limit": {"rps": 0, "burst": 0}, "acme": {"email": "a@example.com"},
                          "upstreams": [],
                          "host_routes": [
                            {"host": "A.example", "upstreams": [{"id": "u1", "name": "", "address": "http://10.0.0.1:80/api",
                                                                 "enabled": true, "weight": 1000}],
                             "acme": {"email": "a@example.com", "cache_dir": "data/acme-cache"}},
                            {"host": "b.example:8080", "upstreams": [{"name": "b", "address": "http://10.0.0.2:80",
                                                                      "enabled": true, "weight": 0}]},
                            {"host": "c.example", "enabled": false, "upstreams": []},
                            {"host": "a.example", "upstreams": [{"name": "x", "address": "http://10.0.0.3:80",
                                                                 "enabled": true, "weight": 1}]},
                            {"host": "d.example", "upstreams": [{"name": "d", "address": "http://backend", "enabled": true,
                                                                 "weight": 2},
                                                                {"name": "d2", "address": "http://backend:80",
                                                                 "enabled": true, "weight": 3}],
                             "acme": {"challenge": "http01"}},
                            {"host": "e.example", "upstreams": [{"name": "e", "address": "https://secure", "enabled": true,
                                                                 "weight": 1}],
                             "acme": {"email": "e@example.com", "challenge": "http01", "provider": "cf"}}]},
                   "a2": {"id": "a2", "name": "web app", "listen": "127.0.0.1:8080", "protocol": "tcp",
                          "upstreams": [{"name": "t", "address": "10.0.0.9:22", "enabled": false, "weight": 0}]},
                   "a3": {"id": "a3", "name": "empty", "listen": "127.0.0.1:8081", "protocol": "tcp", "upstreams": []}},
                 "users": {"u1": {"id": "u1", "username": "ann@example.com", "role": "admin", "password_hash": "h1"},
                           "u2": {"id": "u2", "username": "ann@example.com", "role": "viewer", "password_hash": "h2"},
                           "u3": {"id": "u3", "username": "bob", "role": "root", "password_hash": "h3"},
                           "u4": {"id": "u4", "username": "carol", "role": "viewer",
                                  "password_hash": "$argon2id$v=19$m=1048576,t=2,p=1$c29tZXNhbHQxMjM0$aGFzaGhhc2hoYXNoaGFzaGhhc2g"}},
                 "trace_sample": 0, "metrics": true}
                """);
        Migration.Result result = migrate(original);
        assertEquals(new TreeSet<>(List.of(
                "(top level).metrics",
                "listeners.a1.health_probe.path",
                "listeners.a1.health_probe.script",
                "listeners.a1.acme",
                "listeners.a1.host_routes[0].upstreams[0].address",
                "listeners.a1.host_routes[0].upstreams[0].weight",
                "listeners.a1.host_routes[0].acme.cache_dir",
                "listeners.a1.host_routes[1].host",
                "listeners.a1.host_routes[2]",
                "listeners.a1.host_routes[3]",
                "listeners.a2.enabled",
                "listeners.a3",
                "listeners.a1.host_routes[4].acme",
                "users.u1.password_hash",
                "users.u2",
                "users.u3",
                "users.u4.password_hash")), lostPaths(result), lines(result));
        JsonNode out = result.document();
        String report = lines(result);
        assertEquals("web-app", out.at("/listeners/0/name").asText());
        assertEquals("web-app-2", out.at("/listeners/1/name").asText(), "names are unique");
        assertEquals(false, out.at("/listeners/1/enabled").asBoolean(), "the second on one address is disabled");
        assertTrue(out.at("/listeners/0/rate_limit").isMissingNode(), "rps 0 was no limit");
        assertEquals("http://10.0.0.1:80", out.at("/pools/0/upstreams/0/address").asText());
        assertEquals(256, out.at("/pools/0/upstreams/0/weight").asInt());
        assertEquals("a.example", out.at("/listeners/0/host_routes/0/host").asText(), "hosts are lower case");
        assertEquals(3, out.at("/listeners/0/host_routes").size(), report);
        JsonNode tcp = out.at("/pools/" + poolIndex(out, out.at("/listeners/1/pool").asText()));
        assertEquals(1, tcp.at("/upstreams/0/weight").asInt(), "weight 0 was read as 1");
        assertEquals(false, tcp.at("/upstreams/0/enabled").asBoolean());
        assertEquals(List.of("ann-example.com", "carol"), out.get("users").findValuesAsText("username"),
                "a user whose hash cannot be verified is kept, to be reset");
        assertTrue(report.contains("changed: users.u1.username: 'ann@example.com' is written 'ann-example.com'"),
                report);
        assertEquals(1, out.get("trace_sample").asInt());
        // A port-less HTTP address gets its scheme's port; the same address twice is one, weights added.
        JsonNode d = out.at("/pools/" + poolIndex(out, out.at("/listeners/0/host_routes/1/pool").asText()));
        assertEquals("[{\"name\":\"d\",\"address\":\"http://backend:80\",\"weight\":5,\"enabled\":true}]",
                d.get("upstreams").toString());
        assertTrue(out.at("/listeners/0/host_routes/1/acme").isMissingNode(), "an acme without email is not kept");
        assertEquals("{\"email\":\"e@example.com\",\"challenge\":\"http01\",\"accept_terms\":true}",
                out.at("/listeners/0/host_routes/2/acme").toString(), "http01 has no provider");
        JsonNode e = out.at("/pools/" + poolIndex(out, out.at("/listeners/0/host_routes/2/pool").asText()));
        assertEquals("https://secure:443", e.at("/upstreams/0/address").asText());
        assertTrue(report.contains("note: listeners.a1: a request whose Host no route matches gets 404 here"), report);
    }

    private static int poolIndex(JsonNode out, String name) {
        for (int i = 0; i < out.get("pools").size(); i++) {
            if (out.get("pools").get(i).get("name").asText().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no pool " + name);
    }

    @Test
    void aPoolTwoListenersProbeDifferentlyIsMadeTwice() throws Exception {
        JsonNode original = JSON.readTree("""
                {"pools": [{"name": "app", "upstreams": [{"name": "a", "address": "http://10.0.0.1:80", "enabled": true,
                                                         "weight": 1}]}],
                 "listeners": {
                   "l1": {"name": "one", "listen": ":81", "protocol": "http", "health_probe": {"path": "/one"},
                          "upstreams": [], "host_routes": [{"host": "x.example", "pool": "app",
                             "upstreams": [{"name": "a", "address": "http://10.0.0.1:80", "enabled": true, "weight": 1}]}]},
                   "l2": {"name": "two", "listen": ":82", "protocol": "http", "health_probe": {"path": "/two"},
                          "upstreams": [], "host_routes": [{"host": "x.example", "pool": "app",
                             "upstreams": [{"name": "a", "address": "http://10.0.0.1:80", "enabled": true, "weight": 1}]}]},
                   "l3": {"name": "three", "listen": ":83", "protocol": "http",
                          "upstreams": [], "host_routes": [{"host": "x.example", "pool": "app",
                             "upstreams": [{"name": "a", "address": "http://10.0.0.1:80", "enabled": true, "weight": 1}]}]}}}
                """);
        Migration.Result result = migrate(original);
        JsonNode out = result.document();
        assertTrue(lines(result).contains("changed: listeners.l2.host_routes[0].upstreams: these upstreams are pool"
                + " 'two-x.example', made for them (pool 'app' has the same upstreams, and another listener's health"
                + " check)"), lines(result));
        List<String> pools = new java.util.ArrayList<>();
        out.get("pools").forEach(pool -> pools.add(pool.get("name").asText()));
        assertEquals(List.of("app", "two-x.example", "three-x.example"), pools);
        assertEquals("/one", out.at("/pools/0/health_check/path").asText());
        assertEquals("/two", out.at("/pools/1/health_check/path").asText());
        assertTrue(out.at("/pools/2/health_check").isMissingNode(), "the listener without a probe checks nothing");
    }

    @Test
    void onlyAnOriginalFileIsMigrated() throws Exception {
        IllegalArgumentException current = assertThrows(IllegalArgumentException.class, () -> Migration.migrate(
                JSON.readTree("{\"version\": 1, \"listeners\": []}"), WORK_DIR, STATE_FILE));
        assertTrue(current.getMessage().contains("this version's state file already"), current.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Migration.migrate(JSON.readTree("[1]"), WORK_DIR, STATE_FILE));
    }
}
