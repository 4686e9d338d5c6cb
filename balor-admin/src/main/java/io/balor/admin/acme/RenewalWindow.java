package io.balor.admin.acme;

import com.fasterxml.jackson.databind.JsonNode;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

import java.io.IOException;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * When the CA suggests renewing a certificate, from its ACME Renewal Information
 * (draft-ietf-acme-ari §4.2): renew at a moment chosen within {@code [start, end)}; ask again
 * after {@code retryAfter}. Immutable.
 *
 * @param start          the window's start
 * @param end            the window's end
 * @param explanationUrl the CA's reason (a revocation incident ...), or null
 * @param retryAfter     when to fetch the window again ({@code Retry-After}), or null
 */
public record RenewalWindow(Instant start, Instant end, URI explanationUrl, Instant retryAfter) {

    public RenewalWindow {
        if (start == null || end == null || !end.isAfter(start)) {
            throw new IllegalArgumentException("a renewal window needs start < end");
        }
    }

    /**
     * The ARI certificate identifier (draft-ietf-acme-ari §4.1): base64url of the leaf's Authority
     * Key Identifier, a dot, base64url of its serial number's DER integer bytes.
     *
     * @throws IllegalArgumentException when the leaf has no Authority Key Identifier
     */
    static String certificateId(X509Certificate leaf) {
        byte[] extension = leaf.getExtensionValue("2.5.29.35");
        byte[] keyId = null;
        if (extension != null) {
            try {
                keyId = AuthorityKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(extension))
                        .getKeyIdentifier();
            } catch (IOException | IllegalArgumentException e) {
                keyId = null;
            }
        }
        if (keyId == null) {
            throw new IllegalArgumentException("the certificate has no Authority Key Identifier: ARI cannot name it");
        }
        return Jws.base64url(keyId) + "." + Jws.base64url(leaf.getSerialNumber().toByteArray());
    }

    /** Reads a renewalInfo response body. */
    static RenewalWindow parse(JsonNode json, URI base, Instant retryAfter) {
        JsonNode window = json.path("suggestedWindow");
        try {
            JsonNode explanation = json.get("explanationURL");
            return new RenewalWindow(Instant.parse(window.path("start").asText()), Instant.parse(window.path("end").asText()),
                    explanation != null && explanation.isTextual() ? base.resolve(explanation.asText()) : null, retryAfter);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("suggestedWindow has no valid start and end", e);
        }
    }
}
