package io.balor;

import io.balor.config.BalorConfig;
import io.balor.config.CertificateConfig;
import io.balor.config.ConfigProblem;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.RouteConfig;
import io.balor.config.TlsConfig;
import io.balor.config.UpstreamConfig;
import io.balor.config.UpstreamTlsConfig;
import io.balor.tls.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Certificate files are read only when they are regular files: a FIFO (or a terminal, a device)
 * named as a certificate would block the supervisor for as long as nobody writes to it, and every
 * later change behind it. {@link CertificateFiles#problems} names what an apply would refuse.
 */
class CertificateFilesTest {

    @TempDir
    Path dir;

    @Test
    void aFifoIsRefusedWithoutBeingOpened() throws Exception {
        Path fifo = dir.resolve("fifo.pem");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor());
        CertificateStatus status = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> CertificateFiles.check(fifo, fifo));
        assertEquals(fifo + ": not a regular file", status.problem());
        CertificateStatus directory = CertificateFiles.check(dir, dir);
        assertEquals(dir + ": not a regular file", directory.problem());
        assertEquals(true, Files.exists(fifo));
    }

    /** What balorctl validate relies on: the files an apply loads, by the apply's paths, and no others. */
    @Test
    void problemsNameTheFilesAnApplyWouldRefuseByTheirPaths() {
        TestPki ca = TestPki.ca("test CA");
        TestPki.Leaf shop = ca.issue("shop.example");
        TestPki.Leaf other = ca.issue("other.example");
        shop.writeCert(dir.resolve("shop.crt"), false);
        shop.writeKey(dir.resolve("shop.key"), TestPki.KeyFormat.PKCS8);
        other.writeKey(dir.resolve("other.key"), TestPki.KeyFormat.PKCS8);
        String missing = dir.resolve("missing.pem").toString();
        String cert = dir.resolve("shop.crt").toString();
        ListenerConfig web = ListenerConfig.http("web", "127.0.0.1:0", "app")
                .withTls(TlsConfig.terminate(cert, dir.resolve("shop.key").toString()))
                .withHttp(HttpSettings.DEFAULT.withRoutes(List.of(RouteConfig.of("api.example", "app")
                        .withTls(new CertificateConfig(cert, dir.resolve("other.key").toString())))));
        ListenerConfig off = ListenerConfig.http("off", "127.0.0.1:0", "app")
                .withTls(TlsConfig.terminate(missing, missing)).withEnabled(false);
        PoolConfig secure = PoolConfig.of("app", UpstreamConfig.of("https://127.0.0.1:9443"))
                .withTls(UpstreamTlsConfig.trusting(missing));
        PoolConfig plain = PoolConfig.of("plain", UpstreamConfig.of("127.0.0.1:9"))
                .withTls(UpstreamTlsConfig.trusting(missing));
        List<ConfigProblem> problems = CertificateFiles.problems(new BalorConfig(List.of(web, off),
                List.of(secure, plain)));
        assertEquals(List.of("listeners[0].host_routes[0].tls.cert_file", "pools[0].tls.ca_file"),
                problems.stream().map(ConfigProblem::path).toList(), problems.toString());
        assertEquals(dir.resolve("other.key") + ": the private key does not match the certificate in " + cert,
                problems.get(0).message());
        assertEquals(missing + ": file not found", problems.get(1).message());
        assertEquals(List.of(), CertificateFiles.problems(new BalorConfig(List.of(web.withHttp(HttpSettings.DEFAULT)),
                List.of(secure.withTls(UpstreamTlsConfig.DEFAULT)))), "what loads is no problem");
    }

    /** Issue 12: the status reports IP SANs beside the DNS names, and {@code sans()} lists both. */
    @Test
    void theStatusReportsIpSansBesideTheDnsNames() throws Exception {
        io.balor.tls.TestPki ca = io.balor.tls.TestPki.ca("Balor Test CA");
        io.balor.tls.TestPki.Leaf leaf = ca.leaf("localhost", "127.0.0.1", "::1").issue();
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        leaf.writeCert(cert, false);
        leaf.writeKey(key, io.balor.tls.TestPki.KeyFormat.PKCS8);
        CertificateStatus status = CertificateFiles.check(cert, key);
        assertEquals(null, status.problem());
        assertEquals(java.util.List.of("localhost"), status.dnsNames());
        assertEquals(java.util.List.of("127.0.0.1", "::1"), status.ipAddresses());
        assertEquals(java.util.List.of("localhost", "127.0.0.1", "::1"), status.sans());
    }
}
