package io.balor.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A server that is not a listener (the admin console) serves a pair renewed in place from the
 * next handshake on, keeps the previous pair while the files do not hold a loadable one, over
 * real TLS sockets on 127.0.0.1.
 */
class ReloadingKeyManagerTest {

    @TempDir
    Path dir;

    private final TestPki ca = TestPki.ca("Reload CA");

    @Test
    void aPairRenewedInPlaceIsServedFromTheNextHandshake() throws Exception {
        Path cert = dir.resolve("console.crt");
        Path key = dir.resolve("console.key");
        TestPki.Leaf first = write(ca.issue("console.test"), cert, key, 1);
        SSLContext server = CertificateEntry.context(new ReloadingKeyManager(cert, key, Duration.ZERO));
        try (SSLServerSocket listening = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            assertEquals(first.certificate(), served(listening));

            TestPki.Leaf second = write(ca.issue("console.test"), cert, key, 2);
            assertEquals(second.certificate(), served(listening), "renewed in place: no restart");

            Files.writeString(key, ca.issue("other.test").keyPem(TestPki.KeyFormat.PKCS8));   // a key that does not match
            Files.setLastModifiedTime(key, FileTime.from(Instant.now().plusSeconds(3)));
            assertEquals(second.certificate(), served(listening), "a pair that does not load is not served");
        }
    }

    /** Writes {@code leaf} over the files, their times moved {@code seconds} on (so a change shows at once). */
    private static TestPki.Leaf write(TestPki.Leaf leaf, Path cert, Path key, int seconds) throws Exception {
        leaf.writeKey(key, TestPki.KeyFormat.PKCS8);
        leaf.writeCert(cert, true);
        FileTime time = FileTime.from(Instant.now().plusSeconds(seconds));
        Files.setLastModifiedTime(cert, time);
        Files.setLastModifiedTime(key, time);
        return leaf;
    }

    /** The leaf the server sends to one client handshake. */
    private static X509Certificate served(SSLServerSocket listening) throws Exception {
        CompletableFuture<Void> accepted = CompletableFuture.runAsync(() -> {
            try (SSLSocket socket = (SSLSocket) listening.accept()) {
                socket.setSoTimeout(10_000);
                socket.startHandshake();
                socket.getInputStream().read();   // until the client closes
            } catch (Exception e) {
                // the client saw what it needed, or the handshake failed: the client side says which
            }
        });
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, new TrustManager[] {new X509TrustManager() {   // the test compares the leaf itself
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
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                listening.getLocalPort())) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        } finally {
            accepted.get(java.util.concurrent.TimeUnit.SECONDS.toMillis(20), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }
}
