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
}
