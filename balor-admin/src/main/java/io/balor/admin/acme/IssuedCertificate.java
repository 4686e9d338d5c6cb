package io.balor.admin.acme;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * What an issuance returns: the chain as the CA sent it (PEM, leaf first), the new private key
 * (PEM PKCS#8; it exists nowhere else, so the caller stores it), the leaf's validity (renewal
 * at two thirds of the lifetime needs both ends), the names, and where the certificate can be
 * fetched again. Immutable.
 *
 * @param certificateChainPem the leaf then its issuers, PEM
 * @param privateKeyPem       the certificate's key, PEM {@code PRIVATE KEY}
 * @param notBefore           the leaf's start of validity
 * @param notAfter            the leaf's expiry
 * @param names               the names the leaf covers, as ordered
 * @param certificateUrl      the order's {@code certificate} URL
 */
public record IssuedCertificate(String certificateChainPem, String privateKeyPem, Instant notBefore, Instant notAfter,
                                List<String> names, URI certificateUrl) {

    public IssuedCertificate {
        names = List.copyOf(names);
    }

    /** No key material in logs. */
    @Override
    public String toString() {
        return "IssuedCertificate[" + names + ", notAfter=" + notAfter + ", " + certificateUrl + "]";
    }
}
