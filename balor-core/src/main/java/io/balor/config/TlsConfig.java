package io.balor.config;

import java.time.Duration;

/**
 * TLS on a listener: terminated with its certificates, or (TCP only) passed through untouched
 * and routed by the ClientHello's server name.
 *
 * <p>A terminating listener chooses the certificate by SNI: the one of the host route that
 * matches the name (exact, then the longest {@code *.suffix}), else a loaded certificate whose
 * names cover it, else {@code certificate}; with none, the handshake fails with an alert. An
 * HTTP or TCP listener whose host routes carry certificates terminates TLS even without this
 * record.
 *
 * @param mode             {@link Mode#TERMINATE} or {@link Mode#PASSTHROUGH}
 * @param certificate      the listener's own certificate, for names no route covers; may be null
 * @param handshakeTimeout from accept to a finished handshake (10 s); past it the connection closes
 */
public record TlsConfig(Mode mode, CertificateConfig certificate, Duration handshakeTimeout) {

    /** Whether Balor decrypts the connection or forwards its bytes as they come. */
    public enum Mode { TERMINATE, PASSTHROUGH }

    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    public TlsConfig {
        mode = mode == null ? Mode.TERMINATE : mode;
        handshakeTimeout = handshakeTimeout == null ? DEFAULT_HANDSHAKE_TIMEOUT : handshakeTimeout;
    }

    /** Termination with one certificate for every name. */
    public static TlsConfig terminate(String certFile, String keyFile) {
        return new TlsConfig(Mode.TERMINATE, new CertificateConfig(certFile, keyFile), null);
    }

    /** SNI passthrough (TCP listeners). */
    public static TlsConfig passthrough() {
        return new TlsConfig(Mode.PASSTHROUGH, null, null);
    }

    public TlsConfig withHandshakeTimeout(Duration value) {
        return new TlsConfig(mode, certificate, value);
    }

    void check(String path, Problems problems, Protocol protocol) {
        if (mode == Mode.PASSTHROUGH) {
            if (protocol != Protocol.TCP) {
                problems.add(path + ".mode", "passthrough is for TCP listeners; an HTTP listener terminates TLS");
            }
            if (certificate != null) {
                problems.add(path + ".cert_file", "a passthrough listener does not terminate TLS: no certificate");
            }
        } else if (certificate != null) {
            certificate.check(path, problems);
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            problems.add(path + ".handshake_timeout", "must be positive");
        } else if (handshakeTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
            problems.add(path + ".handshake_timeout", "must be at most 10 minutes");
        }
    }
}
