package io.balor.admin.acme;

import com.sun.net.httpserver.HttpServer;
import io.balor.Balor;
import io.balor.BalorOptions;
import io.balor.admin.api.Pem;
import io.balor.admin.http.ApiServer;
import io.balor.config.BalorConfig;
import io.balor.config.CertificateConfig;
import io.balor.config.HttpSettings;
import io.balor.config.ListenerConfig;
import io.balor.config.PoolConfig;
import io.balor.config.RouteConfig;
import io.balor.config.UpstreamConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
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
        ApiServer.applyTimeoutDefaults();   // jdk.httpserver reads its settings once per JVM: the admin server's first
        HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        app.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = "app".getBytes(StandardCharsets.US_ASCII);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        app.start();
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
            try (SSLSocket before = handshake(tlsPort)) {
                assertEquals(parse(first.cert()), leaf(before), "the route serves its first certificate");

                AcmeClient client = new AcmeClient(pebble.directoryUrl(), AcmeOptions.DEFAULTS
                        .withTrustedCaFile(pebble.caBundle()).withPollInterval(java.time.Duration.ofMillis(50)));
                AcmeAccount account = client.register(CertificateKeyType.EC_P256.generate(),
                        AccountRequest.of("ops@shop.test", true));
                Http01Challenges throughBalor = new Http01Challenges() {
                    @Override
                    public void publish(String token, String keyAuthorization) {
                        balor.publishAcmeChallenge(token, keyAuthorization);
                    }

                    @Override
                    public void withdraw(String token) {
                        balor.withdrawAcmeChallenge(token);
                    }
                };
                IssuedCertificate issued = client.issue(account, OrderRequest.of(ChallengeType.HTTP_01, "shop.test"),
                        throughBalor, null);

                // The new pair goes where the route's files are, and the store reloads them: no apply, no restart.
                Files.writeString(key, issued.privateKeyPem());
                Files.writeString(cert, issued.certificateChainPem());
                balor.reloadCertificates();
                try (SSLSocket after = handshake(tlsPort)) {
                    X509Certificate served = leaf(after);
                    assertNotEquals(parse(first.cert()), served);
                    assertEquals(parse(issued.certificateChainPem()), served, "a new handshake gets the issued one by SNI");
                    assertTrue(get(after).endsWith("app"));
                }
                assertTrue(get(before).endsWith("app"), "the connection opened before still works");
            }
        } finally {
            app.stop(0);
        }
    }

    private static SSLSocket handshake(int port) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {   // the test compares the leaf itself
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String type) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String type) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName("shop.test")));
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private static X509Certificate leaf(SSLSocket socket) throws Exception {
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }

    private static X509Certificate parse(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    /** One keep-alive request on the socket; the response as far as its body's 3 bytes. */
    private static String get(SSLSocket socket) throws Exception {
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: shop.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        StringBuilder text = new StringBuilder();
        while (!(text.indexOf("\r\n\r\n") >= 0 && text.length() >= text.indexOf("\r\n\r\n") + 4 + 3)) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            text.append((char) b);
        }
        return text.toString();
    }
}
