package io.balor;

import io.balor.tls.CertificateProblem;
import io.balor.tls.LoadedCertificate;
import io.balor.tls.PemFiles;

import java.nio.file.Path;
import java.time.Instant;

/**
 * Checks a certificate and key pair in PEM files the way a listener would load them, without
 * serving them: what the admin API does with an uploaded bundle before keeping it. Stateless;
 * any thread (file I/O: not on an event loop).
 */
public final class CertificateFiles {

    private CertificateFiles() {
    }

    /**
     * Loads the chain in {@code certFile} and the key in {@code keyFile} (the same file may hold
     * both) and checks that the key matches the certificate.
     *
     * @return what it is (subject, names and IP addresses, issuer, validity, fingerprint), with {@code problem}
     *         null when it loads, else what is wrong (unreadable, not PEM, encrypted key, a key
     *         that does not match, ...) and the certificate fields null
     */
    public static CertificateStatus check(Path certFile, Path keyFile) {
        Instant now = Instant.now();
        try {
            LoadedCertificate loaded = PemFiles.load(certFile, keyFile);
            return new CertificateStatus(certFile.toString(), keyFile.toString(), loaded.subject(), loaded.dnsNames(),
                    loaded.ipAddresses(), loaded.issuer(), loaded.notBefore(), loaded.notAfter(), loaded.fingerprint(),
                    now, null, null);
        } catch (CertificateProblem e) {
            return new CertificateStatus(certFile.toString(), keyFile.toString(), null, null, null, null, null, null,
                    null, null, e.getMessage(), now);
        }
    }

    /**
     * A TLS server context serving the pair in {@code certFile} and {@code keyFile}, loaded once
     * (for a server that is not a listener, such as the admin console).
     *
     * @throws IllegalArgumentException saying what is wrong with the files
     */
    public static javax.net.ssl.SSLContext serverContext(Path certFile, Path keyFile) {
        try {
            return io.balor.tls.CertificateEntry.context(PemFiles.load(certFile, keyFile));
        } catch (CertificateProblem e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
