package io.balor;

import java.time.Instant;
import java.util.List;

/**
 * A certificate file pair in use, as served now. The certificate fields describe the last good
 * load (null if none ever loaded); {@code problem} says what went wrong at the last look at the
 * files (null when nothing did): a problem with a certificate still loaded means the previous
 * one is still served.
 *
 * @param dnsNames     the names it covers (SAN DNS entries, else the subject's CN)
 * @param loadedAt     when the served pair was loaded
 * @param problemSince when the problem was first seen
 */
public record CertificateStatus(String certFile, String keyFile, String subject, List<String> dnsNames,
                                String issuer, Instant notBefore, Instant notAfter, String fingerprint,
                                Instant loadedAt, String problem, Instant problemSince) {

    public CertificateStatus {
        dnsNames = dnsNames == null ? List.of() : List.copyOf(dnsNames);
    }
}
