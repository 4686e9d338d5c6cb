package io.balor.admin.acme;

import com.sun.net.httpserver.HttpServer;
import io.balor.Balor;
import io.balor.BalorOptions;
import io.balor.admin.api.Pem;
import io.balor.config.BalorConfig;
import io.balor.config.CertificateConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.RouteConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ACME end to end through a real Balor: Pebble's validator fetches the HTTP-01 answer from a
 * Balor HTTP listener (the token published with {@link Balor#publishAcmeChallenge}, answered
 * before routing), the certificate issued replaces a route's files, and after
 * {@link Balor#reloadCertificates()} a new HTTPS handshake by SNI gets it, while a connection
 * opened before keeps working: no listener restart.
 */
class AcmeThroughBalorTest {

    @TempDir
    Path dir;

    @Test
    void aRouteGetsItsCertificateOverHttp01AndServesItBySniWithoutARestart() throws Exception {
        HttpServer app = FixedAnswer.start(new InetSocketAddress("127.0.0.1", 0), "app");
        Pem first = Pem.selfSigned(dir.resolve("first"), "shop.test");
        Path cert = dir.resolve("certs/shop.test.crt");
        Path key = dir.resolve("certs/shop.test.key");
        Files.createDirectories(cert.getParent());
        Files.writeString(cert, first.cert());
        Files.writeString(key, first.key());
        int httpPort;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            httpPort = probe.getLocalPort();   // Pebble's validator needs the port before Balor binds it
        }
        String upstream = "127.0.0.1:" + app.getAddress().getPort();
        BalorConfig config = new BalorConfig(List.of(
                ListenerConfig.http("web", "127.0.0.1:" + httpPort, "app"),
                ListenerConfig.http("secure", "127.0.0.1:0", null).withHttp(HttpSettings.DEFAULT.withRoutes(List.of(
                        RouteConfig.of("shop.test", "app").withTls(new CertificateConfig(cert.toString(), key.toString())))))),
                List.of(PoolConfig.of("app", UpstreamConfig.of(upstream))));
        try (Balor balor = Balor.start(config, BalorOptions.defaults().withLoops(1));
             PebbleServer pebble = PebbleServer.start(dir.resolve("pebble"), httpPort)) {
            int tlsPort = balor.boundAddress("secure").getPort();
            try (SSLSocket before = TlsProbe.handshake(tlsPort, "shop.test")) {
                assertEquals(TlsProbe.parse(first.cert()), TlsProbe.leaf(before), "the route serves its first certificate");

                AcmeClient client = new AcmeClient(pebble.directoryUrl(), AcmeOptions.DEFAULTS
                        .withTrustedCaFile(pebble.caBundle()).withPollInterval(java.time.Duration.ofMillis(50)));
                AcmeAccount account = client.register(CertificateKeyType.EC_P256.generate(),
                        AccountRequest.of("ops@shop.test", true));
                Http01Challenges throughBalor = Http01Challenges.on(balor);
                IssuedCertificate issued = client.issue(account, OrderRequest.of(ChallengeType.HTTP_01, "shop.test"),
                        throughBalor, null);

                // The new pair goes where the route's files are, and the store reloads them: no apply, no restart.
                Files.writeString(key, issued.privateKeyPem());
                Files.writeString(cert, issued.certificateChainPem());
                balor.reloadCertificates();
                try (SSLSocket after = TlsProbe.handshake(tlsPort, "shop.test")) {
                    X509Certificate served = TlsProbe.leaf(after);
                    assertNotEquals(TlsProbe.parse(first.cert()), served);
                    assertEquals(TlsProbe.parse(issued.certificateChainPem()), served, "a new handshake gets the issued one by SNI");
                    assertTrue(TlsProbe.get(after, "shop.test").endsWith("app"));
                }
                assertTrue(TlsProbe.get(before, "shop.test").endsWith("app"), "the connection opened before still works");
            }
        } finally {
            app.stop(0);
        }
    }
}
