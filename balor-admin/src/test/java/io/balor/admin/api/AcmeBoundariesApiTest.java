package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.admin.acme.AcmeOptions;
import io.balor.admin.acme.jobs.AcmeSettings;
import io.balor.admin.acme.jobs.RateLimitingCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static io.balor.admin.api.AdminFixture.ADMIN_TOKEN;
import static io.balor.admin.api.AdminFixture.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where ACME's boundaries hold through the API: an operator, who may edit listeners, can neither
 * ask for a certificate by putting {@code acme} on a route nor move where ACME writes one (the
 * {@code tls} of a route whose host has it), but may change the rest of such a route; and a job
 * the CA rate-limited is not renewed on request before the CA's {@code Retry-After} ({@code 429}).
 */
class AcmeBoundariesApiTest {

    @TempDir
    Path dir;

    @Test
    void anOperatorCannotAskForACertificateNorMoveItsFiles() throws Exception {
        try (AdminFixture admin = AdminFixture.withAcme(dir)) {
            AcmeApiTest.shopListener(admin);
            String operator = admin.user("acme-operator", "operator");
            ObjectNode listener = (ObjectNode) json(admin.call("GET", "/api/listeners/web", ADMIN_TOKEN, null));
            ObjectNode route = (ObjectNode) listener.withArray("host_routes").get(0);
            route.set("acme", new ObjectMapper().readTree(AcmeApiTest.acme("https://127.0.0.1:1/directory")));
            byte[] before = StateFileView.bytes(admin);
            HttpResponse<String> asked = admin.call("PUT", "/api/listeners/web", operator, clean(listener).toString());
            assertEquals(403, asked.statusCode(), asked.body());
            assertTrue(asked.body().contains("needs the admin role"), asked.body());
            assertArrayEquals(before, StateFileView.bytes(admin), "nothing saved");

            HttpResponse<String> byAdmin = admin.call("POST", "/api/acme/request", ADMIN_TOKEN,
                    "{\"host\": \"shop.example.com\", \"acme\": " + AcmeApiTest.acme("https://127.0.0.1:1/directory") + "}");
            assertEquals(202, byAdmin.statusCode(), byAdmin.body());
            ObjectNode now = (ObjectNode) json(admin.call("GET", "/api/listeners/web", ADMIN_TOKEN, null));
            ObjectNode acmeRoute = (ObjectNode) now.withArray("host_routes").get(0);
            acmeRoute.putObject("tls").put("cert_file", "certs/elsewhere.crt").put("key_file", "certs/elsewhere.key");
            HttpResponse<String> moved = admin.call("PUT", "/api/listeners/web", operator, clean(now).toString());
            assertEquals(403, moved.statusCode(), moved.body());

            ObjectNode renamed = (ObjectNode) json(admin.call("GET", "/api/listeners/web", ADMIN_TOKEN, null));
            ((ObjectNode) renamed.withArray("host_routes").get(0)).put("path_prefix", "/shop");
            HttpResponse<String> edited = admin.call("PUT", "/api/listeners/web", operator, clean(renamed).toString());
            assertEquals(200, edited.statusCode(), "the rest of the route is the operator's: " + edited.body());
        }
    }

    @Test
    void aRateLimitedJobIsNotRenewedBeforeTheCaSaysSo() throws Exception {
        try (RateLimitingCa limited = new RateLimitingCa(Files.createDirectories(dir.resolve("ca")));
             AdminFixture admin = AdminFixture.withAcme(dir, AcmeSettings.in(dir.resolve("data/acme"))
                     .withClient(AcmeOptions.DEFAULTS.withTrustedCaFile(limited.certificate())))) {
            admin.clock.advance(Duration.between(admin.clock.instant(), Instant.now()));   // the CA's Retry-After is real
            HttpResponse<String> asked = admin.call("POST", "/api/acme/request", ADMIN_TOKEN,
                    "{\"host\": \"limited.example.com\", \"acme\": " + AcmeApiTest.acme(limited.directoryUrl()) + "}");
            assertEquals(202, asked.statusCode(), asked.body());
            AcmeApiTest.awaitFailed(admin, "limited.example.com");
            JsonNode status = AcmeApiTest.job(admin, "limited.example.com").path("status");
            assertEquals("urn:ietf:params:acme:error:rateLimited", status.path("problem").path("type").asText(),
                    status.toString());
            HttpResponse<String> renew = admin.call("POST", "/api/acme/jobs/limited.example.com/renew", ADMIN_TOKEN, null);
            assertEquals(429, renew.statusCode(), renew.body());
            long retryAfter = Long.parseLong(renew.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter > RateLimitingCa.RETRY_AFTER_SECONDS - 120 && retryAfter <= RateLimitingCa.RETRY_AFTER_SECONDS,
                    "Retry-After " + retryAfter);
            assertEquals(1, AcmeApiTest.job(admin, "limited.example.com").path("status").path("attempts").asInt(),
                    "not tried again");
        }
    }

    /** A listener as a GET answers it, without what only reads add. */
    private static ObjectNode clean(ObjectNode listener) {
        listener.remove("bound");
        listener.remove("upstream_health");
        return listener;
    }
}
