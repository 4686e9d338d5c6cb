package io.balor.admin.acme.jobs;

import io.balor.admin.acme.AcmeException;
import io.balor.admin.acme.IssuedCertificate;
import io.balor.admin.acme.RenewalWindow;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Gets a job's certificate from its CA: {@link AcmeIssuer} in production. Called on the ACME
 * thread only; each call blocks, each of its steps within its own timeout.
 */
interface Issuer {

    /**
     * A new certificate and key for {@code job}'s names.
     *
     * @throws AcmeException naming the step that failed and the CA's problem, if it sent one
     * @throws IOException   when something on this side failed (the account key, a DNS provider)
     */
    IssuedCertificate issue(AcmeJob job) throws AcmeException, IOException;

    /** The CA's suggested renewal window for {@code leaf} (ARI), or empty when it offers none or cannot say now. */
    Optional<RenewalWindow> renewalWindow(AcmeJob job, X509Certificate leaf);
}
