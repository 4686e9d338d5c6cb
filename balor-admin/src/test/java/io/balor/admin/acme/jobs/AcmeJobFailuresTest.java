package io.balor.admin.acme.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpServer;
import io.balor.admin.acme.AcmeJobStore;
import io.balor.admin.acme.AcmeProblem;
import io.balor.admin.acme.AcmeStatus;
import io.balor.admin.acme.FixedAnswer;
import io.balor.admin.acme.PebbleServer;
import io.balor.admin.acme.TlsProbe;
import io.balor.admin.api.Pem;
import io.balor.admin.state.StateFile;
import io.balor.log.EventLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ways an ACME job fails, each leaving a clear status (state, message, the CA's problem,
 * when to try again) and the served certificate as it was: a CA that cannot be reached (with
 * exponential backoff on the runner's clock, and the status kept across a restart), a contact
 * the CA refuses, a challenge answered wrongly (Pebble's validator reaches a server that is not
 * Balor), and a CA out of new orders ({@code Retry-After} honoured over the backoff).
 */
class AcmeJobFailuresTest {

    @TempDir
    static Path temp;

    private static PebbleServer pebble;
    private static int httpPort;

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            httpPort = probe.getLocalPort();
        }
        pebble = PebbleServer.start(temp.resolve("pebble"), httpPort);
    }

    @AfterAll
    static void stop() {
        if (pebble != null) {
            pebble.close();
        }
    }

    @Test
    void anUnreachableCaLeavesTheServedCertificateBacksOffAndIsRemembered() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Path dir = temp.resolve("unreachable");
        Pem served = certificateIn(dir, "old.test", "old.test");
        Path cert = dir.resolve("certs/old.test.crt");
        String state = routeState("old.test", "old.test", "https://127.0.0.1:" + closed + "/dir", "");
        byte[] before = Files.readAllBytes(cert);
        Instant notAfter;
        try (JobRig rig = new JobRig(dir, state, pebble.caBundle())) {
            rig.look();
            AcmeStatus first = rig.status("old.test");
            assertEquals(AcmeStatus.VALID, first.state(), "the certificate in the route's files is taken as it is: "
                    + first);
            notAfter = first.notAfter();
            assertEquals(1, expiryWarnings("old.test"), "two days left: a warning");
            assertTrue(rig.runner.renew("old.test"));
            rig.look();
            Instant now = rig.clock.instant();
            AcmeStatus failed = rig.status("old.test");
            assertEquals(AcmeStatus.FAILED, failed.state());
            assertTrue(failed.message().contains("cannot reach the ACME server at https://127.0.0.1:" + closed),
                    failed.message());
            assertEquals(1, failed.attempts());
            assertEquals(notAfter, failed.notAfter(), "the served certificate's end is still shown");
            assertEquals(now.plus(Duration.ofMinutes(5)), failed.nextAttempt(), "5 minutes (fixed jitter: none)");
            assertArrayEquals(before, Files.readAllBytes(cert), "the files are untouched");
            try (SSLSocket socket = TlsProbe.handshake(rig.balor.boundAddress("secure").getPort(), "old.test")) {
                assertEquals(TlsProbe.parse(served.cert()), TlsProbe.leaf(socket), "and still served");
            }

            rig.look();
            assertEquals(1, rig.status("old.test").attempts(), "not tried again before its time");
            rig.at(failed.nextAttempt());
            rig.look();
            AcmeStatus again = rig.status("old.test");
            assertEquals(2, again.attempts());
            assertEquals(rig.clock.instant().plus(Duration.ofMinutes(10)), again.nextAttempt(), "the wait doubles");
        }
        AcmeStatus kept = new AcmeJobStore(dir.resolve("acme")).get("old.test");
        assertEquals(AcmeStatus.FAILED, kept.state(), "the status outlives the process");
        assertEquals(2, kept.attempts());
        assertEquals(notAfter, kept.notAfter());
    }

    @Test
    void anUploadedCertificatesFilesAreNeverOverwritten() throws Exception {
        Path dir = temp.resolve("uploaded");
        certificateIn(dir, "other.test", "mine");
        String state = routeState("shop.test", "mine", pebble.directoryUrl().toString(), """
                "certificates": [{"name": "mine", "cert_file": "CERTS/mine.crt", "key_file": "CERTS/mine.key",
                                  "source": "manual"}],""");
        byte[] before = Files.readAllBytes(dir.resolve("certs/mine.crt"));
        try (JobRig rig = new JobRig(dir, state, pebble.caBundle())) {
            rig.look();
            AcmeStatus status = rig.status("shop.test");
            assertEquals(AcmeStatus.FAILED, status.state(), status.toString());
            assertTrue(status.message().contains("are also used by the uploaded certificate 'mine', which ACME does not"
                    + " overwrite"),
                    status.message());
            assertArrayEquals(before, Files.readAllBytes(dir.resolve("certs/mine.crt")));
        }
    }

    @Test
    void aCertificateWithUnderAWeekLeftIsAWarningOnceADay() throws Exception {
        Path dir = temp.resolve("expiring");
        Pem served = certificateIn(dir, "late.test", "late.test");
        String state = routeState("late.test", "late.test", "https://127.0.0.1:1/dir", "");
        try (JobRig rig = new JobRig(dir, state, pebble.caBundle())) {
            Instant notAfter = TlsProbe.parse(served.cert()).getNotAfter().toInstant();
            rig.at(notAfter.minus(Duration.ofHours(12)));   // past two thirds of its two days: renewal due, failing
            rig.look();
            assertEquals(AcmeStatus.FAILED, rig.status("late.test").state());
            assertEquals(1, expiryWarnings("late.test"));
            rig.look();
            rig.at(rig.status("late.test").nextAttempt());
            rig.look();
            assertEquals(1, expiryWarnings("late.test"), "once a day, not at every look");
        }
    }

    /**
     * A state with TLS listener {@code secure} whose route for {@code host} has the files
     * {@code CERTS/NAME.crt} and {@code .key} and asks {@code directory} for its certificate;
     * {@code extra} goes in at the top level (ending with a comma).
     */
    private static String routeState(String host, String name, String directory, String extra) {
        return """
                {"version": 1, "pools": [{"name": "app", "upstreams": ["http://127.0.0.1:9"]}], %s
                 "listeners": [{"name": "secure", "listen": "127.0.0.1:0", "protocol": "http",
                   "host_routes": [{"host": "%s", "pool": "app",
                                    "tls": {"cert_file": "CERTS/%s.crt", "key_file": "CERTS/%s.key"},
                                    "acme": {"email": "ops@%s", "accept_terms": true, "directory_url": "%s"}}]}]}
                """.formatted(extra, host, name, name, host, directory);
    }

    /** A self-signed certificate for {@code host}, two days long, in {@code dir/certs/NAME.crt} and {@code .key}. */
    private static Pem certificateIn(Path dir, String host, String name) throws Exception {
        Pem pem = Pem.selfSigned(dir.resolve("pem"), host);
        Files.createDirectories(dir.resolve("certs"));
        Files.writeString(dir.resolve("certs/" + name + ".crt"), pem.cert());
        Files.writeString(dir.resolve("certs/" + name + ".key"), pem.key());
        return pem;
    }

    /** The WARNING events saying {@code host}'s certificate expires soon. */
    private static long expiryWarnings(String host) {
        return EventLog.process().recent(EventLog.CAPACITY, System.Logger.Level.WARNING).stream()
                .filter(event -> event.source().equals("acme") && event.message().startsWith("the certificate for "
                        + host + " ") && event.message().contains(" expires at ")).count();
    }

    @Test
    void aRefusedContactAWrongAnswerAndARateLimitEachSayWhatHappened() throws Exception {
        // wrong.test resolves to 127.0.0.2, where a server that is not Balor answers every challenge wrongly.
        HttpServer impostor = FixedAnswer.start(new InetSocketAddress("127.0.0.2", httpPort), "not the key authorization");
        HttpResponse<String> a = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(pebble.challtestsrvUrl() + "/add-a")).POST(HttpRequest.BodyPublishers.ofString(
                "{\"host\": \"wrong.test\", \"addresses\": [\"127.0.0.2\"]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, a.statusCode(), a.body());
        Path dir = temp.resolve("refusals");
        try (RateLimitingCa limited = new RateLimitingCa(Files.createDirectories(dir.resolve("ca")))) {
            Path trust = dir.resolve("trust.pem");
            Files.writeString(trust, Files.readString(pebble.caBundle()) + Files.readString(limited.certificate()));
            String pebbleUrl = pebble.directoryUrl().toString();
            String state = """
                    {"version": 1, "listeners": [{"name": "web", "listen": "127.0.0.1:%d", "protocol": "http",
                                                  "pool": "app"}],
                     "pools": [{"name": "app", "upstreams": ["http://127.0.0.1:9"]}],
                     "acme_standalone": [
                       {"host": "contact.test", "acme": {"email": "op\u00e9@contact.test", "accept_terms": true,
                                                         "directory_url": "%s"}},
                       {"host": "limited.test", "acme": {"email": "ops@limited.test", "accept_terms": true,
                                                         "directory_url": "%s"}}]}
                    """.formatted(httpPort, pebbleUrl, limited.directoryUrl());
            try (JobRig rig = new JobRig(dir, state, trust)) {
                rig.look();
                Instant now = rig.clock.instant();
                AcmeStatus contact = rig.status("contact.test");
                assertEquals(AcmeStatus.FAILED, contact.state(), contact.toString());
                assertEquals(AcmeProblem.ACME_ERROR + "invalidContact", contact.problemType(), contact.toString());
                assertTrue(contact.message().startsWith("newAccount: "), contact.message());
                assertFalse(Files.exists(rig.certDir.resolve("contact.test.crt")));

                AcmeStatus rateLimited = rig.status("limited.test");
                assertEquals(AcmeStatus.FAILED, rateLimited.state(), rateLimited.toString());
                assertEquals(AcmeProblem.ACME_ERROR + "rateLimited", rateLimited.problemType());
                assertEquals("too many new orders recently", rateLimited.problemDetail());
                // The CA's Retry-After, later than the 5-minute backoff, wins (taken on the client's real clock).
                Instant retry = now.plusSeconds(RateLimitingCa.RETRY_AFTER_SECONDS);
                assertFalse(rateLimited.nextAttempt().isBefore(retry), rateLimited.nextAttempt() + " vs " + retry);
                assertTrue(rateLimited.nextAttempt().isBefore(retry.plusSeconds(60)), rateLimited.nextAttempt().toString());
                assertEquals(1, limited.orders.get());

                // The wrong answer: the job is asked for through the state, as the API does.
                String wrong = """
                        {"host": "wrong.test", "acme": {"email": "ops@wrong.test", "accept_terms": true,
                                                         "directory_url": "%s"}}
                        """.formatted(pebbleUrl);
                rig.store.change(s -> {
                    ArrayNode jobs = s.extras().get("acme_standalone").deepCopy();
                    try {
                        jobs.add(new ObjectMapper().readTree(wrong));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return s.withExtra("acme_standalone", jobs);
                });
                rig.look();
                AcmeStatus answer = rig.status("wrong.test");
                assertEquals(AcmeStatus.FAILED, answer.state(), answer.toString());
                assertEquals(AcmeProblem.ACME_ERROR + "unauthorized", answer.problemType(), answer.toString());
                assertTrue(answer.message().startsWith("authorization for wrong.test: "), answer.message());
                assertFalse(Files.exists(rig.certDir.resolve("wrong.test.crt")), "nothing written");
                assertNull(StateFile.load(rig.stateFile).extras().get("certificates"), "nothing registered");
            }
        } finally {
            impostor.stop(0);
        }
    }
}
