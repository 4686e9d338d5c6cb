package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.balor.admin.api.AdminFixture.ADMIN_TOKEN;
import static io.balor.admin.api.AdminFixture.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /api/acme} over real HTTP (issue 16): a request for a routed host puts {@code acme} on
 * its routes, one for any other host makes an {@code acme_standalone} entry, both saved in the
 * state file; the jobs' statuses as the ACME thread leaves them (its CA here is a socket that
 * takes the connection and then closes, or a closed port: every attempt fails, visibly);
 * renewing, deleting, the original Balor's paths, the refusals naming the body's fields, and a
 * {@code 503} when ACME does not run ({@link AcmeExpiryApiTest}: certificates already there, and
 * the expiry gauge). Conditions are awaited with a deadline, never slept on.
 */
class AcmeApiTest {

    private static final String CLOSED_CA = "https://127.0.0.1:1/directory";

    @TempDir
    Path dir;

    static String acme(String directoryUrl) {
        return "{\"email\": \"ops@example.com\", \"accept_terms\": true, \"directory_url\": \"" + directoryUrl + "\"}";
    }

    /** Pool {@code app} and HTTP listener {@code web} with a host route for shop.example.com. */
    static void shopListener(AdminFixture admin) throws Exception {
        admin.create("/api/pools", "{\"name\": \"app\", \"upstreams\": [\"127.0.0.1:9\"]}");
        admin.create("/api/listeners", "{\"name\": \"web\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", "
                + "\"pool\": \"app\", \"host_routes\": [{\"host\": \"shop.example.com\", \"pool\": \"app\"}]}");
    }

    static JsonNode job(AdminFixture admin, String id) throws Exception {
        HttpResponse<String> response = admin.call("GET", "/api/acme/jobs/" + id, ADMIN_TOKEN, null);
        assertEquals(200, response.statusCode(), response.body());
        return json(response);
    }

    static void awaitFailed(AdminFixture admin, String id) throws Exception {
        Await.until(id + " failed", Duration.ofSeconds(40),
                () -> "failed".equals(job(admin, id).path("status").path("state").asText()));
    }

    @Test
    void aRoutedHostGetsAcmeOnItsRoutesAndItsJobShowsHowItGoes() throws Exception {
        try (AdminFixture admin = AdminFixture.withAcme(dir);
             ServerSocket ca = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            shopListener(admin);
            String directory = "https://127.0.0.1:" + ca.getLocalPort() + "/directory";
            HttpResponse<String> asked = admin.call("POST", "/api/acme/request", ADMIN_TOKEN,
                    "{\"host\": \"shop.example.com\", \"acme\": " + acme(directory) + "}");
            assertEquals(202, asked.statusCode(), asked.body());
            assertEquals(1, json(asked).size(), asked.body());
            JsonNode answered = json(asked).get(0);
            assertEquals("shop.example.com", answered.get("id").asText());
            assertEquals("route", answered.get("kind").asText());
            assertEquals("[\"web shop.example.com\"]", answered.get("routes").toString());
            assertEquals("ops@example.com", answered.path("acme").path("email").asText());
            assertEquals("pending", answered.path("status").path("state").asText(), asked.body());

            JsonNode route = StateFileView.item(admin, "listeners", "web").path("host_routes").get(0);
            assertEquals("ops@example.com", route.path("acme").path("email").asText(), route.toString());
            assertEquals(directory, route.path("acme").path("directory_url").asText());
            assertNull(StateFileView.root(admin).get("acme_standalone"), "a routed host is no standalone job");
            HttpResponse<String> listener = admin.call("GET", "/api/listeners/web", ADMIN_TOKEN, null);
            assertEquals(directory, json(listener).path("host_routes").get(0).path("acme").path("directory_url").asText(),
                    listener.body());

            // The attempt reaches the CA and waits on it: pending, asking.
            try (Socket connection = ca.accept()) {
                Await.until("the job asking the CA", () -> job(admin, "shop.example.com").path("status")
                        .path("message").asText().startsWith("asking the CA"));
                assertEquals("pending", job(admin, "shop.example.com").path("status").path("state").asText());
                ca.close();   // then the connection: the client's retry of its GET is refused, the attempt fails
            }
            awaitFailed(admin, "shop.example.com");
            JsonNode status = job(admin, "shop.example.com").get("status");
            assertFalse(status.path("message").asText().isBlank(), status.toString());
            assertEquals(1, status.path("attempts").asInt(), status.toString());
            assertFalse(status.path("next_attempt").isNull(), "a failure says when it is tried again: " + status);

            HttpResponse<String> renew = admin.call("POST", "/api/acme/jobs/shop.example.com/renew", ADMIN_TOKEN, null);
            assertEquals(202, renew.statusCode(), renew.body());
            assertEquals("shop.example.com", json(renew).get("id").asText());
            Await.until("a second attempt", Duration.ofSeconds(40), () -> job(admin, "shop.example.com")
                    .path("status").path("attempts").asInt() == 2);

            assertEquals(204, admin.call("DELETE", "/api/acme/jobs/shop.example.com", ADMIN_TOKEN, null).statusCode());
            route = StateFileView.item(admin, "listeners", "web").path("host_routes").get(0);
            assertNull(route.get("acme"), route.toString());
            assertEquals("shop.example.com", route.path("host").asText(), "the route itself stays");
            assertEquals("[]", json(admin.call("GET", "/api/acme/jobs", ADMIN_TOKEN, null)).toString());
            assertEquals(404, admin.call("GET", "/api/acme/jobs/shop.example.com", ADMIN_TOKEN, null).statusCode());
            assertEquals(404, admin.call("DELETE", "/api/acme/jobs/shop.example.com", ADMIN_TOKEN, null).statusCode());
        }
    }

    @Test
    void unroutedHostsBecomeStandaloneEntries() throws Exception {
        try (AdminFixture admin = AdminFixture.withAcme(dir)) {
            shopListener(admin);
            HttpResponse<String> asked = admin.call("POST", "/api/acme/request", ADMIN_TOKEN,
                    "{\"hosts\": [\"a.example.net\", \"B.example.net\"], \"label\": \"pair\", \"acme\": "
                            + acme(CLOSED_CA) + "}");
            assertEquals(202, asked.statusCode(), asked.body());
            assertEquals(2, json(asked).size(), asked.body());
            for (JsonNode job : json(asked)) {
                assertEquals("standalone", job.get("kind").asText(), asked.body());
                assertEquals("pair", job.get("label").asText(), asked.body());
            }
            assertEquals("b.example.net", json(asked).get(1).get("id").asText(), "names are lower case");

            JsonNode entries = StateFileView.root(admin).get("acme_standalone");
            assertEquals(2, entries.size(), entries.toString());
            assertEquals("a.example.net", entries.get(0).get("host").asText());
            assertEquals("pair", entries.get(0).get("label").asText());
            assertEquals(CLOSED_CA, entries.get(1).path("acme").path("directory_url").asText());
            assertNull(StateFileView.item(admin, "listeners", "web").path("host_routes").get(0).get("acme"));

            awaitFailed(admin, "a.example.net");
            awaitFailed(admin, "b.example.net");
            assertTrue(job(admin, "a.example.net").path("status").path("message").asText().contains("127.0.0.1:1")
                    || !job(admin, "a.example.net").path("status").path("message").asText().isBlank());
            HttpResponse<String> listed = admin.call("GET", "/api/acme/jobs", ADMIN_TOKEN, null);
            assertEquals(2, json(listed).size(), listed.body());

            HttpResponse<String> again = admin.call("POST", "/api/acme/request", ADMIN_TOKEN,
                    "{\"host\": \"a.example.net\", \"acme\": " + acme(CLOSED_CA).replace("ops@", "certs@") + "}");
            assertEquals(202, again.statusCode(), again.body());
            entries = StateFileView.root(admin).get("acme_standalone");
            assertEquals(2, entries.size(), "asked again, it is replaced: " + entries);
            assertEquals("certs@example.com", entries.get(0).path("acme").path("email").asText());

            assertEquals(204, admin.call("DELETE", "/api/acme/jobs/a.example.net", ADMIN_TOKEN, null).statusCode());
            entries = StateFileView.root(admin).get("acme_standalone");
            assertEquals(1, entries.size(), entries.toString());
            assertEquals("b.example.net", entries.get(0).get("host").asText());
            assertEquals(204, admin.call("DELETE", "/api/acme/jobs/b.example.net", ADMIN_TOKEN, null).statusCode());
            assertNull(StateFileView.root(admin).get("acme_standalone"), "the last one takes the section with it");
        }
    }

    @Test
    void badRequestsAreRefusedNamingTheFieldAndNothingIsSaved() throws Exception {
        try (AdminFixture admin = AdminFixture.withAcme(dir)) {
            shopListener(admin);
            String ok = acme(CLOSED_CA);
            byte[] before = StateFileView.bytes(admin);
            assertRefused(admin, "{\"host\": \"x.example.com\", \"acme\": " + ok.replace("ops@example.com", "ops")
                    + "}", "acme.email");
            assertRefused(admin, "{\"host\": \"x.example.com\", \"acme\": " + ok.replace("}",
                    ", \"challenge\": \"tls-alpn-01\"}") + "}", "acme.challenge");
            assertRefused(admin, "{\"host\": \"*.example.com\", \"acme\": " + ok + "}", "acme.challenge");
            assertRefused(admin, "{\"host\": \"*.example.com\", \"acme\": " + ok.replace("}",
                    ", \"challenge\": \"dns01\", \"provider\": \"nope\"}") + "}", "acme.provider");
            assertRefused(admin, "{\"host\": \"x.example.com\", \"acme\": " + ok.replace("}", ", \"colour\": 1}")
                    + "}", "acme.colour");
            assertRefused(admin, "{\"host\": \"x.example.com\", \"colour\": 1, \"acme\": " + ok + "}", "colour");
            assertRefused(admin, "{\"host\": \"x_y.example.com\", \"acme\": " + ok + "}", "host");
            assertRefused(admin, "{\"hosts\": [\"x.example.com\", \"-x.example.com\"], \"acme\": " + ok + "}",
                    "hosts[1]");
            assertRefused(admin, "{\"host\": \"x.example.com\"}", "acme");
            assertRefused(admin, "{\"acme\": " + ok + "}", "host");
            // the route's host too: checked before anything is set on its routes
            assertRefused(admin, "{\"host\": \"shop.example.com\", \"acme\": " + ok.replace("https://", "ftp://")
                    + "}", "acme.directory_url");
            assertArrayEquals(before, StateFileView.bytes(admin), "nothing refused was saved");
            assertEquals("[]", json(admin.call("GET", "/api/acme/jobs", ADMIN_TOKEN, null)).toString());
        }
    }

    @Test
    void theOriginalPathsBehaveTheSame() throws Exception {
        try (AdminFixture admin = AdminFixture.withAcme(dir)) {
            shopListener(admin);
            HttpResponse<String> scheduled = admin.call("POST", "/api/acme/schedule", ADMIN_TOKEN,
                    "{\"host\": \"shop.example.com\", \"acme\": " + acme(CLOSED_CA) + "}");
            assertEquals(202, scheduled.statusCode(), scheduled.body());
            assertEquals("route", json(scheduled).get(0).get("kind").asText());
            HttpResponse<String> standalone = admin.call("POST", "/api/acme/standalone", ADMIN_TOKEN,
                    "{\"host\": \"api.example.net\", \"acme\": " + acme(CLOSED_CA) + "}");
            assertEquals(202, standalone.statusCode(), standalone.body());
            assertEquals("standalone", json(standalone).get(0).get("kind").asText());
            awaitFailed(admin, "shop.example.com");
            awaitFailed(admin, "api.example.net");

            HttpResponse<String> listed = admin.call("GET", "/api/acme/standalone", ADMIN_TOKEN, null);
            assertEquals(200, listed.statusCode(), listed.body());
            assertEquals(1, json(listed).size(), "only the standalone job: " + listed.body());
            assertEquals("api.example.net", json(listed).get(0).get("host").asText());

            assertRenewed(admin, admin.call("POST", "/api/acme/standalone/renew", ADMIN_TOKEN,
                    "{\"host\": \"api.example.net\"}"), "api.example.net", 2);
            assertRenewed(admin, admin.call("POST", "/api/acme/renew/shop.example.com", ADMIN_TOKEN, null),
                    "shop.example.com", 2);
            HttpResponse<String> all = admin.call("POST", "/api/acme/renew_all", ADMIN_TOKEN, null);
            assertEquals(202, all.statusCode(), all.body());
            assertEquals(2, json(all).size(), all.body());
            for (String id : List.of("shop.example.com", "api.example.net")) {
                Await.until(id + " tried a third time", Duration.ofSeconds(40),
                        () -> job(admin, id).path("status").path("attempts").asInt() == 3);
            }
            assertEquals(404, admin.call("POST", "/api/acme/renew/nope.example.com", ADMIN_TOKEN, null).statusCode());

            assertEquals(404, admin.call("POST", "/api/acme/standalone/delete", ADMIN_TOKEN,
                    "{\"host\": \"shop.example.com\"}").statusCode(), "a route's job is no standalone one");
            assertEquals(204, admin.call("POST", "/api/acme/standalone/delete", ADMIN_TOKEN,
                    "{\"host\": \"api.example.net\"}").statusCode());
            assertNull(StateFileView.root(admin).get("acme_standalone"));
            assertEquals(204, admin.call("POST", "/api/acme/unschedule", ADMIN_TOKEN,
                    "{\"host\": \"shop.example.com\"}").statusCode());
            assertNull(StateFileView.item(admin, "listeners", "web").path("host_routes").get(0).get("acme"));
            assertEquals(404, admin.call("POST", "/api/acme/unschedule", ADMIN_TOKEN,
                    "{\"host\": \"shop.example.com\"}").statusCode());
        }
    }

    /**
     * A host asked for standalone that a route gets later moves to its routes when asked for again
     * (it was a 400: "already asked for"), keeping the body's label (it was dropped for routes);
     * a standalone request for a host its routes ask for is a 409 (it was a 400 naming the state
     * file's {@code acme_standalone[0].host}).
     */
    @Test
    void aStandaloneHostThatGetsARouteMovesToItsRoutes() throws Exception {
        try (AdminFixture admin = AdminFixture.withAcme(dir)) {
            shopListener(admin);
            HttpResponse<String> standalone = admin.call("POST", "/api/acme/standalone", ADMIN_TOKEN,
                    "{\"host\": \"later.example.com\", \"acme\": " + acme(CLOSED_CA) + "}");
            assertEquals(202, standalone.statusCode(), standalone.body());
            admin.create("/api/listeners", "{\"name\": \"web2\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", "
                    + "\"pool\": \"app\", \"host_routes\": [{\"host\": \"later.example.com\", \"pool\": \"app\"}]}");
            assertEquals("standalone", job(admin, "later.example.com").get("kind").asText());

            HttpResponse<String> moved = admin.call("POST", "/api/acme/request", ADMIN_TOKEN,
                    "{\"host\": \"later.example.com\", \"label\": \"Later\", \"acme\": " + acme(CLOSED_CA) + "}");
            assertEquals(202, moved.statusCode(), moved.body());
            assertEquals("route", json(moved).get(0).get("kind").asText(), moved.body());
            assertEquals("Later", json(moved).get(0).get("label").asText(), moved.body());
            assertNull(StateFileView.root(admin).get("acme_standalone"), "the standalone entry went to the route");
            JsonNode route = StateFileView.item(admin, "listeners", "web2").path("host_routes").get(0);
            assertEquals("Later", route.path("acme").path("label").asText(), route.toString());

            byte[] before = StateFileView.bytes(admin);
            HttpResponse<String> refused = admin.call("POST", "/api/acme/standalone", ADMIN_TOKEN,
                    "{\"host\": \"later.example.com\", \"acme\": " + acme(CLOSED_CA) + "}");
            assertEquals(409, refused.statusCode(), refused.body());
            assertTrue(json(refused).get("error").asText().contains("later.example.com"), refused.body());
            assertArrayEquals(before, StateFileView.bytes(admin));
        }
    }

    /** A host named twice, a renewal without a host: 400s naming the body's field (they were a state file path, a 500). */
    @Test
    void bodyMistakesAreNamedInTheBody() throws Exception {
        try (AdminFixture admin = AdminFixture.withAcme(dir)) {
            byte[] before = StateFileView.bytes(admin);
            assertRefused(admin, "{\"hosts\": [\"a.example.net\", \"A.example.net\"], \"acme\": " + acme(CLOSED_CA)
                    + "}", "hosts[1]");
            for (String path : List.of("/api/acme/standalone/renew", "/api/acme/standalone/delete", "/api/acme/unschedule")) {
                HttpResponse<String> response = admin.call("POST", path, ADMIN_TOKEN, "{}");
                assertEquals(400, response.statusCode(), path + ": " + response.body());
                assertEquals("host", json(response).get("field").asText(), response.body());
            }
            assertArrayEquals(before, StateFileView.bytes(admin));
        }
    }

    @Test
    void onlyAdminsReachTheJobs() throws Exception {
        try (AdminFixture admin = AdminFixture.withAcme(dir)) {
            String viewer = admin.user("acme-viewer", "viewer");
            String operator = admin.user("acme-operator", "operator");
            byte[] before = StateFileView.bytes(admin);
            assertEquals(403, admin.call("GET", "/api/acme/jobs", viewer, null).statusCode());
            assertEquals(403, admin.call("POST", "/api/acme/request", operator,
                    "{\"host\": \"x.example.com\", \"acme\": " + acme(CLOSED_CA) + "}").statusCode());
            assertEquals(401, admin.call("GET", "/api/acme/jobs", null, null).statusCode());
            assertArrayEquals(before, StateFileView.bytes(admin));
        }
    }

    @Test
    void withoutAcmeTheJobsAnswer503AndTheProvidersStillWork() throws Exception {
        try (AdminFixture admin = new AdminFixture(dir)) {
            HttpResponse<String> jobs = admin.call("GET", "/api/acme/jobs", ADMIN_TOKEN, null);
            assertEquals(503, jobs.statusCode(), jobs.body());
            byte[] before = StateFileView.bytes(admin);
            HttpResponse<String> asked = admin.call("POST", "/api/acme/request", ADMIN_TOKEN,
                    "{\"host\": \"x.example.com\", \"acme\": " + acme(CLOSED_CA) + "}");
            assertEquals(503, asked.statusCode(), asked.body());
            for (String[] call : List.of(new String[] {"DELETE", "/api/acme/jobs/x.example.com", null},
                    new String[] {"POST", "/api/acme/unschedule", "{\"host\": \"x.example.com\"}"},
                    new String[] {"POST", "/api/acme/standalone/delete", "{\"host\": \"x.example.com\"}"},
                    new String[] {"POST", "/api/acme/renew_all", null})) {
                HttpResponse<String> response = admin.call(call[0], call[1], ADMIN_TOKEN, call[2]);
                assertEquals(503, response.statusCode(), call[1] + ": " + response.body());   // deletes were 404s
            }
            assertArrayEquals(before, StateFileView.bytes(admin));
            assertEquals(200, admin.call("GET", "/api/acme/providers", ADMIN_TOKEN, null).statusCode());
        }
    }

    private static void assertRenewed(AdminFixture admin, HttpResponse<String> response, String id, int attempts)
            throws Exception {
        assertEquals(202, response.statusCode(), response.body());
        assertEquals(id, json(response).get("id").asText(), response.body());
        Await.until(id + " tried again", Duration.ofSeconds(40),
                () -> job(admin, id).path("status").path("attempts").asInt() == attempts
                        && "failed".equals(job(admin, id).path("status").path("state").asText()));
    }

    /** A 400 naming {@code field} (relative to the body); the state file unchanged. */
    private static void assertRefused(AdminFixture admin, String body, String field) throws Exception {
        byte[] before = StateFileView.bytes(admin);
        HttpResponse<String> response = admin.call("POST", "/api/acme/request", ADMIN_TOKEN, body);
        assertEquals(400, response.statusCode(), body + ": " + response.body());
        List<String> fields = new ArrayList<>(List.of(json(response).path("field").asText()));
        json(response).path("problems").forEach(problem -> fields.add(problem.path("field").asText()));
        assertTrue(fields.contains(field), field + " in " + response.body());
        assertArrayEquals(before, StateFileView.bytes(admin), body + " was refused but saved");
    }
}
