package io.balor.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.admin.acme.PebbleServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon getting a certificate for a host route from Pebble by itself (BALOR_ACME_CA_FILE
 * trusting Pebble, HTTP-01 answered by its own plain listener), serving it by SNI to curl, which
 * checks the chain against Pebble's root; the job's status kept across a restart in
 * BALOR_ACME_DIR, and a renewal asked for through the API after it.
 */
class DaemonAcmeTest {

    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Duration ISSUANCE = Duration.ofSeconds(90);
    private static final String TOKEN = "acme-test-token-0123456789";

    @TempDir
    Path dir;

    @Test
    void issuesServesKeepsItsStatusAcrossARestartAndRenewsOnRequest() throws Exception {
        int httpPort = freePort();
        int tlsPort = freePort();
        try (PebbleServer pebble = PebbleServer.start(dir.resolve("pebble"), httpPort)) {
            Path root = dir.resolve("pebble-root.pem");
            Files.writeString(root, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(
                    StandardCharsets.US_ASCII)).encodeToString(pebble.issuingRoot().getEncoded())
                    + "\n-----END CERTIFICATE-----\n");
            com.sun.net.httpserver.HttpServer upstream = AdminClient.helloUpstream();
            try {
                Path stateFile = Files.createDirectories(dir.resolve("data")).resolve("balor_state.json");
                String acme = "{\"email\": \"ops@shop.test\", \"accept_terms\": true, \"directory_url\": \""
                        + pebble.directoryUrl() + "\"}";
                Files.writeString(stateFile, """
                        {"version": 1, "pools": [{"name": "app", "upstreams": ["http://127.0.0.1:%d"]}],
                         "listeners": [
                           {"name": "web", "listen": "127.0.0.1:%d", "protocol": "http",
                            "host_routes": [{"host": "shop.test", "pool": "app", "acme": %s}]},
                           {"name": "secure", "listen": "127.0.0.1:%d", "protocol": "http", "tls": {"mode": "terminate"},
                            "host_routes": [{"host": "shop.test", "pool": "app", "acme": %s}]}]}
                        """.formatted(upstream.getAddress().getPort(), httpPort, acme, tlsPort, acme));
                Map<String, String> env = AdminClient.env(dir, stateFile, "BALOR_HTTP_ADDR", "127.0.0.1:0",
                        "BALOR_ADMIN_TOKEN", TOKEN, "BALOR_ACME_CA_FILE", pebble.caBundle().toString());
                JsonNode issued;
                try (DaemonProcess daemon = DaemonProcess.start(dir, env)) {
                    AdminClient admin = AdminClient.of(daemon);
                    issued = awaitJob(admin, job -> job.path("status").path("state").asText().equals("valid"));
                    assertTrue(issued.path("status").path("message").asText().contains("now served by secure shop.test"),
                            issued.toString());
                    assertEquals("200 hello", curl(root, tlsPort), "curl trusts Pebble's root and gets the app");
                    String metrics = admin.get("/metrics", null).body();
                    assertTrue(metrics.contains("balor_certificate_expiry_seconds{name=\"shop.test\"} "), metrics);
                    daemon.terminate();
                    assertEquals(0, daemon.awaitExit(STARTUP), daemon.stderr());
                }
                assertTrue(Files.exists(dir.resolve("certs/shop.test.crt")), "in BALOR_CERT_DIR");
                assertTrue(Files.exists(dir.resolve("data/acme/jobs.json")), "statuses beside the state file by default");
                try (DaemonProcess daemon = DaemonProcess.start(dir, env)) {
                    AdminClient admin = AdminClient.of(daemon);
                    JsonNode kept = job(admin);
                    assertEquals("valid", kept.path("status").path("state").asText(), kept.toString());
                    assertEquals(issued.path("status").path("not_after"), kept.path("status").path("not_after"));
                    assertEquals(issued.path("status").path("next_attempt"), kept.path("status").path("next_attempt"),
                            "the renewal time is remembered, not issued afresh");
                    assertEquals("200 hello", curl(root, tlsPort), "served again after the restart");

                    AdminClient.Answer renew = admin.send("POST", "/api/acme/jobs/shop.test/renew", TOKEN, null);
                    assertEquals(202, renew.status(), renew.toString());
                    JsonNode renewed = awaitJob(admin, job -> job.path("status").path("state").asText().equals("valid")
                            && !job.path("status").path("next_attempt").equals(issued.path("status").path("next_attempt")));
                    assertEquals("valid", renewed.path("status").path("state").asText(), renewed.toString());
                    assertEquals("200 hello", curl(root, tlsPort));
                    daemon.terminate();
                    assertEquals(0, daemon.awaitExit(STARTUP), daemon.stderr());
                }
            } finally {
                upstream.stop(0);
            }
        }
    }

    private static JsonNode job(AdminClient admin) throws Exception {
        AdminClient.Answer jobs = admin.get("/api/acme/jobs", TOKEN);
        assertEquals(200, jobs.status(), jobs.toString());
        assertEquals(1, jobs.json().size(), jobs.body());
        return jobs.json().get(0);
    }

    /** The job once {@code wanted} holds for it (a failure meanwhile fails the test with its message). */
    private static JsonNode awaitJob(AdminClient admin, Predicate<JsonNode> wanted) throws Exception {
        long deadline = System.nanoTime() + ISSUANCE.toNanos();
        while (true) {
            JsonNode job = job(admin);
            if (wanted.test(job)) {
                return job;
            }
            assertNotEquals("failed", job.path("status").path("state").asText(), job.toString());
            assertTrue(System.nanoTime() - deadline < 0, "still " + job);
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }

    /** An HTTPS GET of shop.test on {@code port} trusting only {@code root}, as "STATUS BODY". */
    private static String curl(Path root, int port) throws Exception {
        return AdminClient.curl("--cacert", root.toString(), "--resolve", "shop.test:" + port + ":127.0.0.1",
                "https://shop.test:" + port + "/");
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
