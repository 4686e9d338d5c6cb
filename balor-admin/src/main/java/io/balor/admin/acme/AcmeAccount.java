package io.balor.admin.acme;

import java.net.URI;
import java.security.KeyPair;

/**
 * An ACME account: its URL (the {@code kid} of every later request, RFC 8555 §7.3) and its key.
 * Immutable.
 *
 * @param url     the account URL
 * @param keyPair the account key
 * @param status  {@code valid}, {@code deactivated} or {@code revoked}, as the server said
 * @param created whether this call created it (201), rather than finding it (200)
 */
public record AcmeAccount(URI url, KeyPair keyPair, String status, boolean created) {

    AccountSigner signer() {
        return new AccountSigner(keyPair, url);
    }

    /** No key material in logs. */
    @Override
    public String toString() {
        return "AcmeAccount[" + url + ", " + status + (created ? ", created" : "") + "]";
    }
}
