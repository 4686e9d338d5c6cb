package io.balor.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.balor.admin.api.AdminFixture.ADMIN_TOKEN;
import static io.balor.admin.api.AdminFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The certificates the ACME jobs and the listeners have, as {@code /api/acme} and
 * {@code /metrics} show them: a job whose files already hold a certificate for its name is
 * {@code valid} without asking its CA (none is issued needlessly), and the gauge
 * {@code balor_certificate_expiry_seconds{name}} carries the seconds to each certificate's end,
 * for a listener's and for a standalone job's (gone when the job is deleted). The fixture's clock is set to the real time, as
 * the certificates' dates are real.
 */
class AcmeExpiryApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /**
     * A request for a name whose certificate is already in the certificate directory (it was
     * tried at once, and failed against the unreachable CA, the certificate's end forgotten); once
     * deleted, its series leaves the gauge at once (it stayed until the next look, 30 s later).
     */
    @Test
    void aJobWhoseCertificateIsThereIsValidWithoutAskingItsCa() throws Exception {
        Pem files = Pem.selfSigned(dir.resolve("pki"), "files.example.net");   // valid for 2 days from now
        try (AdminFixture admin = AdminFixture.withAcme(dir)) {
            admin.clock.advance(Duration.between(admin.clock.instant(), Instant.now()));
            Path certs = Files.createDirectories(dir.resolve("data/certs"));
            Files.writeString(certs.resolve("files.example.net.crt"), files.cert());
            Files.writeString(certs.resolve("files.example.net.key"), files.key());
            HttpResponse<String> asked = admin.call("POST", "/api/acme/request", ADMIN_TOKEN, "{\"host\": "
                    + "\"files.example.net\", \"acme\": " + AcmeApiTest.acme("https://127.0.0.1:1/directory") + "}");
            assertEquals(202, asked.statusCode(), asked.body());
            assertEquals(certs.resolve("files.example.net.crt").toAbsolutePath().toString(),
                    json(asked).get(0).get("cert_file").asText());

            Await.until("the job valid", () -> "valid".equals(AcmeApiTest.job(admin, "files.example.net")
                    .path("status").path("state").asText()));
            JsonNode status = AcmeApiTest.job(admin, "files.example.net").get("status");
            assertEquals(0, status.path("attempts").asInt(), "no attempt was made: " + status);
            Instant notAfter = Instant.parse(status.path("not_after").asText());
            assertTrue(notAfter.isAfter(admin.clock.instant().plus(Duration.ofDays(1))), status.toString());
            assertTrue(Instant.parse(status.path("next_attempt").asText()).isBefore(notAfter),
                    "renewed before it ends: " + status);

            String prefix = "balor_certificate_expiry_seconds{name=\"files.example.net\"} ";
            HttpResponse<String> metrics = admin.call("GET", "/metrics", null, null);
            List<String> lines = metrics.body().lines().filter(line -> line.startsWith(prefix)).toList();
            assertEquals(1, lines.size(), "a standalone job's certificate, not served, is in the gauge too: "
                    + metrics.body());
            assertEquals(Duration.between(admin.clock.instant(), notAfter).toSeconds(),
                    Long.parseLong(lines.get(0).substring(prefix.length())));

            assertEquals(204, admin.call("DELETE", "/api/acme/jobs/files.example.net", ADMIN_TOKEN, null).statusCode());
            Await.until("the deleted job's series gone", () -> !admin.call("GET", "/metrics", null, null).body()
                    .contains(prefix));
            assertTrue(Files.exists(certs.resolve("files.example.net.crt")), "its certificate stays");
        }
    }

    @Test
    void metricsCarryTheExpiryOfAServedCertificate() throws Exception {
        Pem shop = Pem.selfSigned(dir.resolve("pki"), "shop.example.com");   // valid for 2 days from now
        try (AdminFixture admin = new AdminFixture(dir)) {
            admin.clock.advance(Duration.between(admin.clock.instant(), Instant.now()));   // real dates in the PEM
            JsonNode cert = admin.create("/api/certificates", JSON.createObjectNode().put("name", "shop")
                    .put("pem", shop.cert() + shop.key()).toString());
            admin.create("/api/pools", "{\"name\": \"app\", \"upstreams\": [\"127.0.0.1:9\"]}");
            admin.create("/api/listeners", "{\"name\": \"tls\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"http\", "
                    + "\"pool\": \"app\", \"tls\": {\"cert_file\": \"" + cert.get("cert_file").asText()
                    + "\", \"key_file\": \"" + cert.get("key_file").asText() + "\"}}");

            HttpResponse<String> metrics = admin.call("GET", "/metrics", null, null);
            assertEquals(200, metrics.statusCode(), metrics.body());
            assertTrue(metrics.body().contains("# TYPE balor_certificate_expiry_seconds gauge"), metrics.body());
            String prefix = "balor_certificate_expiry_seconds{name=\"shop\"} ";
            List<String> lines = metrics.body().lines().filter(line -> line.startsWith(prefix)).toList();
            assertEquals(1, lines.size(), "one series, named as in certificates: " + metrics.body());
            long seconds = Long.parseLong(lines.get(0).substring(prefix.length()));
            Instant notAfter = Instant.parse(cert.get("not_after").asText());
            assertEquals(Duration.between(admin.clock.instant(), notAfter).toSeconds(), seconds);
            assertTrue(seconds > Duration.ofDays(2).minusHours(1).toSeconds() && seconds <= Duration.ofDays(2).toSeconds(),
                    "about two days: " + seconds);
        }
    }
}
