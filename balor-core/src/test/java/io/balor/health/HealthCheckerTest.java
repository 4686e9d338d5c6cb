package io.balor.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.balor.UpstreamHealthStatus;
import io.balor.config.HealthCheckConfig;
import io.balor.config.UpstreamTlsConfig;
import io.balor.tls.TestPki;
import io.balor.upstream.HashRing;
import io.balor.upstream.Pool;
import io.balor.upstream.SmoothWeightedRoundRobin;
import io.balor.upstream.Upstream;
import io.balor.upstream.UpstreamHealth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The health checker with probes run by hand ({@link HealthChecker#manual()}, {@code probeNow}):
 * rise and fall, the balancers skipping down upstreams, state kept across updates, the HTTP,
 * HTTPS, TCP and script probes against real servers and programs on 127.0.0.1.
 */
class HealthCheckerTest {

    private HealthChecker checker;
    private final List<AutoCloseable> open = new ArrayList<>();

    @TempDir
    Path dir;

    @org.junit.jupiter.api.BeforeEach
    void start() {
        checker = HealthChecker.manual(dir);   // the temp dir is the directory of check programs
    }

    @AfterEach
    void close() throws Exception {
        checker.close();
        for (AutoCloseable resource : open) {
            resource.close();
        }
    }

    /** An HTTP server answering every request with {@code status}, recording each request head. */
    private final class StatusServer {
        final AtomicInteger status = new AtomicInteger(200);
        final List<String> requests = new CopyOnWriteArrayList<>();
        final HttpServer server;

        StatusServer() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", this::handle);
            server.start();
            open.add(() -> server.stop(0));
        }

        private void handle(HttpExchange exchange) throws IOException {
            StringBuilder seen = new StringBuilder(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            exchange.getRequestHeaders().forEach((name, values) ->
                    seen.append('\n').append(name.toLowerCase(java.util.Locale.ROOT)).append(": ").append(String.join(",", values)));
            requests.add(seen.toString());
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        }

        String address() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }
    }

    /** A checked pool of upstreams at {@code addresses}, registered with the checker. */
    private Pool checked(String name, HealthCheckConfig check, UpstreamTlsConfig tls, String... addresses) {
        return checkedBy(checker, name, check, tls, addresses);
    }

    private static Pool checkedBy(HealthChecker checker, String name, HealthCheckConfig check, String address) {
        return checkedBy(checker, name, check, null, address);
    }

    private static Pool checkedBy(HealthChecker checker, String name, HealthCheckConfig check, UpstreamTlsConfig tls,
                                  String... addresses) {
        List<Upstream> upstreams = new ArrayList<>();
        for (String address : addresses) {
            String id = name + "/" + address;
            String[] hostPort = address.split(":");
            InetSocketAddress socket = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
            upstreams.add(new Upstream(id, address, socket, 1, true, upstreams.size(),
                    address.getBytes(StandardCharsets.US_ASCII), false, checker.health(id)));
        }
        Pool pool = new Pool(name, upstreams);
        checker.update(Map.of(name, pool), Map.of(name, check), tls == null ? Map.of() : Map.of(name, tls));
        return pool;
    }

    private static String refusingAddress() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Test
    void anUpstreamThatFailsIsTakenOutAfterFallAndBackAfterRise() throws IOException {
        StatusServer bad = new StatusServer();
        StatusServer good = new StatusServer();
        Pool pool = checked("app", HealthCheckConfig.http("/healthz"), null, bad.address(), good.address());
        Upstream flaky = pool.get(0);
        String id = flaky.id();

        assertNull(checker.probeNow(id));
        assertTrue(flaky.eligible(), "upstreams start up");
        bad.status.set(503);
        assertEquals("status 503, expected 200-399", checker.probeNow(id));
        assertEquals("status 503, expected 200-399", checker.probeNow(id));
        assertTrue(flaky.eligible(), "two failures are below fall (3)");
        checker.probeNow(id);
        assertFalse(flaky.eligible(), "down at the third failure in a row");

        // Every balancer skips it while it is down.
        SmoothWeightedRoundRobin roundRobin = new SmoothWeightedRoundRobin(pool);
        HashRing hash = HashRing.of(pool);
        for (int i = 0; i < 20; i++) {
            assertSame(pool.get(1), roundRobin.pick());
            assertSame(pool.get(1), hash.find(i * 7919));
        }
        UpstreamHealthStatus status = checker.statuses().stream().filter(s -> s.upstream().equals(id)).findFirst().orElseThrow();
        assertEquals(new UpstreamHealthStatus(id, "app", false, 0, 3, 4, "status 503, expected 200-399", 3, false, 0, 0, null), status);

        bad.status.set(204);
        assertNull(checker.probeNow(id));
        assertFalse(flaky.eligible(), "one success is below rise (2)");
        bad.status.set(500);
        checker.probeNow(id);
        bad.status.set(200);
        checker.probeNow(id);
        assertFalse(flaky.eligible(), "a failure in between starts the count again");
        checker.probeNow(id);
        assertTrue(flaky.eligible(), "up after two successes in a row");
        int a = 0;
        for (int i = 0; i < 20; i++) {
            a += roundRobin.pick() == flaky ? 1 : 0;
        }
        assertEquals(10, a, "back in the rotation at its weight");
    }

    @Test
    void customRiseAndFallCount() throws IOException {
        StatusServer server = new StatusServer();
        Pool pool = checked("app", HealthCheckConfig.http("/").withRise(3).withFall(1), null, server.address());
        String id = pool.get(0).id();
        server.status.set(500);
        checker.probeNow(id);
        assertFalse(pool.get(0).eligible(), "fall 1: down at once");
        assertNull(new SmoothWeightedRoundRobin(pool).pick(), "no eligible upstream");
        server.status.set(200);
        checker.probeNow(id);
        checker.probeNow(id);
        assertFalse(pool.get(0).eligible());
        checker.probeNow(id);
        assertTrue(pool.get(0).eligible());
    }

    @Test
    void stateIsKeptAcrossUpdatesThatKeepTheUpstreamAndDroppedOtherwise() throws IOException {
        StatusServer server = new StatusServer();
        server.status.set(503);
        HealthCheckConfig check = HealthCheckConfig.http("/").withFall(1);
        Pool first = checked("app", check, null, server.address());
        String id = first.get(0).id();
        UpstreamHealth health = first.get(0).health();
        checker.probeNow(id);
        assertFalse(first.get(0).eligible());

        // A new snapshot (another upstream added, another interval): the kept one is still down.
        StatusServer other = new StatusServer();
        Pool second = checked("app", check.withInterval(Duration.ofSeconds(1)), null, server.address(), other.address());
        assertSame(health, second.get(0).health());
        assertFalse(second.get(0).eligible());
        assertTrue(second.get(1).eligible());
        assertEquals(1, checker.statuses().stream().filter(s -> s.upstream().equals(id)).findFirst().orElseThrow().probes());

        // Checks turned off for the pool: its state is forgotten, a later check starts afresh.
        checker.update(Map.of("app", second), Map.of(), Map.of());
        assertEquals(List.of(), checker.statuses());
        assertThrows(IllegalArgumentException.class, () -> checker.probeNow(id));
        assertTrue(checker.health(id).up());
    }

    @Test
    void httpProbeSendsMethodPathHostAndHeaders() throws IOException {
        StatusServer server = new StatusServer();
        server.status.set(401);
        HealthCheckConfig check = HealthCheckConfig.http("/status?deep=1").withMethod("HEAD")
                .withHeaders(Map.of("X-Probe", "balor", "User-Agent", "custom-agent"))
                .withExpectStatus(401, 401);
        Pool pool = checked("app", check, null, server.address());
        assertNull(checker.probeNow(pool.get(0).id()), "401 is in the expected range");
        String request = server.requests.get(0);
        assertTrue(request.startsWith("HEAD /status?deep=1\n"), request);
        assertTrue(request.contains("\nhost: " + server.address()), request);
        assertTrue(request.contains("\nx-probe: balor"), request);
        assertTrue(request.contains("\nuser-agent: custom-agent"), request);
        assertTrue(request.contains("\nconnection: close"), request);

        server.status.set(200);
        assertEquals("status 200, expected 401-401", checker.probeNow(pool.get(0).id()));
    }

    @Test
    void httpProbeFailsOnRefusedConnectionsAndSilentServers() throws IOException {
        Pool refused = checked("a", HealthCheckConfig.http("/"), null, refusingAddress());
        String error = checker.probeNow(refused.get(0).id());
        assertTrue(error.startsWith("connect: "), error);

        // Accepts and never answers: the probe gives up at its timeout.
        java.net.ServerSocket silent = new java.net.ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        open.add(silent);
        Pool quiet = checked("b", HealthCheckConfig.http("/").withTimeout(Duration.ofMillis(200)), null,
                "127.0.0.1:" + silent.getLocalPort());
        long start = System.nanoTime();
        error = checker.probeNow(quiet.get(0).id());
        assertTrue(error.startsWith("response: timed out after 200 ms"), error);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void tcpProbeConnects() throws IOException {
        java.net.ServerSocket server = new java.net.ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        open.add(server);
        Pool pool = checked("app", HealthCheckConfig.tcp().withFall(1), null,
                "127.0.0.1:" + server.getLocalPort(), refusingAddress());
        assertNull(checker.probeNow(pool.get(0).id()));
        assertTrue(checker.probeNow(pool.get(1).id()).startsWith("connect: "));
        assertTrue(pool.get(0).eligible());
        assertFalse(pool.get(1).eligible());
    }

    private Path script(String name, String body) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    @Test
    void scriptProbeGetsTheUpstreamAsArgumentsAndEnvironmentAndJudgesTheExitStatus() throws IOException {
        Path seen = dir.resolve("seen");
        Path verdict = dir.resolve("verdict");
        Path environment = dir.resolve("environment");
        Files.writeString(verdict, "0");
        Path file = script("check.sh", "echo \"$1|$2|$3|$BALOR_UPSTREAM_ID|$BALOR_UPSTREAM_ADDRESS|$BALOR_UPSTREAM_PORT\" > "
                + seen + "\nenv > " + environment + "\nexit $(cat " + verdict + ")");
        Pool pool = checked("app", HealthCheckConfig.script(file.toString(), "--flag; rm -rf /").withFall(1), null,
                "127.0.0.1:7001");
        String id = pool.get(0).id();
        assertNull(checker.probeNow(id));
        assertEquals("--flag; rm -rf /|127.0.0.1|7001|app/127.0.0.1:7001|127.0.0.1|7001",
                Files.readString(seen).strip(), "arguments are passed as they are, never through a shell");
        for (String line : Files.readAllLines(environment)) {
            String name = line.substring(0, line.indexOf('='));
            assertTrue(name.startsWith("BALOR_UPSTREAM_") || List.of("PATH", "LANG", "PWD", "SHLVL", "_").contains(name),
                    "only what the check needs, none of the daemon's own environment: " + line);
        }
        Files.writeString(verdict, "3");
        assertEquals("exit status 3", checker.probeNow(id));
        assertFalse(pool.get(0).eligible());
    }

    @Test
    void aScriptThatHangsIsKilledAtItsTimeout() throws Exception {
        Path pidFile = dir.resolve("pid");
        Path file = script("hang.sh", "echo $$ > " + pidFile + "\nexec sleep 60");
        Pool pool = checked("app", HealthCheckConfig.script(file.toString()).withTimeout(Duration.ofMillis(300)), null,
                "127.0.0.1:7001");
        long start = System.nanoTime();
        String error = checker.probeNow(pool.get(0).id());
        long took = System.nanoTime() - start;
        assertEquals("timed out after 300 ms, killed", error);
        assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(300) && took < TimeUnit.SECONDS.toNanos(10), "took " + took);
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            assertTrue(System.nanoTime() < deadline, "the hung script " + pid + " is still alive");
            LockSupport.parkNanos(1_000_000);
        }
    }

    @Test
    void aProgramThatCannotRunFails() throws IOException {
        Path file = dir.resolve("not-a-script");
        Files.writeString(file, "\u007fELF garbage");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        Pool pool = checked("app", HealthCheckConfig.script(file.toString()), null, "127.0.0.1:7001");
        String error = checker.probeNow(pool.get(0).id());
        assertTrue(error.startsWith("start ") || error.equals("exit status 127"), error);   // the JDK may try sh
    }

    /** A program at {@code file} (outside the directory of check programs) that would create {@code marker}. */
    private static Path toucher(Path file, Path marker) throws IOException {
        Files.writeString(file, "#!/bin/sh\ntouch " + marker + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    @Test
    void aScriptOutsideTheDirectoryOrMissingNeverRuns() throws IOException {
        Path outside = Files.createTempDirectory("balor-outside");
        Path marker = outside.resolve("ran");
        Path program = toucher(outside.resolve("check.sh"), marker);
        try {
            Pool pool = checked("app", HealthCheckConfig.script(program.toString()), null, "127.0.0.1:7001");
            String error = checker.probeNow(pool.get(0).id());
            assertEquals("not run: " + program + " is not a program of the health script directory now", error,
                    "the directory's path is not shown where viewers read probe errors");
            Pool missing = checked("other", HealthCheckConfig.script("missing.sh"), null, "127.0.0.1:7002");
            assertEquals("not run: missing.sh is not a program of the health script directory now",
                    checker.probeNow(missing.get(0).id()));
            try (HealthChecker off = HealthChecker.manual()) {
                Pool unset = checkedBy(off, "app", HealthCheckConfig.script(program.toString()), "127.0.0.1:7001");
                assertTrue(off.probeNow(unset.get(0).id()).startsWith("not run: "));
            }
            assertFalse(Files.exists(marker), "nothing outside the directory ran");
        } finally {
            Files.deleteIfExists(program);
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void aLinkSwappedAfterTheCheckWasSetUpCannotLeadOutside() throws IOException {
        Path outside = Files.createTempDirectory("balor-outside");
        Path marker = outside.resolve("ran");
        Path evil = toucher(outside.resolve("evil.sh"), marker);
        Path good = script("good.sh", "exit 0");
        Path link = dir.resolve("check");
        Files.createSymbolicLink(link, good);
        try {
            Pool pool = checked("app", HealthCheckConfig.script("check").withFall(1), null, "127.0.0.1:7001");
            assertNull(checker.probeNow(pool.get(0).id()), "a link inside the directory runs");
            Files.delete(link);
            Files.createSymbolicLink(link, evil);
            String error = checker.probeNow(pool.get(0).id());
            assertEquals("not run: check is not a program of the health script directory now", error);
            assertFalse(Files.exists(marker), "the swapped link's target never ran");
        } finally {
            Files.deleteIfExists(evil);
            Files.deleteIfExists(marker);
            Files.deleteIfExists(outside);
        }
    }

    /** An HTTPS server on 127.0.0.1 with a certificate for {@code localhost} from a CA nobody trusts. */
    private String httpsServer(TestPki ca) throws Exception {
        TestPki.Leaf leaf = ca.issue("localhost");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "x".toCharArray();
        store.setKeyEntry("leaf", leaf.keyPair().getPrivate(), password, leaf.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders("/healthz".equals(exchange.getRequestURI().getPath()) ? 200 : 404, -1);
            exchange.close();
        });
        server.start();
        open.add(() -> server.stop(0));
        return "localhost:" + server.getAddress().getPort();
    }

    @Test
    void httpsProbeVerifiesCertificatesUnlessThePoolOptsOut() throws Exception {
        TestPki ca = TestPki.ca("Health Test CA");
        String address = httpsServer(ca);
        HealthCheckConfig check = HealthCheckConfig.https("/healthz");

        Pool verified = checked("verified", check, UpstreamTlsConfig.DEFAULT, address);
        String error = checker.probeNow(verified.get(0).id());
        assertNotNull(error, "a certificate from an unknown CA fails verification");
        assertTrue(error.startsWith("tls: "), error);

        Pool insecure = checked("insecure", check, UpstreamTlsConfig.insecure(), address);
        assertNull(checker.probeNow(insecure.get(0).id()), "verify: false accepts it");

        Path bundle = dir.resolve("ca.pem");
        ca.writeCaBundle(bundle);
        Pool trusting = checked("trusting", check, UpstreamTlsConfig.trusting(bundle.toString()), address);
        assertNull(checker.probeNow(trusting.get(0).id()), "the pool's CA bundle verifies it");

        Pool wrongName = checked("wrong", check,
                UpstreamTlsConfig.trusting(bundle.toString()).withServerName("other.example"), address);
        error = checker.probeNow(wrongName.get(0).id());
        assertTrue(error != null && error.startsWith("tls: "), "the pool's sni is the name checked: " + error);

        Pool notFound = checked("plain-path", HealthCheckConfig.https("/missing"), UpstreamTlsConfig.insecure(), address);
        assertEquals("status 404, expected 200-399", checker.probeNow(notFound.get(0).id()));
    }

    @Test
    void scheduledCheckerProbesByItself() throws Exception {
        StatusServer server = new StatusServer();
        try (HealthChecker scheduled = HealthChecker.scheduled(dir)) {
            String id = "app/" + server.address();
            String[] hostPort = server.address().split(":");
            Upstream upstream = new Upstream(id, id, new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])),
                    1, true, 0, server.address().getBytes(StandardCharsets.US_ASCII), false, scheduled.health(id));
            Pool pool = new Pool("app", List.of(upstream));
            scheduled.update(Map.of("app", pool),
                    Map.of("app", HealthCheckConfig.http("/").withInterval(Duration.ofMillis(20)).withFall(2)), Map.of());
            server.status.set(500);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (upstream.eligible()) {
                assertTrue(System.nanoTime() < deadline, "never taken out");
                LockSupport.parkNanos(1_000_000);
            }
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().startsWith("balor-health-") && t.isDaemon()));
        }
    }
}
