package io.balor.admin.acme.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.balor.admin.acme.AcmeStatus;
import io.balor.admin.acme.FixedAnswer;
import io.balor.admin.acme.PebbleServer;
import io.balor.admin.acme.TlsProbe;
import io.balor.admin.state.BalorState;
import io.balor.admin.state.StateFile;
import io.balor.config.RouteConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ACME jobs end to end against Debian's Pebble (its 5 % {@code badNonce} rejection on): a host
 * route's certificate over HTTP-01 answered by Balor's own HTTP listener, installed and served by
 * SNI on a TLS listener that had none, then renewed when its time comes on the runner's clock,
 * with an open connection untouched; a standalone wildcard over DNS-01 through the generic
 * webhook provider (into challtestsrv), its TXT record awaited at challtestsrv's DNS and removed.
 */
class AcmeJobsPebbleTest {

    @TempDir
    static Path temp;

    private static PebbleServer pebble;
    private static HttpServer app;
    private static int httpPort;

    @BeforeAll
    static void start() throws Exception {
        app = FixedAnswer.start(new InetSocketAddress("127.0.0.1", 0), "app");
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            httpPort = probe.getLocalPort();   // Pebble's validator needs the port before Balor binds it
        }
        pebble = PebbleServer.start(temp.resolve("pebble"), httpPort);
    }

    @AfterAll
    static void stop() {
        if (pebble != null) {
            pebble.close();
        }
        if (app != null) {
            app.stop(0);
        }
    }

    private static String acme(String extra) {
        return "{\"email\": \"ops@shop.test\", \"accept_terms\": true, \"directory_url\": \"" + pebble.directoryUrl()
                + "\"" + extra + "}";
    }

    @Test
    void aRouteGetsItsCertificateOverHttp01IsServedBySniAndIsRenewedWhenDue() throws Exception {
        String state = """
                {"version": 1, "pools": [{"name": "app", "upstreams": ["http://127.0.0.1:%d"]}],
                 "listeners": [
                   {"name": "web", "listen": "127.0.0.1:%d", "protocol": "http",
                    "host_routes": [{"host": "shop.test", "pool": "app", "acme": %s}]},
                   {"name": "secure", "listen": "127.0.0.1:0", "protocol": "http", "tls": {"mode": "terminate"},
                    "host_routes": [{"host": "shop.test", "pool": "app", "acme": %s}]}]}
                """.formatted(app.getAddress().getPort(), httpPort, acme(""), acme(""));
        try (JobRig rig = new JobRig(temp.resolve("route"), state, pebble.caBundle())) {
            int tlsPort = rig.balor.boundAddress("secure").getPort();
            assertThrows(SSLException.class, () -> TlsProbe.handshake(tlsPort, "shop.test").close(),
                    "no certificate yet: the handshake is refused");

            rig.look();
            AcmeStatus status = rig.status("shop.test");
            assertEquals(AcmeStatus.VALID, status.state(), status.toString());
            assertTrue(status.message().contains("now served by secure shop.test"), status.message());
            Path cert = rig.certDir.resolve("shop.test.crt");
            Path key = rig.certDir.resolve("shop.test.key");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));

            BalorState saved = StateFile.load(rig.stateFile);
            RouteConfig secure = saved.config().listener("secure").http().routes().get(0);
            assertEquals(cert.toString(), secure.tls().certFile(), "the TLS listener's route got the files");
            assertNull(saved.config().listener("web").http().routes().get(0).tls(), "the plain listener stays plain");
            JsonNode entry = saved.extras().get("certificates").get(0);
            assertEquals("shop.test", entry.path("name").asText());
            assertEquals("acme", entry.path("source").asText());

            X509Certificate issued = TlsProbe.parse(Files.readString(cert));
            assertEquals(status.notAfter(), issued.getNotAfter().toInstant());
            assertNotEquals(issued.getSubjectX500Principal(), issued.getIssuerX500Principal(), "issued by Pebble");
            SSLSocket before = TlsProbe.handshake(tlsPort, "shop.test");
            assertEquals(issued, TlsProbe.leaf(before), "served by SNI at once: no restart");
            assertTrue(TlsProbe.get(before, "shop.test").endsWith("app"));

            // Renewal: at two thirds of the lifetime, or sooner in an ARI window; not a minute before.
            Instant notBefore = issued.getNotBefore().toInstant();
            Instant twoThirds = notBefore.plus(Duration.between(notBefore, status.notAfter()).multipliedBy(2).dividedBy(3));
            Instant due = status.nextAttempt();
            assertFalse(due.isAfter(twoThirds.plusSeconds(1)), due + " is not after two thirds " + twoThirds);
            byte[] first = Files.readAllBytes(cert);
            rig.at(due.minus(Duration.ofMinutes(1)));
            rig.look();
            assertArrayEquals(first, Files.readAllBytes(cert), "not renewed before it is due");
            rig.at(due);
            rig.look();
            AcmeStatus renewed = rig.status("shop.test");
            assertEquals(AcmeStatus.VALID, renewed.state(), renewed.toString());
            X509Certificate second = TlsProbe.parse(Files.readString(cert));
            assertNotEquals(issued, second, "renewed in place");
            try (SSLSocket after = TlsProbe.handshake(tlsPort, "shop.test")) {
                assertEquals(second, TlsProbe.leaf(after), "a new handshake gets the renewed certificate");
            }
            assertTrue(TlsProbe.get(before, "shop.test").endsWith("app"), "the connection opened before still works");
            before.close();
            assertEquals(1, StateFile.load(rig.stateFile).extras().get("certificates").size(), "one entry, updated");
        }
    }

    @Test
    void aStandaloneWildcardOverDns01ThroughTheWebhookProvider() throws Exception {
        try (WebhookToChallTestSrv hook = new WebhookToChallTestSrv(pebble.challtestsrvUrl(), "hook-secret")) {
            String state = """
                    {"version": 1, "listeners": [], "pools": [],
                     "acme_providers": [{"name": "hook", "provider": "generic", "api_base": "%s",
                                         "api_token": "hook-secret", "resolver": "127.0.0.1:%d"}],
                     "acme_standalone": [{"host": "*.wild.test", "label": "wild",
                                          "acme": %s}]}
                    """.formatted(hook.url(), pebble.dnsPort(), acme(", \"challenge\": \"dns01\", \"provider\": \"hook\""));
            try (JobRig rig = new JobRig(temp.resolve("wild"), state, pebble.caBundle())) {
                rig.look();
                AcmeStatus status = rig.status("*.wild.test");
                assertEquals(AcmeStatus.VALID, status.state(), status.toString());
                X509Certificate leaf = TlsProbe.parse(Files.readString(rig.certDir.resolve("wildcard_.wild.test.crt")));
                assertTrue(leaf.getSubjectAlternativeNames().toString().contains("*.wild.test"),
                        leaf.getSubjectAlternativeNames().toString());
                JsonNode entry = StateFile.load(rig.stateFile).extras().get("certificates").get(0);
                assertEquals("wildcard_.wild.test", entry.path("name").asText());
                assertEquals("acme", entry.path("source").asText());
                assertTrue(hook.created.get() >= 1, "the TXT record was made through the webhook");
                assertEquals(hook.created.get(), hook.removed.get(), "and removed after validation");
                assertEquals(0, hook.refused.get(), "with the bearer token");
            }
        }
    }

    @Test
    void aRecordThatNeverShowsFailsTheJobAndIsRemovedAnyway() throws Exception {
        try (WebhookToChallTestSrv hook = new WebhookToChallTestSrv(pebble.challtestsrvUrl(), "hook-secret")) {
            hook.lying = true;
            String state = """
                    {"version": 1, "listeners": [], "pools": [],
                     "acme_providers": [{"name": "hook", "provider": "generic", "api_base": "%s",
                                         "api_token": "hook-secret", "resolver": "127.0.0.1:%d"}],
                     "acme_standalone": [{"host": "never.test", "acme": %s}]}
                    """.formatted(hook.url(), pebble.dnsPort(), acme(", \"challenge\": \"dns01\", \"provider\": \"hook\""));
            try (JobRig rig = new JobRig(temp.resolve("never"), state, pebble.caBundle())) {
                rig.look();
                AcmeStatus status = rig.status("never.test");
                assertEquals(AcmeStatus.FAILED, status.state(), status.toString());
                assertTrue(status.message().contains("did not show the expected value"), status.message());
                assertEquals(1, hook.created.get());
                assertEquals(1, hook.removed.get(), "the record asked for is removed though it was never seen");
            }
        }
    }
}
