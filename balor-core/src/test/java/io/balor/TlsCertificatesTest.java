package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.CertificateConfig;
import io.balor.config.ConfigProblem;
import io.balor.config.HttpSettings;
import io.balor.config.InvalidConfigException;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.RouteConfig;
import io.balor.config.TlsConfig;
import io.balor.config.UpstreamConfig;
import io.balor.tls.TestPki;
import io.balor.tls.TestPki.KeyFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.balor.TlsClients.cn;
import static io.balor.TlsClients.presented;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which certificate a TLS-terminating listener serves, end to end with openssl, curl and JDK
 * clients: selection by SNI, the key formats and chains it reads, hot reload, and what a broken
 * or missing file does to a running config.
 */
class TlsCertificatesTest {

    private final TestResources resources = new TestResources();
    @TempDir Path dir;
    private TestPki ca;
    private Path caFile;
    private SSLContext trust;
    private HttpUpstream app;

    @BeforeEach
    void pki() throws Exception {
        ca = TestPki.ca("Balor Test CA");
        caFile = dir.resolve("ca.pem");
        ca.writeCaBundle(caFile);
        trust = TlsClients.trusting(caFile);
        app = resources.track(new HttpUpstream("app"));
    }

    @AfterEach
    void close() throws Exception {
        resources.close();
    }

    private Balor start(BalorOptions options, ListenerConfig... listeners) {
        return resources.track(Balor.start(new BalorConfig(List.of(listeners),
                List.of(PoolConfig.of("app", UpstreamConfig.of(app.address())))), options.withLoops(2)));
    }

    private static ListenerConfig routed(String name, TlsConfig tls, RouteConfig... routes) {
        return ListenerConfig.http(name, "127.0.0.1:0", "app").withTls(tls)
                .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(routes)));
    }

    private CertificateConfig pair(String name, TestPki.Leaf leaf) {
        return TlsClients.files(dir, name, leaf, KeyFormat.PKCS8);
    }

    /** One GET on an open TLS connection; the upstream's answer. */
    private static String get(SSLSocket socket, String host, String path) throws Exception {
        TlsClients.send(socket, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        TlsClients.Response response = TlsClients.readResponse(socket.getInputStream());
        assertEquals(200, response.status(), response.head());
        return response.text();
    }

    private CertificateStatus status(Balor balor, CertificateConfig files) {
        String wanted = Path.of(files.certFile()).toAbsolutePath().normalize().toString();
        return balor.certificates().stream().filter(s -> s.certFile().equals(wanted)).findFirst()
                .orElseThrow(() -> new AssertionError("no status for " + wanted + " in " + balor.certificates()));
    }

    // ---- selection by SNI

    @Test
    void theServerNameChoosesTheCertificate() throws Exception {
        CertificateConfig a = pair("a", ca.leaf("a.example", "alt.example").commonName("cert-a").issue());
        CertificateConfig w = pair("w", ca.leaf("*.w.example").commonName("cert-w").issue());
        CertificateConfig b = pair("b", ca.leaf("b.example", "*.b-alt.example").commonName("cert-b").issue());
        CertificateConfig l = pair("l", ca.leaf("fallback.example").commonName("cert-l").issue());
        Balor balor = start(BalorOptions.defaults(),
                routed("web", new TlsConfig(TlsConfig.Mode.TERMINATE, l, null),
                        RouteConfig.of("a.example", "app").withTls(a),
                        RouteConfig.of("*.w.example", "app").withTls(w),
                        RouteConfig.of("b.example", "app").withTls(b)));
        int port = balor.boundAddress("web").getPort();
        String[][] cases = {
            {"a.example", "cert-a"},          // route, exact
            {"A.Example", "cert-a"},          // names are case-insensitive
            {"x.w.example", "cert-w"},        // route, wildcard
            {"y.x.w.example", "cert-w"},      // a route's *.suffix matches any depth, like host routing
            {"alt.example", "cert-a"},        // no route: a loaded certificate's SAN covers it
            {"x.b-alt.example", "cert-b"},    // ... a wildcard SAN, one label
            {"y.x.b-alt.example", "cert-l"},  // ... but not two: the listener's own
            {"unknown.example", "cert-l"},    // nothing covers it: the listener's own
            {null, "cert-l"},                 // no SNI at all: the listener's own
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(c[0] == null ? List.of("-noservername") : List.of("-servername", c[0]));
            args.addAll(List.of("-CAfile", caFile.toString(), "-verify_return_error"));
            TlsClients.Run run = TlsClients.sClient(dir, port, null, args.toArray(String[]::new));
            assertEquals("subject=CN = " + c[1], TlsClients.subjectLine(run), c[0] + ": " + run);
            assertTrue(run.has("Verify return code: 0 (ok)"), run.toString());
        }
        // RFC 6066 §3: a host_name has no trailing dot. The JDK engine refuses one with an
        // illegal_parameter alert, although ClientHelloPeeker would have matched it without.
        TlsClients.Run dot = TlsClients.sClient(dir, port, null, "-servername", "a.example.");
        assertTrue(dot.exit() != 0 && dot.has("alert illegal parameter"), dot.toString());

        // The JDK client agrees on a few.
        InetSocketAddress web = balor.boundAddress("web");
        assertEquals("cert-a", cn(presented(web, "a.example", caFile)));
        assertEquals("cert-w", cn(presented(web, "z.w.example", caFile)));
        assertEquals("cert-l", cn(presented(web, null, caFile)));
    }

    /**
     * Issue 12: a certificate's IP SANs are reported ({@code 127.0.0.1}, {@code ::1}) but are not
     * server names (RFC 6066 §3): a ClientHello naming {@code 127.0.0.1} (openssl sends it when
     * told to) gets the listener's own certificate, not the one whose IP SAN it is.
     */
    @Test
    void ipSansAreReportedButNeverChooseACertificate() throws Exception {
        CertificateConfig ip = pair("ip", ca.leaf("ip.example", "127.0.0.1", "::1").commonName("cert-ip").issue());
        CertificateConfig l = pair("l", ca.leaf("fallback.example").commonName("cert-l").issue());
        Balor balor = start(BalorOptions.defaults(), routed("web", new TlsConfig(TlsConfig.Mode.TERMINATE, l, null),
                RouteConfig.of("ip.example", "app").withTls(ip)));
        CertificateStatus status = status(balor, ip);
        assertEquals(List.of("ip.example"), status.dnsNames());
        assertEquals(List.of("127.0.0.1", "::1"), status.ipAddresses());
        assertEquals(List.of("fallback.example"), status(balor, l).dnsNames());
        assertEquals(List.of(), status(balor, l).ipAddresses());

        int port = balor.boundAddress("web").getPort();
        String[][] cases = {
            {"ip.example", "cert-ip"},
            {"127.0.0.1", "cert-l"},
            {null, "cert-l"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(c[0] == null ? List.of("-noservername") : List.of("-servername", c[0]));
            args.addAll(List.of("-CAfile", caFile.toString()));
            TlsClients.Run run = TlsClients.sClient(dir, port, null, args.toArray(String[]::new));
            assertEquals("subject=CN = " + c[1], TlsClients.subjectLine(run), c[0] + ": " + run);
        }
    }

    @Test
    void aListenerWithoutItsOwnCertificateRefusesUnknownNamesAndServesTheOthers() throws Exception {
        CertificateConfig a = pair("a", ca.leaf("a.example").commonName("cert-a").issue());
        CertificateConfig w = pair("w", ca.leaf("*.w.example").commonName("cert-w").issue());
        Balor balor = start(BalorOptions.defaults(), routed("bare", null,
                RouteConfig.of("a.example", "app").withTls(a), RouteConfig.of("*.w.example", "app").withTls(w)));
        InetSocketAddress bare = balor.boundAddress("bare");

        TlsClients.Run unknown = TlsClients.sClient(dir, bare.getPort(), null, "-servername", "unknown.example");
        assertNotEquals(0, unknown.exit(), unknown.toString());
        assertTrue(unknown.has("unrecognized name"), "an unrecognized_name alert: " + unknown);
        assertNull(TlsClients.subjectLine(unknown), unknown.toString());
        TlsClients.Run none = TlsClients.sClient(dir, bare.getPort(), null, "-noservername");
        assertTrue(none.exit() != 0 && none.has("unrecognized name"), none.toString());
        SSLHandshakeException refused = assertThrows(SSLHandshakeException.class,
                () -> presented(bare, "other.example", caFile));
        assertTrue(refused.getMessage().contains("unrecognized_name"), refused.toString());

        // The refusals did not hurt the listener.
        try (SSLSocket socket = TlsClients.open(bare, "x.w.example", trust)) {
            assertEquals("cert-w", cn((X509Certificate) socket.getSession().getPeerCertificates()[0]));
            assertEquals("app GET /after 0", get(socket, "x.w.example", "/after"));
        }
        assertEquals("cert-a", cn(presented(bare, "a.example", caFile)));
    }

    // ---- key formats and chains

    @Test
    void everyKeyFormatAndAChainWithAnIntermediateWorkWithCurl() throws Exception {
        TestPki intermediate = ca.intermediate("Balor Test Intermediate");
        TestPki.Leaf chained = intermediate.leaf("chain.example").commonName("chain.example").issue();
        Path chainCert = dir.resolve("chain.crt");
        Path chainKey = dir.resolve("chain.key");
        // leaf and intermediate only, as a CA hands them out: the client has the root
        Files.writeString(chainCert, TlsClients.pem(chained.chain().subList(0, 2)));
        chained.writeKey(chainKey, KeyFormat.PKCS8);
        Path bareCert = dir.resolve("nochain.crt");
        Path bareKey = dir.resolve("nochain.key");
        TestPki.Leaf unchained = intermediate.leaf("nochain.example").issue();
        unchained.writeCert(bareCert, false);
        unchained.writeKey(bareKey, KeyFormat.PKCS8);
        TestPki.Leaf combined = ca.leaf("combined.example").rsa().issue();
        Path combinedFile = dir.resolve("combined.pem");
        Files.writeString(combinedFile, TlsClients.pem(combined.chain()) + combined.keyPem(KeyFormat.PKCS1));
        TestPki.Leaf withParameters = ca.issue("sec1p.example");
        withParameters.writeCert(dir.resolve("sec1p.crt"), true);
        withParameters.writeSec1KeyWithParameters(dir.resolve("sec1p.key"));

        List<RouteConfig> routes = List.of(
                RouteConfig.of("rsa8.example", "app").withTls(
                        TlsClients.files(dir, "rsa8", ca.leaf("rsa8.example").rsa().issue(), KeyFormat.PKCS8)),
                RouteConfig.of("rsa1.example", "app").withTls(
                        TlsClients.files(dir, "rsa1", ca.leaf("rsa1.example").rsa().issue(), KeyFormat.PKCS1)),
                RouteConfig.of("ec8.example", "app").withTls(
                        TlsClients.files(dir, "ec8", ca.issue("ec8.example"), KeyFormat.PKCS8)),
                RouteConfig.of("sec1.example", "app").withTls(
                        TlsClients.files(dir, "sec1", ca.issue("sec1.example"), KeyFormat.SEC1)),
                RouteConfig.of("sec1p.example", "app").withTls(new CertificateConfig(
                        dir.resolve("sec1p.crt").toString(), dir.resolve("sec1p.key").toString())),
                RouteConfig.of("combined.example", "app").withTls(new CertificateConfig(combinedFile.toString(), null)),
                RouteConfig.of("chain.example", "app").withTls(new CertificateConfig(chainCert.toString(),
                        chainKey.toString())),
                RouteConfig.of("nochain.example", "app").withTls(new CertificateConfig(bareCert.toString(),
                        bareKey.toString())));
        Balor balor = start(BalorOptions.defaults(), routed("web", null, routes.toArray(RouteConfig[]::new)));
        int port = balor.boundAddress("web").getPort();

        String[][] hosts = {{"rsa8", "rsaEncryption"}, {"rsa1", "rsaEncryption"}, {"ec8", "id-ecPublicKey"},
            {"sec1", "id-ecPublicKey"}, {"sec1p", "id-ecPublicKey"}, {"combined", "rsaEncryption"},
            {"chain", "id-ecPublicKey"}};
        for (String[] host : hosts) {
            String name = host[0] + ".example";
            TlsClients.Run curl = TlsClients.curl(dir, "-v", "--cacert", caFile.toString(), "--resolve",
                    name + ":" + port + ":127.0.0.1", "https://" + name + ":" + port + "/" + host[0]);
            assertEquals(0, curl.exit(), curl.toString());
            assertTrue(curl.has("subject: CN=" + name) && curl.has("SSL certificate verify ok"), curl.toString());
            assertTrue(curl.output().endsWith("app GET /" + host[0] + " 0"), curl.toString());
            TlsClients.Run openssl = TlsClients.sClient(dir, port, null, "-servername", name, "-CAfile",
                    caFile.toString(), "-verify_return_error");
            assertTrue(openssl.has("Verify return code: 0 (ok)"), openssl.toString());
        }
        // The intermediate really is served from the file: without it, curl cannot build the chain.
        TlsClients.Run unchainedRun = TlsClients.curl(dir, "--cacert", caFile.toString(), "--resolve",
                "nochain.example:" + port + ":127.0.0.1", "https://nochain.example:" + port + "/");
        assertEquals(60, unchainedRun.exit(), unchainedRun.toString());
        TlsClients.Run depth = TlsClients.sClient(dir, port, null, "-servername", "chain.example", "-showcerts");
        assertTrue(depth.has(" 1 s:CN = Balor Test Intermediate"), "the chain has the intermediate: " + depth);
        assertTrue(!depth.has(" 2 s:"), "and not the root: " + depth);
    }

    // ---- hot reload

    @Test
    void aForcedReloadServesTheNewCertificateAndKeepsOpenConnections() throws Exception {
        CertificateConfig a = pair("a", ca.leaf("a.example").commonName("a-v1").issue());
        Balor balor = start(BalorOptions.defaults(), ListenerConfig.http("web", "127.0.0.1:0", "app")
                .withTls(new TlsConfig(TlsConfig.Mode.TERMINATE, a, null)));
        InetSocketAddress web = balor.boundAddress("web");
        try (SSLSocket old = TlsClients.open(web, "a.example", trust)) {
            assertEquals("app GET /1 0", get(old, "a.example", "/1"));
            String before = status(balor, a).fingerprint();

            TestPki.Leaf v2 = ca.leaf("a.example").commonName("a-v2").issue();
            v2.writeCert(Path.of(a.certFile()), true);
            v2.writeKey(Path.of(a.keyFile()), KeyFormat.PKCS8);
            balor.reloadCertificates();

            assertEquals("a-v2", cn(presented(web, "a.example", caFile)), "a new handshake gets the new certificate");
            CertificateStatus now = status(balor, a);
            assertEquals("CN=a-v2", now.subject());
            assertNotEquals(before, now.fingerprint());
            assertNull(now.problem());
            assertEquals("app GET /2 0", get(old, "a.example", "/2"), "the open connection still serves");
            assertEquals("a-v1", cn((X509Certificate) old.getSession().getPeerCertificates()[0]));
        }
    }

    @Test
    void thePeriodicCheckPicksUpARewrittenCertificate() throws Exception {
        CertificateConfig a = pair("a", ca.leaf("a.example").commonName("a-v1").issue());
        CertificateConfig b = pair("b", ca.leaf("b.example").commonName("b-v1").issue());
        Balor balor = start(BalorOptions.defaults().withCertificateCheckInterval(Duration.ofMillis(100)),
                routed("web", null, RouteConfig.of("a.example", "app").withTls(a),
                        RouteConfig.of("b.example", "app").withTls(b)));
        InetSocketAddress web = balor.boundAddress("web");
        try (SSLSocket old = TlsClients.open(web, "a.example", trust)) {
            assertEquals("app GET /1 0", get(old, "a.example", "/1"));
            // Written in place, the certificate first: the watcher may see the new one with the
            // old key in between, which must not stick.
            TestPki.Leaf v2 = ca.leaf("a.example").commonName("a-v2").issue();
            v2.writeCert(Path.of(a.certFile()), true);
            v2.writeKey(Path.of(a.keyFile()), KeyFormat.PKCS8);
            Await.until("the watcher loads a-v2", () -> "CN=a-v2".equals(status(balor, a).subject())
                    && status(balor, a).problem() == null);
            assertEquals("a-v2", cn(presented(web, "a.example", caFile)));
            assertEquals("b-v1", cn(presented(web, "b.example", caFile)), "the other host is untouched");
            assertEquals("app GET /2 0", get(old, "a.example", "/2"));
        }
    }

    // ---- broken and missing files

    @Test
    void aBrokenFileKeepsThePreviousCertificateUntilAGoodOneComes() throws Exception {
        TestPki.Leaf b1 = ca.leaf("b.example").commonName("b-v1").issue();
        CertificateConfig a = pair("a", ca.leaf("a.example").commonName("a-v1").issue());
        CertificateConfig b = pair("b", b1);
        Balor balor = start(BalorOptions.defaults(), routed("web", null,
                RouteConfig.of("a.example", "app").withTls(a), RouteConfig.of("b.example", "app").withTls(b)));
        InetSocketAddress web = balor.boundAddress("web");
        String served = status(balor, a).fingerprint();
        Path aKey = Path.of(a.keyFile());
        Path aCert = Path.of(a.certFile());
        TestPki.Leaf expired = ca.leaf("a.example").commonName("a-expired")
                .validity(Instant.now().minus(Duration.ofDays(30)), Instant.now().minus(Duration.ofDays(1))).issue();

        Runnable[] breakages = {
            () -> write(aKey, "this is not a key\n"),
            () -> write(aKey, b1.keyPem(KeyFormat.PKCS8)),              // the key of another certificate
            () -> {
                expired.writeCert(aCert, true);
                expired.writeKey(aKey, KeyFormat.PKCS8);
            },
            () -> write(aCert, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        };
        String[] problems = {"no private key", "does not match", "not valid now", "not a valid PEM file"};
        for (int i = 0; i < breakages.length; i++) {
            breakages[i].run();
            balor.reloadCertificates();
            CertificateStatus broken = status(balor, a);
            assertNotNull(broken.problem(), "breakage " + i + ": " + broken);
            assertTrue(broken.problem().contains(problems[i]), "breakage " + i + ": " + broken.problem());
            // CertificateProblem: the message names the file at fault first (the whole path), then what is wrong
            assertTrue(broken.problem().startsWith(dir.toAbsolutePath() + "/a."), "breakage " + i + ": " + broken.problem());
            assertNotNull(broken.problemSince());
            assertEquals(served, broken.fingerprint(), "breakage " + i + ": the previous certificate is still served");
            assertEquals("a-v1", cn(presented(web, "a.example", caFile)));
            assertNull(status(balor, b).problem());
            try (SSLSocket socket = TlsClients.open(web, "b.example", trust)) {
                assertEquals("app GET /b 0", get(socket, "b.example", "/b"));
            }
            try (SSLSocket socket = TlsClients.open(web, "a.example", trust)) {
                assertEquals("app GET /a 0", get(socket, "a.example", "/a"));
            }
        }

        TestPki.Leaf good = ca.leaf("a.example").commonName("a-v2").issue();
        good.writeCert(aCert, true);
        good.writeKey(aKey, KeyFormat.SEC1);
        balor.reloadCertificates();
        CertificateStatus fixed = status(balor, a);
        assertNull(fixed.problem(), fixed.toString());
        assertNull(fixed.problemSince(), fixed.toString());
        assertEquals("CN=a-v2", fixed.subject());
        assertEquals("a-v2", cn(presented(web, "a.example", caFile)));
    }

    @Test
    void anExpiredCertificateIsServedOnlyWhenThereIsNothingElse() throws Exception {
        Instant now = Instant.now();
        CertificateConfig a = pair("a", ca.leaf("a.example").commonName("a-expired")
                .validity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1))).issue());
        Balor balor = start(BalorOptions.defaults(), routed("web", null, RouteConfig.of("a.example", "app").withTls(a)));
        CertificateStatus status = status(balor, a);
        assertEquals("CN=a-expired", status.subject());
        assertTrue(status.problem() != null && status.problem().contains("not valid now"), status.toString());
        int port = balor.boundAddress("web").getPort();
        TlsClients.Run run = TlsClients.sClient(dir, port, null, "-servername", "a.example", "-CAfile", caFile.toString());
        assertTrue(run.has("subject=CN = a-expired") && run.has("certificate has expired"), run.toString());

        TestPki.Leaf fresh = ca.leaf("a.example").commonName("a-fresh").issue();
        fresh.writeCert(Path.of(a.certFile()), true);
        fresh.writeKey(Path.of(a.keyFile()), KeyFormat.PKCS8);
        balor.reloadCertificates();
        assertNull(status(balor, a).problem());
        assertEquals("a-fresh", cn(presented(balor.boundAddress("web"), "a.example", caFile)));
    }

    @Test
    void aCertificateThatRunsOutWhileServedIsReported() throws Exception {
        Instant now = Instant.now();
        CertificateConfig a = pair("a", ca.leaf("a.example").commonName("a-short")
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(2))).issue());
        MovableClock clock = new MovableClock(now);
        Balor balor = start(BalorOptions.defaults().withClock(clock),
                routed("web", null, RouteConfig.of("a.example", "app").withTls(a)));
        balor.reloadCertificates();
        assertNull(status(balor, a).problem(), "valid: nothing to report");

        clock.now = now.plus(Duration.ofDays(3));   // the files do not change; time passes them by
        balor.reloadCertificates();
        CertificateStatus status = status(balor, a);
        assertTrue(status.problem() != null && status.problem().contains("not valid now"), status.toString());
        assertNotNull(status.problemSince());
        assertEquals("a-short", cn(presented(balor.boundAddress("web"), "a.example", caFile)),
                "still served: there is nothing else to serve");
    }

    /** Wall time that a test moves by hand. */
    private static final class MovableClock extends java.time.Clock {
        volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anApplyWithAMissingCertificateIsRefusedAndChangesNothing() throws Exception {
        CertificateConfig a = pair("a", ca.leaf("a.example").commonName("cert-a").issue());
        ListenerConfig web = routed("web", null, RouteConfig.of("a.example", "app").withTls(a));
        Balor balor = start(BalorOptions.defaults(), web);
        BalorConfig running = balor.config();
        long generation = balor.generation();
        String missing = dir.resolve("missing.crt").toString();

        InvalidConfigException route = assertThrows(InvalidConfigException.class, () -> balor.apply(running
                .withListeners(List.of(routed("web", null, RouteConfig.of("a.example", "app").withTls(a),
                        RouteConfig.of("c.example", "app").withTls(new CertificateConfig(missing, null)))))));
        assertEquals(List.of("listeners[0].host_routes[1].tls.cert_file"),
                route.problems().stream().map(ConfigProblem::path).toList(), route.getMessage());
        assertTrue(route.getMessage().contains("missing.crt"), route.getMessage());

        InvalidConfigException own = assertThrows(InvalidConfigException.class, () -> balor.apply(running
                .withListeners(List.of(web, ListenerConfig.http("other", "127.0.0.1:0", "app")
                        .withTls(TlsConfig.terminate(missing, null))))));
        assertEquals(List.of("listeners[1].tls.cert_file"),
                own.problems().stream().map(ConfigProblem::path).toList(), own.getMessage());

        assertEquals(running, balor.config());
        assertEquals(generation, balor.generation());
        assertNull(balor.boundAddress("other"), "the refused listener was not bound");
        assertEquals(1, balor.certificates().size(), balor.certificates().toString());
        assertEquals("cert-a", cn(presented(balor.boundAddress("web"), "a.example", caFile)));

        // Nor does a first config start with it.
        InvalidConfigException atStart = assertThrows(InvalidConfigException.class, () -> Balor.start(
                new BalorConfig(List.of(ListenerConfig.http("web", "127.0.0.1:0", "app")
                        .withTls(TlsConfig.terminate(missing, null))),
                        List.of(PoolConfig.of("app", UpstreamConfig.of(app.address())))), BalorOptions.defaults()));
        assertEquals("listeners[0].tls.cert_file", atStart.problems().get(0).path());

        // The route goes through once its files exist; certificates() follows the config.
        CertificateConfig c = TlsClients.files(dir, "missing", ca.leaf("c.example").commonName("cert-c").issue(),
                KeyFormat.PKCS8);
        assertEquals(missing, c.certFile());
        BalorConfig withC = running.withListeners(List.of(routed("web", null, RouteConfig.of("a.example", "app").withTls(a),
                RouteConfig.of("c.example", "app").withTls(c))));
        assertEquals(generation + 1, balor.apply(withC));
        assertEquals("cert-c", cn(presented(balor.boundAddress("web"), "c.example", caFile)));
        assertEquals(2, balor.certificates().size(), balor.certificates().toString());
        balor.apply(running);
        assertEquals(1, balor.certificates().size(), balor.certificates().toString());
        assertThrows(SSLException.class, () -> presented(balor.boundAddress("web"), "c.example", caFile),
                "c.example is gone with its route, and the listener has no certificate of its own");
    }
}
