package io.balor.admin.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The JOSE pieces ACME needs, on JDK crypto only: ES256 signatures in RFC 7515's flattened JSON
 * serialization (RFC 8555 §6.2), the account key as a JWK (RFC 7517/7518 §6.2), its thumbprint
 * (RFC 7638) for key authorizations (RFC 8555 §8.1), and the HS256 inner JWS of an External
 * Account Binding (RFC 8555 §7.3.4). Stateless; any thread.
 *
 * <p>The JDK's {@code SHA256withECDSA} returns an ASN.1 DER {@code SEQUENCE {r, s}}; JOSE wants
 * the two integers as fixed 32-byte big-endian halves, {@code R || S} (RFC 7518 §3.4).
 * {@link #derToJose} and {@link #joseToDer} convert between the two.
 */
final class Jws {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** The byte length of one P-256 coordinate or signature half. */
    private static final int P256_BYTES = 32;

    private Jws() {
    }

    /** Base64url without padding (RFC 7515 §2). */
    static String base64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String base64url(String utf8) {
        return base64url(utf8.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A flattened JWS of {@code payload} signed with {@code key} (ES256): {@code payload} null is
     * POST-as-GET (RFC 8555 §6.3), whose payload is the empty string.
     */
    static ObjectNode sign(ObjectNode protectedHeader, JsonNode payload, PrivateKey key) {
        String header = base64url(write(protectedHeader));
        String body = payload == null ? "" : base64url(write(payload));
        byte[] signingInput = (header + "." + body).getBytes(StandardCharsets.US_ASCII);
        byte[] signature;
        try {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update(signingInput);
            signature = derToJose(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with ES256: " + e.getMessage(), e);
        }
        return flattened(header, body, signature);
    }

    /**
     * The External Account Binding's inner JWS (RFC 8555 §7.3.4): the account's public JWK as
     * payload, HS256 with the CA-issued MAC key, {@code kid} the CA-issued key id.
     */
    static ObjectNode externalAccountBinding(ExternalAccountBinding binding, PublicKey accountKey, String newAccountUrl) {
        ObjectNode header = MAPPER.createObjectNode();
        header.put("alg", "HS256");
        header.put("kid", binding.keyId());
        header.put("url", newAccountUrl);
        String headerText = base64url(write(header));
        String body = base64url(write(jwk(accountKey)));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(binding.macKey(), "HmacSHA256"));
            byte[] signature = mac.doFinal((headerText + "." + body).getBytes(StandardCharsets.US_ASCII));
            return flattened(headerText, body, signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with HS256: " + e.getMessage(), e);
        }
    }

    /**
     * {@code key} as a JWK with only its required members, in lexicographic order (so that the
     * same object serves RFC 7638's thumbprint input): EC P-256 {@code crv, kty, x, y} or RSA
     * {@code e, kty, n}.
     */
    static ObjectNode jwk(PublicKey key) {
        ObjectNode jwk = MAPPER.createObjectNode();
        if (key instanceof ECPublicKey ec) {
            if (ec.getParams().getCurve().getField().getFieldSize() != 256) {
                throw new IllegalArgumentException("only P-256 EC keys are supported");
            }
            jwk.put("crv", "P-256");
            jwk.put("kty", "EC");
            jwk.put("x", base64url(unsigned(ec.getW().getAffineX(), P256_BYTES)));
            jwk.put("y", base64url(unsigned(ec.getW().getAffineY(), P256_BYTES)));
        } else if (key instanceof RSAPublicKey rsa) {
            jwk.put("e", base64url(unsigned(rsa.getPublicExponent(), 0)));
            jwk.put("kty", "RSA");
            jwk.put("n", base64url(unsigned(rsa.getModulus(), 0)));
        } else {
            throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm());
        }
        return jwk;
    }

    /** RFC 7638: base64url(SHA-256(the required JWK members, sorted, no whitespace)). */
    static String thumbprint(PublicKey key) {
        return base64url(sha256(write(jwk(key))));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** DER {@code SEQUENCE {INTEGER r, INTEGER s}} to the 64-byte {@code R || S} of RFC 7518 §3.4. */
    static byte[] derToJose(byte[] der) {
        int at = 0;
        if (der[at++] != 0x30) {
            throw new IllegalArgumentException("not a DER sequence");
        }
        int length = der[at++] & 0xff;
        if (length == 0x81) {
            length = der[at++] & 0xff;      // long form, one length byte (never needed for P-256)
        }
        if (at + length != der.length) {
            throw new IllegalArgumentException("DER sequence length mismatch");
        }
        byte[] jose = new byte[2 * P256_BYTES];
        for (int half = 0; half < 2; half++) {
            if (der[at++] != 0x02) {
                throw new IllegalArgumentException("not a DER integer");
            }
            int intLength = der[at++] & 0xff;
            BigInteger value = new BigInteger(1, Arrays.copyOfRange(der, at, at + intLength));
            at += intLength;
            System.arraycopy(unsigned(value, P256_BYTES), 0, jose, half * P256_BYTES, P256_BYTES);
        }
        return jose;
    }

    /** The inverse of {@link #derToJose}: what the JDK's {@code SHA256withECDSA} verifies. */
    static byte[] joseToDer(byte[] jose) {
        if (jose.length != 2 * P256_BYTES) {
            throw new IllegalArgumentException("an ES256 signature is 64 bytes, not " + jose.length);
        }
        byte[] r = new BigInteger(1, Arrays.copyOfRange(jose, 0, P256_BYTES)).toByteArray();
        byte[] s = new BigInteger(1, Arrays.copyOfRange(jose, P256_BYTES, 2 * P256_BYTES)).toByteArray();
        int length = 2 + r.length + 2 + s.length;      // at most 70: the short length form
        byte[] der = new byte[2 + length];
        der[0] = 0x30;
        der[1] = (byte) length;
        der[2] = 0x02;
        der[3] = (byte) r.length;
        System.arraycopy(r, 0, der, 4, r.length);
        der[4 + r.length] = 0x02;
        der[5 + r.length] = (byte) s.length;
        System.arraycopy(s, 0, der, 6 + r.length, s.length);
        return der;
    }

    /** {@code value} big-endian without a sign byte, left-padded to {@code size} (0: minimal). */
    private static byte[] unsigned(BigInteger value, int size) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        if (size == 0 || bytes.length == size) {
            return bytes;
        }
        if (bytes.length > size) {
            throw new IllegalArgumentException("integer longer than " + size + " bytes");
        }
        byte[] padded = new byte[size];
        System.arraycopy(bytes, 0, padded, size - bytes.length, bytes.length);
        return padded;
    }

    private static ObjectNode flattened(String header, String body, byte[] signature) {
        ObjectNode jws = MAPPER.createObjectNode();
        jws.put("protected", header);
        jws.put("payload", body);
        jws.put("signature", base64url(signature));
        return jws;
    }

    static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
