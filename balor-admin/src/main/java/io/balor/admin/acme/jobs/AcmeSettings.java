package io.balor.admin.acme.jobs;

import io.balor.admin.acme.AcmeOptions;
import io.balor.admin.acme.ExternalAccountBinding;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the ACME jobs run. Immutable.
 *
 * @param dir                where the account key and the jobs' statuses are kept ({@code BALOR_ACME_DIR})
 * @param client             the ACME client's settings: extra trusted CAs ({@code BALOR_ACME_CA_FILE}),
 *                           timeouts, polling
 * @param binding            External Account Binding for CAs that require it ({@code BALOR_ACME_EAB_KID},
 *                           {@code BALOR_ACME_EAB_HMAC_KEY}), or null
 * @param propagationTimeout how long a DNS-01 TXT record may take to become visible
 * @param lookInterval       how often the jobs are looked at (whether one is due is the clock's say)
 */
public record AcmeSettings(Path dir, AcmeOptions client, ExternalAccountBinding binding,
                           Duration propagationTimeout, Duration lookInterval) {

    /** Jobs kept in {@code dir}, the client's defaults, no EAB, 5 minutes for DNS, a look every 30 s. */
    public static AcmeSettings in(Path dir) {
        return new AcmeSettings(dir, AcmeOptions.DEFAULTS, null, Duration.ofMinutes(5), Duration.ofSeconds(30));
    }

    public AcmeSettings withClient(AcmeOptions value) {
        return new AcmeSettings(dir, value, binding, propagationTimeout, lookInterval);
    }

    public AcmeSettings withBinding(ExternalAccountBinding value) {
        return new AcmeSettings(dir, client, value, propagationTimeout, lookInterval);
    }

    public AcmeSettings withPropagationTimeout(Duration value) {
        return new AcmeSettings(dir, client, binding, value, lookInterval);
    }

    public AcmeSettings withLookInterval(Duration value) {
        return new AcmeSettings(dir, client, binding, propagationTimeout, value);
    }
}
