package io.balor.config;

/**
 * A certificate chain and its private key, as PEM files (read again when they change).
 *
 * @param certFile the chain: the leaf first, then its intermediates
 * @param keyFile  the private key (PKCS#8, PKCS#1 RSA or SEC1 EC); null when it is in
 *                 {@code certFile} too
 */
public record CertificateConfig(String certFile, String keyFile) {

    public CertificateConfig {
        keyFile = keyFile == null || keyFile.isBlank() ? certFile : keyFile;
    }

    void check(String path, Problems problems) {
        if (certFile == null || certFile.isBlank()) {
            problems.add(path + ".cert_file", "is required");
        }
    }
}
