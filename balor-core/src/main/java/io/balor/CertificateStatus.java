package io.balor;

import java.time.Instant;
import java.util.List;

/**
 * A certificate file pair in use, as served now. The certificate fields describe the last good
 * load (null if none ever loaded); {@code problem} says what went wrong at the last look at the
 * files (null when nothing did): a problem with a certificate still loaded means the previous
 * one is still served.
 *
 * @param dnsNames     the names it covers (SAN DNS entries, else the subject's CN): those SNI selects by
 * @param ipAddresses  its SAN IP address entries as text (IPv6 canonical, RFC 5952); never used to
 *                     select a certificate, since an IP address is not a server name
 * @param loadedAt     when the served pair was loaded
 * @param problemSince when the problem was first seen
 */
public record CertificateStatus(String certFile, String keyFile, String subject, List<String> dnsNames,
                                List<String> ipAddresses, String issuer, Instant notBefore, Instant notAfter,
                                String fingerprint, Instant loadedAt, String problem, Instant problemSince) {

    public CertificateStatus {
        dnsNames = dnsNames == null ? List.of() : List.copyOf(dnsNames);
        ipAddresses = ipAddresses == null ? List.of() : List.copyOf(ipAddresses);
    }

    /** What the certificate's subjectAltName covers, as shown: {@link #dnsNames}, then {@link #ipAddresses}. */
    public List<String> sans() {
        List<String> all = new java.util.ArrayList<>(dnsNames);
        all.addAll(ipAddresses);
        return List.copyOf(all);
    }
}
