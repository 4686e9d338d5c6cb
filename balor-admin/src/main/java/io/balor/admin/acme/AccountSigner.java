package io.balor.admin.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;

/**
 * Signs ACME requests with an account key (RFC 8555 §6.2): the protected header carries
 * {@code alg ES256}, the {@code nonce} and the {@code url}, and either the public {@code jwk}
 * (before the account exists: {@code newAccount}) or the account URL as {@code kid} (every
 * request after). Immutable; any thread.
 *
 * @param keyPair    the account's P-256 key pair
 * @param accountUrl the account URL ({@code kid}), or null to send the {@code jwk}
 */
record AccountSigner(KeyPair keyPair, URI accountUrl) {

    AccountSigner {
        if (!(keyPair.getPublic() instanceof ECPublicKey ec)
                || ec.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new IllegalArgumentException("an ACME account key is EC P-256 (ES256), not "
                    + keyPair.getPublic().getAlgorithm());
        }
    }

    ObjectNode sign(URI url, String nonce, JsonNode payload) {
        ObjectNode header = Jws.MAPPER.createObjectNode();
        header.put("alg", "ES256");
        header.put("nonce", nonce);
        header.put("url", url.toString());
        if (accountUrl == null) {
            header.set("jwk", Jws.jwk(keyPair.getPublic()));
        } else {
            header.put("kid", accountUrl.toString());
        }
        return Jws.sign(header, payload, keyPair.getPrivate());
    }
}
