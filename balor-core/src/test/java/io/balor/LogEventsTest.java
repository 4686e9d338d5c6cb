package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.CertificateConfig;
import io.balor.config.HealthCheckConfig;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.TlsConfig;
import io.balor.config.UpstreamConfig;
import io.balor.tls.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Balor's own log events from real triggers, read through {@link Balor#recentEvents}: a
 * certificate that loads and then breaks, an upstream whose health check fails, an access log that
 * cannot be written. The event log is the process's, so each test looks for events naming its
 * own temporary files or pool.
 */
class LogEventsTest {

    private final TestResources resources = new TestResources();
    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private static List<LogEvent> matching(Balor balor, Level minimum, Predicate<LogEvent> wanted) {
        return balor.recentEvents(Integer.MAX_VALUE, minimum).stream().filter(wanted).toList();
    }

    @Test
    void aCertificateThatStopsLoadingIsAWarningNamingItsFile() throws Exception {
        TestPki ca = TestPki.ca("Balor Events CA");
        CertificateConfig pair = TlsClients.files(dir, "events", ca.leaf("events.example").issue(),
                TestPki.KeyFormat.PKCS8);
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = resources.track(Balor.start(new BalorConfig(
                List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")
                        .withTls(new TlsConfig(TlsConfig.Mode.TERMINATE, pair, null))),
                List.of(PoolConfig.of("app", UpstreamConfig.of(app.address())))),
                BalorOptions.defaults().withLoops(1)));
        Predicate<LogEvent> aboutOurs = event -> event.message().contains(pair.certFile());

        List<LogEvent> loaded = matching(balor, Level.INFO, aboutOurs);
        assertEquals(1, loaded.size(), loaded.toString());
        assertEquals(Level.INFO, loaded.get(0).level());
        assertEquals("tls", loaded.get(0).source());
        assertTrue(loaded.get(0).message().startsWith("loaded certificate " + pair.certFile()), loaded.toString());
        assertTrue(matching(balor, Level.WARNING, aboutOurs).isEmpty(), "a load is not a warning");

        Files.writeString(Path.of(pair.keyFile()), "this is not a key\n");
        balor.reloadCertificates();
        List<LogEvent> broken = matching(balor, Level.WARNING, aboutOurs);
        assertEquals(1, broken.size(), broken.toString());
        LogEvent event = broken.get(0);
        assertEquals(Level.WARNING, event.level());
        assertEquals("tls", event.source());
        assertTrue(event.message().contains(pair.keyFile()) && event.message().contains("no private key")
                && event.message().endsWith("(the previous certificate is still served)"), event.message());
        assertTrue(event.sequence() > loaded.get(0).sequence() && !event.time().isBefore(loaded.get(0).time()));
        assertTrue(matching(balor, Level.ERROR, aboutOurs).isEmpty(), "a broken file is a warning, not an error");
        List<LogEvent> both = matching(balor, Level.ALL, aboutOurs);
        assertEquals(List.of(loaded.get(0), event), both, "oldest first");
    }

    /**
     * An apply refused because a certificate does not load is reported to its caller only: the
     * problem (whether the file exists, what it holds) is not an event that anyone reading the
     * event log could learn it from.
     */
    @Test
    void aCertificateThatNeverLoadedIsNotAnEvent() throws Exception {
        Path notPem = Files.writeString(dir.resolve("not.pem"), "secret-looking text\n");
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        BalorConfig plain = new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")),
                List.of(PoolConfig.of("app", UpstreamConfig.of(app.address()))));
        Balor balor = resources.track(Balor.start(plain, BalorOptions.defaults().withLoops(1)));
        for (String file : List.of(notPem.toString(), dir.resolve("missing.pem").toString())) {
            BalorConfig tls = new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")
                    .withTls(new TlsConfig(TlsConfig.Mode.TERMINATE, new CertificateConfig(file, file), null))),
                    plain.pools());
            org.junit.jupiter.api.Assertions.assertThrows(io.balor.config.InvalidConfigException.class,
                    () -> balor.apply(tls));
        }
        assertTrue(matching(balor, Level.ALL, event -> event.message().contains(dir.toString())).isEmpty(),
                balor.recentEvents(100, Level.ALL).toString());
    }

    @Test
    void anUpstreamGoingDownIsAWarningFromTheHealthChecks() {
        // Port 1 (tcpmux) is closed on a test machine: each connect is refused at once.
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(), List.of(
                PoolConfig.of("events-check", UpstreamConfig.of("127.0.0.1:1")).withHealthCheck(HealthCheckConfig.tcp()
                        .withInterval(Duration.ofMillis(20)).withTimeout(Duration.ofSeconds(1)).withFall(1)))),
                BalorOptions.defaults().withLoops(1)));
        Predicate<LogEvent> down = event -> event.message().startsWith("upstream events-check/127.0.0.1:1 is down");
        Await.until("the down event", () -> !matching(balor, Level.WARNING, down).isEmpty());
        LogEvent event = matching(balor, Level.WARNING, down).get(0);
        assertEquals("health", event.source());
        assertEquals(Level.WARNING, event.level());
    }

    @Test
    void anUnwritableAccessLogIsOneWarningHoweverManyLinesAreDropped() throws Exception {
        Path notADirectory = dir.resolve("file");
        Files.writeString(notADirectory, "in the way");
        Path logs = notADirectory.resolve("logs");
        HttpUpstream app = resources.track(new HttpUpstream("app"));
        Balor balor = resources.track(Balor.start(new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")),
                List.of(PoolConfig.of("app", UpstreamConfig.of(app.address())))),
                BalorOptions.defaults().withLoops(1).withAccessLog(AccessLogOptions.MEMORY.inDirectory(logs))));
        InetSocketAddress web = balor.boundAddress("web");
        for (int i = 1; i <= 10; i++) {
            assertEquals("200", get(web, "/" + i), "traffic goes on");
            long lost = i;   // one batch per line: each one fails to be written on its own
            Await.until(lost + " lines counted as dropped", () -> balor.accessLogDropped() == lost);
        }
        Predicate<LogEvent> ours = event -> event.message().contains(logs.resolve("access.log").toString());
        List<LogEvent> warnings = matching(balor, Level.ALL, ours);
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals(Level.WARNING, warnings.get(0).level());
        assertEquals("log", warnings.get(0).source());
        assertTrue(warnings.get(0).message().startsWith("cannot write " + logs.resolve("access.log")),
                warnings.get(0).message());
        assertFalse(warnings.get(0).message().contains("\n"), warnings.get(0).message());
    }

    private static String get(InetSocketAddress address, String path) throws IOException {
        try (Socket socket = Clients.connect(address)) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).substring(9, 12);
        }
    }
}
