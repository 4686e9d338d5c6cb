package io.balor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Certificate files are read only when they are regular files: a FIFO (or a terminal, a device)
 * named as a certificate would block the supervisor for as long as nobody writes to it, and every
 * later change behind it.
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
