package io.balor.admin.acme;

import java.util.Base64;

/**
 * The credentials a CA that requires External Account Binding hands out (RFC 8555 §7.3.4): a key
 * id and an HMAC key, given base64url-encoded as CAs print it. Immutable.
 *
 * @param keyId     the CA's key identifier ({@code kid} of the inner JWS)
 * @param macKeyB64 the HMAC key, base64url (padding allowed)
 */
public record ExternalAccountBinding(String keyId, String macKeyB64) {

    public ExternalAccountBinding {
        if (keyId == null || keyId.isBlank()) {
            throw new IllegalArgumentException("external account binding: key id is empty");
        }
        if (macKeyB64 == null || macKeyB64.isBlank()) {
            throw new IllegalArgumentException("external account binding: HMAC key is empty");
        }
        try {
            Base64.getUrlDecoder().decode(macKeyB64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("external account binding: HMAC key is not base64url", e);
        }
    }

    /** The HMAC key's bytes. */
    byte[] macKey() {
        return Base64.getUrlDecoder().decode(macKeyB64.strip());
    }

    /** Never the key itself: this record may end up in a log line. */
    @Override
    public String toString() {
        return "ExternalAccountBinding[keyId=" + keyId + ", macKey=***]";
    }
}
