package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.balor.admin.api.AdminFixture.ADMIN_TOKEN;
import static io.balor.admin.api.AdminFixture.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API's validation rules of issue 11, each over real HTTP with its status, the field it
 * names, and the state file left byte for byte as it was: one name rule
 * ({@code ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$}) for listeners, pools, users and certificates; the
 * required keys of a whole-object body, named together with every other problem; a pool in use
 * keeps its upstreams and a listener needs a pool that has some (409); the console's saved bind
 * needs a real port; drain takes no settings; the access log's sampling stays in 1..10000; and a
 * certificate or CA path outside {@code BALOR_CERT_DIR} and the state file's directory that does
 * not load tells a non-admin only that it "cannot be used", the same answer whether the file is
 * missing, not a certificate, a directory or unreadable (a key file too), while inside those
 * directories (or to an admin) the reason is given.
 */
class ValidationApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void namesOutsideTheOneRuleAreRefusedNamingTheField() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            admin.create("/api/pools", pool("app", "127.0.0.1:9"));
            admin.create("/api/pools", pool("spare", "127.0.0.1:9"));
            admin.create("/api/listeners", listener("web", "app"));
            byte[] file = StateFileView.bytes(admin);
            List<String> bad = List.of("..", ".x", "-x", "_x", "a@b", "a/b", "a b", "caf\u00e9", "", "x".repeat(65));
            for (String name : bad) {
                String pem = JSON.createObjectNode().put("name", name).put("pem", "x").toString();
                Map<String, HttpResponse<String>> answers = new LinkedHashMap<>();
                answers.put("POST pool", admin.call("POST", "/api/pools", ADMIN_TOKEN, pool(name, "127.0.0.1:9")));
                answers.put("POST listener", admin.call("POST", "/api/listeners", ADMIN_TOKEN, listener(name, "app")));
                answers.put("PUT pool", admin.call("PUT", "/api/pools/spare", ADMIN_TOKEN, pool(name, "127.0.0.1:9")));
                answers.put("PUT listener", admin.call("PUT", "/api/listeners/web", ADMIN_TOKEN, listener(name, "app")));
                answers.put("POST certificate", admin.call("POST", "/api/certificates", ADMIN_TOKEN, pem));
                answers.forEach((what, answer) -> assertRefused(admin, file, 400, "name", what + " '" + name + "'", answer));
                HttpResponse<String> user = admin.call("POST", "/api/users", ADMIN_TOKEN, JSON.createObjectNode()
                        .put("username", name).put("password", "long-enough-1").put("role", "viewer").toString());
                assertRefused(admin, file, 400, "username", "POST user '" + name + "'", user);
            }
            assertArrayEquals(file, StateFileView.bytes(admin), "every refusal left the state file as it was");

            // The rule's edge: 64 characters, dots, dashes and underscores after the first are names.
            String longest = "A" + "b.c_d-9".repeat(9);
            assertEquals(64, longest.length());
            admin.create("/api/pools", pool(longest, "127.0.0.1:9"));
            admin.create("/api/listeners", listener("9" + longest.substring(1), longest));
            admin.user(longest.substring(0, 63) + "z", "viewer");
            assertEquals(200, admin.call("GET", "/api/pools/" + longest, ADMIN_TOKEN, null).statusCode());
        }
    }

    @Test
    void aBodyNeedsItsRequiredKeysNamedTogetherWithEveryOtherProblem() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            admin.create("/api/pools", pool("app", "127.0.0.1:9"));
            admin.create("/api/pools", pool("p1", "127.0.0.1:9"));
            admin.create("/api/listeners", listener("web", "app"));
            byte[] file = StateFileView.bytes(admin);

            HttpResponse<String> listener = admin.call("POST", "/api/listeners", ADMIN_TOKEN,
                    "{\"protocol\": \"http\", \"pool\": \"nope\", \"bogus\": 1}");
            assertRefused(admin, file, 400, "name", "listener without name and listen", listener);
            assertTrue(fields(listener).containsAll(List.of("name", "listen", "pool", "bogus")), listener.body());

            HttpResponse<String> pool = admin.call("POST", "/api/pools", ADMIN_TOKEN,
                    "{\"name\": null, \"host_header\": \"upstream\", \"bogus\": 1}");
            assertRefused(admin, file, 400, "name", "pool without name and upstreams", pool);
            assertTrue(fields(pool).containsAll(List.of("name", "upstreams", "bogus")), pool.body());

            HttpResponse<String> empty = admin.call("PUT", "/api/pools/p1", ADMIN_TOKEN, "{}");
            assertRefused(admin, file, 400, "name", "PUT /api/pools/p1 {}", empty);
            assertTrue(fields(empty).containsAll(List.of("name", "upstreams")), empty.body());
            HttpResponse<String> emptyListener = admin.call("PUT", "/api/listeners/web", ADMIN_TOKEN, "{}");
            assertRefused(admin, file, 400, "name", "PUT /api/listeners/web {}", emptyListener);
            assertTrue(fields(emptyListener).containsAll(List.of("name", "listen")), emptyListener.body());

            HttpResponse<String> noUpstreams = admin.call("PUT", "/api/pools/p1", ADMIN_TOKEN,
                    "{\"name\": \"p1\", \"host_header\": \"upstream\"}");
            assertRefused(admin, file, 400, "upstreams", "a pool PUT without upstreams", noUpstreams);
            assertEquals(List.of("upstreams"), fields(noUpstreams), noUpstreams.body());
            HttpResponse<String> noListen = admin.call("PUT", "/api/listeners/web", ADMIN_TOKEN,
                    "{\"name\": \"web\", \"protocol\": \"http\", \"pool\": \"app\", \"max_connections\": \"many\"}");
            assertRefused(admin, file, 400, "listen", "a listener PUT without listen", noListen);
            assertTrue(fields(noListen).containsAll(List.of("listen", "max_connections")), noListen.body());

            assertArrayEquals(file, StateFileView.bytes(admin), "every refusal left the state file as it was");
        }
    }

    @Test
    void aPoolInUseKeepsItsUpstreamsAndAListenerNeedsAPoolThatHasSome() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            admin.create("/api/pools", pool("app", "127.0.0.1:9"));
            admin.create("/api/pools", pool("shop", "127.0.0.1:9"));
            admin.create("/api/pools", pool("spare", "127.0.0.1:9"));
            admin.create("/api/listeners", "{\"name\": \"web\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", "
                    + "\"pool\": \"app\", \"host_routes\": [{\"host\": \"shop.example\", \"pool\": \"shop\"}]}");
            admin.create("/api/listeners", "{\"name\": \"raw\", \"listen\": \"127.0.0.1:0\", \"pool\": \"app\"}");
            String operator = admin.user("olga", "operator");
            byte[] file = StateFileView.bytes(admin);

            HttpResponse<String> app = admin.call("PUT", "/api/pools/app", operator, "{\"name\": \"app\", \"upstreams\": []}");
            assertRefused(admin, file, 409, "upstreams", "emptying a pool two listeners use", app);
            assertTrue(json(app).get("error").asText().contains("listeners raw, web"), app.body());
            HttpResponse<String> shop = admin.call("PUT", "/api/pools/shop", operator, "{\"name\": \"shop\", \"upstreams\": []}");
            assertRefused(admin, file, 409, "upstreams", "emptying a host route's pool", shop);
            assertTrue(json(shop).get("error").asText().contains("listeners web"), shop.body());
            assertArrayEquals(file, StateFileView.bytes(admin));

            HttpResponse<String> spare = admin.call("PUT", "/api/pools/spare", operator, "{\"name\": \"spare\", \"upstreams\": []}");
            assertEquals(200, spare.statusCode(), "a pool nobody uses may be empty: " + spare.body());
            assertEquals(201, admin.call("POST", "/api/pools", operator, "{\"name\": \"empty\", \"upstreams\": []}").statusCode());
            file = StateFileView.bytes(admin);

            HttpResponse<String> added = admin.call("POST", "/api/listeners", operator, listener("new", "spare"));
            assertRefused(admin, file, 409, "pool", "a listener sent to an empty pool", added);
            assertTrue(json(added).get("error").asText().contains("'spare' has no upstreams"), added.body());
            HttpResponse<String> routed = admin.call("PUT", "/api/listeners/web", operator, "{\"name\": \"web\", "
                    + "\"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", \"pool\": \"app\", "
                    + "\"host_routes\": [{\"host\": \"shop.example\", \"pool\": \"empty\"}]}");
            assertRefused(admin, file, 409, "pool", "a host route sent to an empty pool", routed);
            assertTrue(json(routed).get("error").asText().contains("'empty' has no upstreams"), routed.body());
            HttpResponse<String> moved = admin.call("PUT", "/api/listeners/raw", operator, listener("raw", "empty"));
            assertRefused(admin, file, 409, "pool", "a listener moved to an empty pool", moved);
            assertArrayEquals(file, StateFileView.bytes(admin), "every refusal left the state file as it was");
            assertEquals("app", admin.balor.config().listener("raw").pool(), "and the runtime");
        }
    }

    @Test
    void theConsoleBindNeedsAPortAndDrainTakesNoSettingsAndSamplingStaysInRange() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir); TestUpstream upstream = new TestUpstream()) {
            JsonNode web = admin.webListener(upstream.address());
            byte[] file = StateFileView.bytes(admin);

            for (String bind : List.of("127.0.0.1:0", "127.0.0.1", "127.0.0.1:65536", "localhost:x")) {
                HttpResponse<String> refused = admin.call("PUT", "/api/admin/console", ADMIN_TOKEN,
                        "{\"bind\": \"" + bind + "\"}");
                assertRefused(admin, file, 400, "bind", "console bind " + bind, refused);
            }
            for (int sample : new int[]{0, -5, 20_000}) {
                HttpResponse<String> refused = admin.call("PUT", "/api/logging", ADMIN_TOKEN, "{\"trace_sample\": " + sample + "}");
                assertRefused(admin, file, 400, "trace_sample", "trace_sample " + sample, refused);
            }
            Map<String, String> drains = new LinkedHashMap<>();
            drains.put("{\"x\": 1}", "x");
            drains.put("{\"enabled\": false}", "enabled");
            drains.put("{\"timeout_ms\": 0}", "timeout_ms");
            drains.put("[]", null);
            drains.put("null", null);
            drains.put("\"now\"", null);
            drains.put("{", null);
            for (Map.Entry<String, String> drain : drains.entrySet()) {
                HttpResponse<String> refused = admin.call("POST", "/api/listeners/web/drain", ADMIN_TOKEN, drain.getKey());
                assertRefused(admin, file, 400, drain.getValue(), "drain with " + drain.getKey(), refused);
            }
            assertArrayEquals(file, StateFileView.bytes(admin), "every refusal left the state file as it was");
            assertEquals(web.get("bound").asText(), json(admin.call("GET", "/api/listeners/web", ADMIN_TOKEN, null))
                    .get("bound").asText(), "still serving");

            HttpResponse<String> drained = admin.call("POST", "/api/listeners/web/drain", ADMIN_TOKEN, "{}");
            assertEquals(200, drained.statusCode(), "{} is no settings: " + drained.body());
            assertFalse(json(drained).get("enabled").asBoolean(), drained.body());
            assertEquals(200, admin.call("POST", "/api/listeners/web/drain", ADMIN_TOKEN, null).statusCode(), "nor is nothing");
            HttpResponse<String> console = admin.call("PUT", "/api/admin/console", ADMIN_TOKEN, "{\"bind\": \"127.0.0.1:9443\"}");
            assertEquals(200, console.statusCode(), "a real port is kept: " + console.body());
            assertEquals("127.0.0.1:9443", StateFileView.root(admin).get("admin_console").get("bind").asText());
        }
    }

    @Test
    void aCertificateOutsideTheDirectoriesIsAnAdminsToNameAndTellsANonAdminNothing() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path notCertificate = Files.writeString(elsewhere.resolve("notes.pem"), "hello, not a certificate\n");
        Path directory = Files.createDirectories(elsewhere.resolve("dir.pem"));
        Path unreadable = Files.writeString(elsewhere.resolve("secret.pem"), "-----BEGIN SECRET-----\n");
        Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));
        List<String> outside = List.of("/nonexistent/x.pem", notCertificate.toString(), directory.toString(),
                unreadable.toString(), "../elsewhere/notes.pem", "certs/../../elsewhere/missing.pem");
        try (AdminFixture admin = new AdminFixture(dir)) {
            admin.create("/api/pools", pool("app", "127.0.0.1:9"));
            String operator = admin.user("olga", "operator");
            Files.writeString(dir.resolve("data/notes.pem"), "hello, not a certificate\n");
            byte[] file = StateFileView.bytes(admin);

            // listener tls, host route tls, pool tls.ca_file: each the same answer for every outside path
            Map<String, java.util.function.Function<String, String>> shapes = new LinkedHashMap<>();
            shapes.put("tls.cert_file", path -> listenerTls(path));
            shapes.put("host_routes[0].tls.cert_file", path -> routeTls(path));
            shapes.put("tls.ca_file", path -> poolCa(path));
            for (Map.Entry<String, java.util.function.Function<String, String>> shape : shapes.entrySet()) {
                String target = shape.getKey().equals("tls.ca_file") ? "/api/pools" : "/api/listeners";
                List<String> bodies = new ArrayList<>();
                for (String path : outside) {
                    HttpResponse<String> refused = admin.call("POST", target, operator, shape.getValue().apply(path));
                    assertRefused(admin, file, 403, shape.getKey(), "operator, " + shape.getKey() + " " + path, refused);
                    assertTrue(json(refused).get("error").asText().startsWith("only an admin may name a file outside"),
                            refused.body());
                    assertFalse(refused.body().contains("elsewhere") || refused.body().contains("nonexistent"),
                            "the path is not repeated: " + refused.body());
                    bodies.add(refused.body());
                }
                assertEquals(1, bodies.stream().distinct().count(),
                        shape.getKey() + ": one answer for missing, not a certificate, a directory, unreadable: " + bodies);

                // Inside the certificate directory and the state file's directory the reason is given ...
                HttpResponse<String> missing = admin.call("POST", target, operator, shape.getValue().apply("certs/missing.pem"));
                assertRefused(admin, file, 409, shape.getKey(), "operator, inside, missing", missing);
                assertTrue(json(missing).get("error").asText().contains("file not found"), missing.body());
                HttpResponse<String> notes = admin.call("POST", target, operator, shape.getValue().apply("notes.pem"));
                assertRefused(admin, file, 409, shape.getKey(), "operator, inside, not a certificate", notes);
                assertTrue(json(notes).get("error").asText().contains("no certificate found"), notes.body());
                assertNotEquals(bodies.get(0), notes.body());

                // ... and to an admin anywhere.
                HttpResponse<String> nowhere = admin.call("POST", target, ADMIN_TOKEN, shape.getValue().apply("/nonexistent/x.pem"));
                assertRefused(admin, file, 409, shape.getKey(), "admin, outside, missing", nowhere);
                assertTrue(json(nowhere).get("error").asText().contains("file not found"), nowhere.body());
                HttpResponse<String> text = admin.call("POST", target, ADMIN_TOKEN, shape.getValue().apply(notCertificate.toString()));
                assertRefused(admin, file, 409, shape.getKey(), "admin, outside, not a certificate", text);
                assertTrue(json(text).get("error").asText().contains("no certificate found"), text.body());
            }
            assertArrayEquals(file, StateFileView.bytes(admin), "every refusal left the state file as it was");
        }
    }

    @Test
    void aKeyFileOutsideTheDirectoriesIsAnAdminsToNameAndTellsANonAdminNothing() throws Exception {
        Pem shop = Pem.selfSigned(dir.resolve("pki"), "shop.example");
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path notKey = Files.writeString(elsewhere.resolve("notes.key"), "hello, not a key\n");
        Path otherKey = Files.writeString(elsewhere.resolve("other.key"),
                Pem.selfSigned(dir.resolve("pki2"), "other.example").key());
        try (AdminFixture admin = new AdminFixture(dir)) {
            admin.create("/api/certificates", JSON.createObjectNode().put("name", "shop")
                    .put("pem", shop.cert() + shop.key()).toString());
            admin.create("/api/pools", pool("app", "127.0.0.1:9"));
            String operator = admin.user("olga", "operator");
            byte[] file = StateFileView.bytes(admin);

            List<String> bodies = new ArrayList<>();
            for (String key : List.of("/nonexistent/x.key", notKey.toString(), otherKey.toString(), elsewhere.toString())) {
                HttpResponse<String> refused = admin.call("POST", "/api/listeners", operator, listenerTls("certs/shop.crt", key));
                assertRefused(admin, file, 403, "tls.key_file", "operator, key_file " + key, refused);
                assertTrue(json(refused).get("error").asText().startsWith("only an admin may name a file outside"),
                        refused.body());
                bodies.add(refused.body());
            }
            assertEquals(1, bodies.stream().distinct().count(),
                    "one answer for a key that is missing, not a key, another certificate's, a directory: " + bodies);

            HttpResponse<String> inside = admin.call("POST", "/api/listeners", operator,
                    listenerTls("certs/shop.crt", "certs/missing.key"));
            assertRefused(admin, file, 409, "tls.cert_file", "operator, key_file inside, missing", inside);
            assertTrue(json(inside).get("error").asText().contains("file not found"), inside.body());
            HttpResponse<String> mismatched = admin.call("POST", "/api/listeners", ADMIN_TOKEN,
                    listenerTls("certs/shop.crt", otherKey.toString()));
            assertRefused(admin, file, 409, "tls.cert_file", "admin, key_file outside, another certificate's", mismatched);
            assertTrue(json(mismatched).get("error").asText().contains("does not match"), mismatched.body());
            assertArrayEquals(file, StateFileView.bytes(admin), "every refusal left the state file as it was");

            HttpResponse<String> served = admin.call("POST", "/api/listeners", operator,
                    listenerTls("certs/shop.crt", "certs/shop.key"));
            assertEquals(201, served.statusCode(), "the uploaded pair is the operator's to use: " + served.body());
        }
    }

    @Test
    void theAdminConsolesCertificateIsNotAnOperatorsToServe() throws Exception {
        Pem console = Pem.selfSigned(dir.resolve("pki"), "admin.example");
        try (AdminFixture admin = new AdminFixture(dir)) {
            admin.create("/api/certificates", JSON.createObjectNode().put("name", "console")
                    .put("pem", console.cert() + console.key()).toString());
            HttpResponse<String> set = admin.call("PUT", "/api/admin/console", ADMIN_TOKEN,
                    "{\"bind\": \"127.0.0.1:9443\", \"cert_file\": \"certs/console.crt\", \"key_file\": \"certs/console.key\"}");
            assertEquals(200, set.statusCode(), set.body());
            admin.create("/api/pools", pool("app", "127.0.0.1:9"));
            String operator = admin.user("olga", "operator");
            byte[] file = StateFileView.bytes(admin);
            for (String[] pair : List.of(new String[] {"certs/console.crt", "certs/console.key"},
                    new String[] {"certs/../certs/./console.crt", null})) {
                HttpResponse<String> refused = admin.call("POST", "/api/listeners", operator,
                        listenerTls(pair[0], pair[1]));
                assertRefused(admin, file, 403, "tls.cert_file", "operator, the console's " + pair[0], refused);
                assertTrue(json(refused).get("error").asText().contains("admin console"), refused.body());
            }
            HttpResponse<String> keyOnly = admin.call("POST", "/api/listeners", operator,
                    listenerTls("certs/other.crt", "certs/console.key"));
            assertRefused(admin, file, 403, "tls.key_file", "operator, the console's key", keyOnly);
            assertEquals(201, admin.call("POST", "/api/listeners", ADMIN_TOKEN,
                    listenerTls("certs/console.crt", "certs/console.key")).statusCode(), "an admin's choice");
        }
    }

    @Test
    void anOutsideCertificateAnAdminNamedStaysThroughAnOperatorsEditsButCannotBeMovedByThem() throws Exception {
        Pem pair = Pem.selfSigned(dir.resolve("pki"), "site.example");
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path cert = Files.writeString(elsewhere.resolve("site.crt"), pair.cert());
        Path key = Files.writeString(elsewhere.resolve("site.key"), pair.key());
        Path otherCert = Files.writeString(elsewhere.resolve("other.crt"), pair.cert());
        try (AdminFixture admin = new AdminFixture(dir)) {
            admin.create("/api/pools", pool("app", "127.0.0.1:9"));
            String operator = admin.user("olga", "operator");
            assertEquals(201, admin.call("POST", "/api/listeners", ADMIN_TOKEN,
                    listenerTls(cert.toString(), key.toString())).statusCode(), "an admin may name it");
            ObjectNode edited = (ObjectNode) readTree(listenerTls(cert.toString(), key.toString()));
            edited.put("max_connections", 50);
            HttpResponse<String> kept = admin.call("PUT", "/api/listeners/tls1", operator, edited.toString());
            assertEquals(200, kept.statusCode(), "an operator's edit may keep what an admin named: " + kept.body());
            byte[] file = StateFileView.bytes(admin);
            HttpResponse<String> moved = admin.call("PUT", "/api/listeners/tls1", operator,
                    listenerTls(otherCert.toString(), key.toString()));
            assertRefused(admin, file, 403, "tls.cert_file", "operator, another outside file", moved);
        }
    }

    @Test
    void whyAnOutsideCertificateDoesNotLoadIsNotInTheEventsAnOperatorReads() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path notCertificate = Files.writeString(elsewhere.resolve("notes.pem"), "hello, not a certificate\n");
        String missing = "/nonexistent/" + dir.getFileName() + "/x.pem";
        try (AdminFixture admin = new AdminFixture(dir)) {
            admin.create("/api/pools", pool("app", "127.0.0.1:9"));
            String operator = admin.user("olga", "operator");
            List<String> answers = new ArrayList<>();
            for (String path : List.of(missing, notCertificate.toString())) {
                HttpResponse<String> refused = admin.call("POST", "/api/listeners", operator, listenerTls(path));
                assertEquals(403, refused.statusCode(), refused.body());
                answers.add(refused.body());
            }
            assertEquals(answers.get(0), answers.get(1), "the answers say nothing");

            HttpResponse<String> logs = admin.call("GET", "/api/logs?level=debug&limit=10000", operator, null);
            assertEquals(200, logs.statusCode(), logs.body());
            List<String> told = new ArrayList<>();
            for (JsonNode event : json(logs).get("events")) {
                String message = event.get("message").asText();
                if (message.contains(missing) || message.contains(elsewhere.toString())) {
                    told.add(message);
                }
            }
            assertEquals(List.of(), told, "what the 409 hides is not in the operator's GET /api/logs either");
        }
    }

    // ---- helpers

    private static String pool(String name, String upstream) {
        ObjectNode pool = JSON.createObjectNode().put("name", name);
        pool.putArray("upstreams").add(upstream);
        return pool.toString();
    }

    private static String listener(String name, String pool) {
        return JSON.createObjectNode().put("name", name).put("listen", "127.0.0.1:0").put("protocol", "http")
                .put("pool", pool).toString();
    }

    private static String listenerTls(String certFile) {
        return listenerTls(certFile, null);
    }

    private static String listenerTls(String certFile, String keyFile) {
        ObjectNode listener = (ObjectNode) readTree(listener("tls1", "app"));
        ObjectNode tls = listener.putObject("tls").put("cert_file", certFile);
        if (keyFile != null) {
            tls.put("key_file", keyFile);
        }
        return listener.toString();
    }

    private static String routeTls(String certFile) {
        ObjectNode listener = (ObjectNode) readTree(listener("tls2", "app"));
        listener.putObject("tls").put("mode", "terminate");
        listener.putArray("host_routes").addObject().put("host", "shop.example").put("pool", "app")
                .putObject("tls").put("cert_file", certFile);
        return listener.toString();
    }

    private static String poolCa(String caFile) {
        ObjectNode pool = (ObjectNode) readTree(pool("secure", "https://127.0.0.1:9"));
        pool.putObject("tls").put("ca_file", caFile);
        return pool.toString();
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The problem fields of a refusal, in order. */
    private static List<String> fields(HttpResponse<String> response) throws Exception {
        List<String> fields = new ArrayList<>();
        for (JsonNode problem : json(response).path("problems")) {
            fields.add(problem.get("field").asText());
        }
        return fields;
    }

    /**
     * {@code response} has {@code status}, names {@code field} (null: none) as its error's field,
     * and left the state file's bytes as {@code file}.
     */
    private static void assertRefused(AdminFixture admin, byte[] file, int status, String field, String what,
                                      HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), what + ": " + response.body());
        try {
            assertArrayEquals(file, StateFileView.bytes(admin), what + ": the state file is as it was");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        JsonNode body = readTree(response.body());
        assertFalse(body.path("error").asText().isEmpty(), what + ": " + response.body());
        assertEquals(field, body.path("field").isMissingNode() || body.path("field").isNull() ? null
                : body.path("field").asText(), what + ": " + response.body());
    }
}
