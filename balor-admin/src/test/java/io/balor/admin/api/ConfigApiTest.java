package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.config.BalorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.balor.admin.api.AdminFixture.ADMIN_TOKEN;
import static io.balor.admin.api.AdminFixture.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /api/listeners} and {@code /api/pools} over real HTTP, with a real Balor carrying real
 * traffic to a real upstream: a listener added through the API serves at once, a drained one stops
 * accepting and finishes its in-flight request, a change that cannot be applied or is invalid is
 * refused with every problem and changes neither the runtime nor the state file (byte for byte),
 * and after every accepted change the state file holds exactly what the API answered.
 */
class ConfigApiTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void listenerAddedThroughTheApiCarriesTrafficAtOnce() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir); TestUpstream upstream = new TestUpstream()) {
            String operator = admin.user("olga", "operator");
            HttpResponse<String> pool = admin.call("POST", "/api/pools", operator,
                    "{\"name\": \"app\", \"upstreams\": [\"api=http://" + upstream.address() + " 5\"]}");
            assertEquals(201, pool.statusCode(), pool.body());
            assertEquals("/api/pools/app", pool.headers().firstValue("Location").orElse(null));
            JsonNode upstreams = json(pool).get("upstreams");
            assertEquals(1, upstreams.size(), pool.body());
            assertEquals("api", upstreams.get(0).get("name").asText(), "the text form's name");
            assertEquals("http://" + upstream.address(), upstreams.get(0).get("address").asText());
            assertEquals(5, upstreams.get(0).get("weight").asInt(), "the text form's weight");
            StateFileView.assertSaved(admin, "pools", json(pool));

            HttpResponse<String> created = admin.call("POST", "/api/listeners", operator,
                    "{\"name\": \"web\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", \"pool\": \"app\"}");
            assertEquals(201, created.statusCode(), created.body());
            assertEquals("/api/listeners/web", created.headers().firstValue("Location").orElse(null));
            JsonNode listener = json(created);
            assertEquals("web", listener.get("id").asText());
            assertTrue(listener.get("enabled").asBoolean());
            String bound = listener.get("bound").asText();
            assertEquals(admin.balor.boundAddress("web").getPort(), Downstream.port(bound), bound);
            StateFileView.assertSaved(admin, "listeners", listener);

            HttpResponse<String> proxied = Downstream.get(Downstream.port(bound), "/anything");
            assertEquals(200, proxied.statusCode());
            assertEquals("hello", proxied.body());

            HttpResponse<String> read = admin.call("GET", "/api/listeners/web", operator, null);
            assertEquals(200, read.statusCode(), read.body());
            assertEquals(bound, json(read).get("bound").asText());
            JsonNode health = json(read).get("upstream_health");
            assertEquals(1, health.size(), read.body());
            assertEquals("app", health.get(0).get("pool").asText());
            assertEquals("http://" + upstream.address(), health.get(0).get("upstream").asText());
            assertTrue(health.get(0).get("up").asBoolean());
            assertFalse(health.get(0).get("checked").asBoolean(), "the pool has no health check");

            HttpResponse<String> list = admin.call("GET", "/api/listeners", operator, null);
            assertEquals(1, json(list).size(), list.body());
            assertEquals(json(read), json(list).get(0), "the list shows each listener as GET one does");
            HttpResponse<String> pools = admin.call("GET", "/api/pools", operator, null);
            assertEquals("[\"web\"]", json(pools).get(0).get("used_by").toString());
            assertEquals(1, json(pools).get(0).get("upstream_health").size(), pools.body());
        }
    }

    @Test
    void drainedListenerStopsAcceptingAndFinishesItsInFlightRequest() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir); TestUpstream upstream = new TestUpstream()) {
            JsonNode listener = admin.webListener(upstream.address());
            int port = Downstream.port(listener.get("bound").asText());
            assertEquals(200, Downstream.get(port, "/").statusCode());

            CompletableFuture<HttpResponse<String>> inFlight = Downstream.send(port, "/hold");
            assertTrue(upstream.held.await(10, TimeUnit.SECONDS), "the held request reached the upstream");

            HttpResponse<String> drained = admin.call("POST", "/api/listeners/web/drain", ADMIN_TOKEN, null);
            assertEquals(200, drained.statusCode(), drained.body());
            assertFalse(json(drained).get("enabled").asBoolean(), drained.body());
            assertTrue(json(drained).get("bound").isNull(), drained.body());
            assertFalse(Downstream.accepts(port), "a drained listener refuses new connections");
            assertFalse(inFlight.isDone(), "the in-flight request waits for its upstream");
            StateFileView.assertSaved(admin, "listeners", json(drained));
            assertFalse(StateFileView.item(admin, "listeners", "web").get("enabled").asBoolean(),
                    "the config is kept, disabled");

            upstream.release();
            HttpResponse<String> finished = inFlight.get(10, TimeUnit.SECONDS);
            assertEquals(200, finished.statusCode());
            assertEquals("released", finished.body());

            byte[] before = StateFileView.bytes(admin);
            HttpResponse<String> again = admin.call("POST", "/api/listeners/web/drain", ADMIN_TOKEN, null);
            assertEquals(200, again.statusCode(), "draining a drained listener is no change");
            assertArrayEquals(before, StateFileView.bytes(admin));
            assertEquals(404, admin.call("POST", "/api/listeners/nope/drain", ADMIN_TOKEN, null).statusCode());
            List<JsonNode> audit = AuditLogView.audit(admin);
            assertEquals("[{\"field\":\"enabled\",\"before\":true,\"after\":false}]", AuditLogView.one(audit,
                    drained.headers().firstValue("X-Request-Id").orElseThrow()).path("changes").toString(),
                    "the drain's audit record says what it changed");
            assertTrue(AuditLogView.one(audit, again.headers().firstValue("X-Request-Id").orElseThrow())
                    .path("changes").isMissingNode(), "the second drain changed nothing");

            // The kept config comes back with enabled=true, on a fresh port.
            JsonNode enabled = json(drained).deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) enabled).put("enabled", true);
            ((com.fasterxml.jackson.databind.node.ObjectNode) enabled).remove(List.of("id", "bound", "upstream_health"));
            HttpResponse<String> back = admin.call("PUT", "/api/listeners/web", ADMIN_TOKEN, enabled.toString());
            assertEquals(200, back.statusCode(), back.body());
            assertEquals(200, Downstream.get(Downstream.port(json(back).get("bound").asText()), "/").statusCode());
        }
    }

    @Test
    void changeThatCannotBeAppliedIs409AndChangesNothing() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir); TestUpstream upstream = new TestUpstream();
             ServerSocket taken = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            JsonNode web = admin.webListener(upstream.address());
            int port = Downstream.port(web.get("bound").asText());
            byte[] file = StateFileView.bytes(admin);
            BalorConfig running = admin.balor.config();
            long generation = admin.balor.generation();
            String listed = admin.call("GET", "/api/listeners", ADMIN_TOKEN, null).body();
            String inUse = "127.0.0.1:" + taken.getLocalPort();

            HttpResponse<String> added = admin.call("POST", "/api/listeners", ADMIN_TOKEN, "{\"name\": \"second\", "
                    + "\"listen\": \"" + inUse + "\", \"protocol\": \"http\", \"pool\": \"app\"}");
            assertEquals(409, added.statusCode(), added.body());
            assertEquals("listen", json(added).get("field").asText(), "relative to the body, as a 400's: " + added.body());
            assertEquals(1, json(added).get("problems").size(), added.body());

            HttpResponse<String> moved = admin.call("PUT", "/api/listeners/web", ADMIN_TOKEN,
                    "{\"name\": \"web\", \"listen\": \"" + inUse + "\", \"protocol\": \"http\", \"pool\": \"app\"}");
            assertEquals(409, moved.statusCode(), moved.body());

            assertArrayEquals(file, StateFileView.bytes(admin), "the state file is untouched");
            assertEquals(running, admin.balor.config(), "the runtime is untouched");
            assertEquals(generation, admin.balor.generation());
            assertEquals(listed, admin.call("GET", "/api/listeners", ADMIN_TOKEN, null).body());
            assertEquals(200, Downstream.get(port, "/").statusCode(), "web still serves on its port");
        }
    }

    @Test
    void invalidListenerIs400NamingEveryProblemRelativeToTheBody() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir); TestUpstream upstream = new TestUpstream()) {
            admin.webListener(upstream.address());
            byte[] file = StateFileView.bytes(admin);
            long generation = admin.balor.generation();

            String body = "{\"name\": \"bad\", \"listen\": \"127.0.0.1:99999\", \"protocol\": \"http\", "
                    + "\"pool\": \"missing\", \"max_connections\": \"many\", \"bogus\": 1, "
                    + "\"host_routes\": [{\"host\": \"a.example\", \"pool\": \"app\"}, "
                    + "{\"host\": \"b.example\", \"pool\": \"nope\"}]}";
            HttpResponse<String> refused = admin.call("POST", "/api/listeners", ADMIN_TOKEN, body);
            assertEquals(400, refused.statusCode(), refused.body());
            List<String> fields = problemFields(refused);
            for (String field : List.of("bogus", "max_connections", "listen", "pool", "host_routes[1].pool")) {
                assertTrue(fields.contains(field), field + " in " + refused.body());
            }
            assertFalse(fields.contains("host_routes[0].pool"), refused.body());
            assertEquals(fields.get(0), json(refused).get("field").asText(), "the first problem is the error");
            assertFalse(json(refused).get("error").asText().isEmpty());
            assertFalse(json(refused).get("hint").asText().isEmpty());

            // The same checks on a replacement, with paths relative to that body too.
            HttpResponse<String> replaced = admin.call("PUT", "/api/listeners/web", ADMIN_TOKEN,
                    "{\"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", \"pool\": \"app\", "
                            + "\"host_routes\": [{\"host\": \"a.example\", \"pool\": \"nope\"}], \"enabled\": \"yes\"}");
            assertEquals(400, replaced.statusCode(), replaced.body());
            assertTrue(problemFields(replaced).containsAll(List.of("name", "host_routes[0].pool", "enabled")),
                    "a missing name and every other problem at once: " + replaced.body());

            HttpResponse<String> nameless = admin.call("POST", "/api/listeners", ADMIN_TOKEN,
                    "{\"listen\": \"127.0.0.1:0\", \"pool\": \"app\"}");
            assertEquals(400, nameless.statusCode(), nameless.body());
            assertTrue(problemFields(nameless).contains("name"), nameless.body());

            HttpResponse<String> typed = admin.call("POST", "/api/pools", ADMIN_TOKEN,
                    "{\"name\": 7, \"upstreams\": {\"a\": 1}}");
            assertEquals(400, typed.statusCode(), typed.body());
            assertTrue(problemFields(typed).containsAll(List.of("name", "upstreams")), typed.body());

            HttpResponse<String> badUpstream = admin.call("POST", "/api/pools", ADMIN_TOKEN,
                    "{\"name\": \"p\", \"upstreams\": [\"" + upstream.address() + "\", \"x=10.0.0.1:80 heavy\", 3]}");
            assertEquals(400, badUpstream.statusCode(), badUpstream.body());
            assertEquals(List.of("upstreams[1]", "upstreams[2]"), problemFields(badUpstream), badUpstream.body());

            assertArrayEquals(file, StateFileView.bytes(admin), "refused bodies leave the state file untouched");
            assertEquals(generation, admin.balor.generation(), "and the runtime");
        }
    }

    @Test
    void malformedBodiesAreRefusedAndChangeNothing() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            admin.create("/api/pools", "{\"name\": \"app\", \"upstreams\": [\"127.0.0.1:9\"]}");
            byte[] file = StateFileView.bytes(admin);
            String listener = "{\"name\": \"web\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", \"pool\": \"app\"}";
            for (String path : List.of("/api/listeners", "/api/pools", "/api/pools/app")) {
                String method = path.equals("/api/pools/app") ? "PUT" : "POST";
                assertRefused(admin, method, path, "{\"name\": \"web\",", 400, "malformed JSON");
                assertRefused(admin, method, path, listener + " {}", 400, "trailing data");
                assertRefused(admin, method, path, "{\"name\": \"a\", \"name\": \"b\"}", 400, "duplicate key");
                assertRefused(admin, method, path, "[" + listener + "]", 400, "JSON object");
                assertRefused(admin, method, path, "\"web\"", 400, "JSON object");
                assertRefused(admin, method, path, "", 400, "empty");
            }
            // Content type, size (declared and chunked) and encoding, on the wire.
            assertEquals(415, send(admin, "POST", "/api/listeners", "text/plain",
                    HttpRequest.BodyPublishers.ofString(listener)).statusCode());
            // A declared length over 1 MiB is refused before any of the body is read (none is sent here).
            RawHttp.Answer declared = RawHttp.send(admin, "POST /api/listeners HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + ADMIN_TOKEN + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + ((1 << 20) + 1) + "\r\n\r\n");
            assertEquals(413, declared.status(), declared.body());
            byte[] big = oversized(listener);
            HttpResponse<String> chunked = send(admin, "POST", "/api/pools", "application/json",
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)));
            assertEquals(413, chunked.statusCode(), chunked.body());
            byte[] latin1 = "{\"name\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
            HttpResponse<String> encoding = send(admin, "POST", "/api/pools", "application/json",
                    HttpRequest.BodyPublishers.ofByteArray(latin1));
            assertEquals(400, encoding.statusCode(), encoding.body());
            assertTrue(json(encoding).get("error").asText().contains("UTF-8"), encoding.body());

            assertArrayEquals(file, StateFileView.bytes(admin));
            assertEquals(200, admin.call("GET", "/api/pools/app", ADMIN_TOKEN, null).statusCode());
            assertEquals("[]", admin.call("GET", "/api/listeners", ADMIN_TOKEN, null).body());
        }
    }

    @Test
    void poolsAreCreatedChangedAndDeletedButNotWhileInUse() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir); TestUpstream upstream = new TestUpstream()) {
            String operator = admin.user("olga", "operator");
            admin.create("/api/pools", "{\"name\": \"app\", \"upstreams\": [\"" + upstream.address() + "\"]}");
            admin.create("/api/pools", "{\"name\": \"shop\", \"upstreams\": [\"" + upstream.address() + "\"]}");
            admin.create("/api/pools", "{\"name\": \"spare\", \"upstreams\": [\"127.0.0.1:9\"]}");
            JsonNode web = admin.create("/api/listeners", "{\"name\": \"web\", \"listen\": \"127.0.0.1:0\", "
                    + "\"protocol\": \"http\", \"pool\": \"app\", "
                    + "\"host_routes\": [{\"host\": \"shop.example\", \"pool\": \"shop\"}]}");
            admin.create("/api/listeners", "{\"name\": \"raw\", \"listen\": \"127.0.0.1:0\", \"pool\": \"app\"}");

            HttpResponse<String> duplicate = admin.call("POST", "/api/pools", operator,
                    "{\"name\": \"app\", \"upstreams\": [\"127.0.0.1:9\"]}");
            assertEquals(409, duplicate.statusCode(), duplicate.body());

            HttpResponse<String> changed = admin.call("PUT", "/api/pools/spare", operator, "{\"name\": \"spare\", \"upstreams\": ["
                    + "{\"name\": \"a\", \"address\": \"127.0.0.1:9\", \"weight\": 3}, \"b=127.0.0.1:10 2\"], "
                    + "\"host_header\": \"upstream\"}");
            assertEquals(200, changed.statusCode(), changed.body());
            assertEquals(2, json(changed).get("upstreams").size(), changed.body());
            assertEquals(2, json(changed).get("upstreams").get(1).get("weight").asInt(), changed.body());
            assertEquals("[]", json(changed).get("used_by").toString());
            StateFileView.assertSaved(admin, "pools", json(changed));

            byte[] file = StateFileView.bytes(admin);
            HttpResponse<String> used = admin.call("DELETE", "/api/pools/app", operator, null);
            assertEquals(409, used.statusCode(), used.body());
            assertTrue(json(used).get("error").asText().contains("raw, web"), used.body());
            HttpResponse<String> routed = admin.call("DELETE", "/api/pools/shop", operator, null);
            assertEquals(409, routed.statusCode(), "a host route's pool is in use too: " + routed.body());
            assertTrue(json(routed).get("error").asText().contains("web"), routed.body());
            HttpResponse<String> renamed = admin.call("PUT", "/api/pools/app?rename=true", operator,
                    "{\"name\": \"app2\", \"upstreams\": [\"" + upstream.address() + "\"]}");
            assertEquals(409, renamed.statusCode(), "a pool in use is not renamed: " + renamed.body());
            assertEquals(404, admin.call("DELETE", "/api/pools/none", operator, null).statusCode());
            assertEquals(404, admin.call("PUT", "/api/pools/none", operator,
                    "{\"name\": \"none\", \"upstreams\": [\"127.0.0.1:9\"]}").statusCode());
            assertArrayEquals(file, StateFileView.bytes(admin), "refusals leave the state file untouched");
            assertEquals(200, Downstream.get(Downstream.port(web.get("bound").asText()), "/").statusCode());

            assertEquals(204, admin.call("DELETE", "/api/pools/spare", operator, null).statusCode());
            assertEquals(404, admin.call("GET", "/api/pools/spare", operator, null).statusCode());
            assertNull(StateFileView.item(admin, "pools", "spare"));
            assertNotNull(StateFileView.item(admin, "pools", "app"));
        }
    }

    @Test
    void listenersAreReplacedRenamedAndDeleted() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir); TestUpstream upstream = new TestUpstream()) {
            JsonNode web = admin.webListener(upstream.address());
            admin.create("/api/listeners", "{\"name\": \"other\", \"listen\": \"127.0.0.1:0\", "
                    + "\"upstreams\": [\"" + upstream.address() + "\"]}");
            int port = Downstream.port(web.get("bound").asText());

            HttpResponse<String> limited = admin.call("PUT", "/api/listeners/web", ADMIN_TOKEN,
                    "{\"name\": \"web\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", \"pool\": \"app\", \"max_connections\": 50, "
                            + "\"timeouts\": {\"drain_ms\": 5000}, \"rate_limit\": {\"rps\": 100, \"burst\": 200}}");
            assertEquals(200, limited.statusCode(), limited.body());
            assertEquals(50, json(limited).get("max_connections").asInt());
            assertEquals(web.get("bound"), json(limited).get("bound"), "same address: the socket is kept");
            StateFileView.assertSaved(admin, "listeners", json(limited));

            // What a GET returned can be sent back with a PUT: the live keys are dropped.
            String read = admin.call("GET", "/api/listeners/web", ADMIN_TOKEN, null).body();
            HttpResponse<String> putBack = admin.call("PUT", "/api/listeners/web", ADMIN_TOKEN, read);
            assertEquals(200, putBack.statusCode(), putBack.body());
            assertEquals(json(limited), json(putBack));

            byte[] file = StateFileView.bytes(admin);
            HttpResponse<String> taken = admin.call("PUT", "/api/listeners/web?rename=true", ADMIN_TOKEN,
                    "{\"name\": \"other\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", \"pool\": \"app\"}");
            assertEquals(409, taken.statusCode(), taken.body());
            assertEquals(404, admin.call("PUT", "/api/listeners/none", ADMIN_TOKEN,
                    "{\"name\": \"none\", \"listen\": \"127.0.0.1:0\", \"pool\": \"app\"}").statusCode());
            HttpResponse<String> duplicate = admin.call("POST", "/api/listeners", ADMIN_TOKEN,
                    "{\"name\": \"web\", \"listen\": \"127.0.0.1:0\", \"pool\": \"app\"}");
            assertEquals(409, duplicate.statusCode(), duplicate.body());
            assertEquals("name", json(duplicate).get("field").asText(), duplicate.body());
            assertArrayEquals(file, StateFileView.bytes(admin));

            HttpResponse<String> renamed = admin.call("PUT", "/api/listeners/web?rename=true", ADMIN_TOKEN,
                    "{\"name\": \"front\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", \"pool\": \"app\"}");
            assertEquals(200, renamed.statusCode(), renamed.body());
            assertEquals("/api/listeners/front", renamed.headers().firstValue("Location").orElse(null));
            assertEquals("front", json(renamed).get("id").asText());
            assertNull(StateFileView.item(admin, "listeners", "web"));
            StateFileView.assertSaved(admin, "listeners", json(renamed));
            assertEquals(404, admin.call("GET", "/api/listeners/web", ADMIN_TOKEN, null).statusCode());
            int front = Downstream.port(json(renamed).get("bound").asText());
            assertEquals(200, Downstream.get(front, "/").statusCode());

            assertEquals(204, admin.call("DELETE", "/api/listeners/front", ADMIN_TOKEN, null).statusCode());
            assertFalse(Downstream.accepts(front), "a deleted listener stops accepting");
            assertNull(StateFileView.item(admin, "listeners", "front"));
            assertEquals(404, admin.call("DELETE", "/api/listeners/front", ADMIN_TOKEN, null).statusCode());
            assertEquals(400, admin.call("GET", "/api/listeners/a%2Fb", ADMIN_TOKEN, null).statusCode());
            if (front != port) {
                assertFalse(Downstream.accepts(port));
            }
            HttpResponse<String> inline = admin.call("GET", "/api/listeners/other", ADMIN_TOKEN, null);
            assertEquals("other", json(inline).get("upstream_health").get(0).get("pool").asText(),
                    "inline upstreams are the listener's own pool: " + inline.body());
        }
    }

    @Test
    void upstreamHealthShowsWhatTheChecksSay() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir); TestUpstream upstream = new TestUpstream();
             ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String dead = "127.0.0.1:" + closed.getLocalPort();
            closed.close();
            admin.create("/api/pools", "{\"name\": \"app\", \"upstreams\": [\"" + upstream.address() + "\", \""
                    + dead + "\"], \"health_check\": {\"type\": \"tcp\", \"interval_ms\": 50, \"timeout_ms\": 1000, "
                    + "\"fall\": 1, \"rise\": 1}}");
            admin.create("/api/listeners",
                    "{\"name\": \"web\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", \"pool\": \"app\"}");
            Await.until("the dead upstream checked down", () -> {
                JsonNode health = json(admin.call("GET", "/api/listeners/web", ADMIN_TOKEN, null)).get("upstream_health");
                return health.size() == 2 && health.get(1).get("checked").asBoolean()
                        && !health.get(1).get("up").asBoolean();
            });
            JsonNode pool = json(admin.call("GET", "/api/pools/app", ADMIN_TOKEN, null));
            JsonNode live = pool.get("upstream_health").get(0);
            assertEquals(upstream.address(), live.get("upstream").asText(), pool.toString());
            assertTrue(live.get("checked").asBoolean() && live.get("up").asBoolean(), pool.toString());
            JsonNode down = pool.get("upstream_health").get(1);
            assertEquals(dead, down.get("upstream").asText());
            assertFalse(down.get("up").asBoolean(), pool.toString());
            assertFalse(down.get("last_error").isNull(), pool.toString());
        }
    }

    /**
     * Issue 13: an upstream that passive health ejected says why in the API (it said
     * {@code ejected: true, failures: 0, last_error: null}): the failures in a row that ejected
     * it and the last one's reason, the access log's token.
     */
    @Test
    void aPassivelyEjectedUpstreamSaysWhatEjectedIt() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir);
             ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String dead = "127.0.0.1:" + closed.getLocalPort();
            closed.close();
            admin.create("/api/pools", "{\"name\": \"app\", \"upstreams\": [\"" + dead + "\"], "
                    + "\"passive_health\": {\"failures\": 2, \"eject_ms\": 600000}}");
            JsonNode listener = admin.create("/api/listeners",
                    "{\"name\": \"web\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", \"pool\": \"app\"}");
            int port = Downstream.port(listener.get("bound").asText());
            assertEquals(502, Downstream.get(port, "/").statusCode());
            assertEquals(502, Downstream.get(port, "/").statusCode());
            assertEquals(503, Downstream.get(port, "/").statusCode(), "ejected after two");

            for (String path : List.of("/api/pools/app", "/api/listeners/web")) {
                HttpResponse<String> read = admin.call("GET", path, ADMIN_TOKEN, null);
                JsonNode health = json(read).get("upstream_health").get(0);
                assertEquals(dead, health.get("upstream").asText(), read.body());
                assertTrue(health.get("ejected").asBoolean() && !health.get("up").asBoolean(), read.body());
                assertEquals(2, health.get("failures").asInt(), read.body());
                assertEquals("connect_refused", health.get("last_error").asText(), read.body());
                assertEquals(2, health.get("traffic_failures").asInt(), read.body());
                assertEquals("connect_refused", health.get("traffic_error").asText(), read.body());
            }
        }
    }

    @Test
    void readsNeedAViewerAndChangesAnOperator() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            String viewer = admin.user("vera", "viewer");
            String operator = admin.user("olga", "operator");
            String pool = "{\"name\": \"app\", \"upstreams\": [\"127.0.0.1:9\"]}";
            assertEquals(401, admin.call("GET", "/api/pools", null, null).statusCode());
            assertEquals(401, admin.call("POST", "/api/pools", null, pool).statusCode());
            assertEquals(401, admin.call("GET", "/api/listeners", "not-a-token", null).statusCode());
            assertEquals(403, admin.call("POST", "/api/pools", viewer, pool).statusCode());
            assertEquals(201, admin.call("POST", "/api/pools", operator, pool).statusCode());
            assertEquals(200, admin.call("GET", "/api/pools/app", viewer, null).statusCode());
            assertEquals(403, admin.call("PUT", "/api/pools/app", viewer, pool).statusCode());
            assertEquals(403, admin.call("DELETE", "/api/pools/app", viewer, null).statusCode());
            String listener = "{\"name\": \"web\", \"listen\": \"127.0.0.1:0\", \"pool\": \"app\"}";
            assertEquals(403, admin.call("POST", "/api/listeners", viewer, listener).statusCode());
            assertEquals(201, admin.call("POST", "/api/listeners", operator, listener).statusCode());
            assertEquals(403, admin.call("POST", "/api/listeners/web/drain", viewer, null).statusCode());
            assertEquals(200, admin.call("GET", "/api/listeners/web", viewer, null).statusCode());
            assertEquals(405, admin.call("PATCH", "/api/listeners/web", operator, listener).statusCode());
            assertEquals(200, admin.call("POST", "/api/listeners/web/drain", operator, null).statusCode());
            assertEquals(204, admin.call("DELETE", "/api/listeners/web", operator, null).statusCode());
        }
    }

    // ---- helpers

    /** POSTs {@code body} as the admin and returns the created object (fails unless 201). */

    private static List<String> problemFields(HttpResponse<String> response) throws Exception {
        List<String> fields = new ArrayList<>();
        for (JsonNode problem : json(response).path("problems")) {
            fields.add(problem.get("field").asText());
        }
        return fields;
    }

    private static void assertRefused(AdminFixture admin, String method, String path, String body, int status,
                                      String error) throws Exception {
        HttpResponse<String> response = admin.call(method, path, ADMIN_TOKEN, body);
        assertEquals(status, response.statusCode(), method + " " + path + " " + body + ": " + response.body());
        assertTrue(json(response).get("error").asText().contains(error), response.body());
        assertNotNull(json(response).get("hint"), response.body());
    }

    private static HttpResponse<String> send(AdminFixture admin, String method, String path, String type,
                                             HttpRequest.BodyPublisher body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(admin.uri(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", type)
                .method(method, body).build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A valid JSON object of just over 1 MiB (spaces after the listener's fields). */
    private static byte[] oversized(String object) {
        StringBuilder text = new StringBuilder(object.substring(0, object.length() - 1));
        text.append(" ".repeat((1 << 20) + 1)).append('}');
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
