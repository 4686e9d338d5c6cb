package io.balor.admin.acme;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How an {@link AcmeClient} talks to its CA. Immutable; changed with {@code withX(..)}.
 *
 * @param trustedCaFile      a PEM bundle of extra CAs to trust for the ACME server's HTTPS, beside
 *                           the JDK's own trust store ({@code BALOR_ACME_CA_FILE}: Pebble, step-ca),
 *                           or null for the JDK's trust only
 * @param requestTimeout     the bound on each HTTP exchange, connect to last body byte
 * @param pollInterval       the wait between polls of an authorization or order when the server
 *                           sends no {@code Retry-After}
 * @param validationTimeout  the bound on waiting for one authorization, and for the order to be
 *                           issued after {@code finalize}
 * @param userAgent          the {@code User-Agent} header (RFC 8555 §6.1 asks for one)
 */
public record AcmeOptions(Path trustedCaFile, Duration requestTimeout, Duration pollInterval,
                          Duration validationTimeout, String userAgent) {

    /** No extra CAs; 30 s per request; polls every second for at most 2 minutes. */
    public static final AcmeOptions DEFAULTS = new AcmeOptions(null, Duration.ofSeconds(30), Duration.ofSeconds(1),
            Duration.ofMinutes(2), "Balor-ACME/0.2");

    public AcmeOptions {
        positive(requestTimeout, "requestTimeout");
        positive(pollInterval, "pollInterval");
        positive(validationTimeout, "validationTimeout");
        if (userAgent == null || userAgent.isBlank()) {
            throw new IllegalArgumentException("userAgent is empty");
        }
    }

    public AcmeOptions withTrustedCaFile(Path file) {
        return new AcmeOptions(file, requestTimeout, pollInterval, validationTimeout, userAgent);
    }

    public AcmeOptions withRequestTimeout(Duration timeout) {
        return new AcmeOptions(trustedCaFile, timeout, pollInterval, validationTimeout, userAgent);
    }

    public AcmeOptions withPollInterval(Duration interval) {
        return new AcmeOptions(trustedCaFile, requestTimeout, interval, validationTimeout, userAgent);
    }

    public AcmeOptions withValidationTimeout(Duration timeout) {
        return new AcmeOptions(trustedCaFile, requestTimeout, pollInterval, timeout, userAgent);
    }

    private static void positive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
