package io.balor.admin.acme;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;

/**
 * An ACME server's directory (RFC 8555 §7.1.1): the URLs of its resources and the {@code meta}
 * fields a client acts on. Immutable; read once per {@link AcmeClient}.
 *
 * @param newNonce                the {@code newNonce} URL
 * @param newAccount              the {@code newAccount} URL
 * @param newOrder                the {@code newOrder} URL
 * @param revokeCert              {@code revokeCert}, or null when the server has none
 * @param keyChange               {@code keyChange}, or null
 * @param renewalInfo             ARI's {@code renewalInfo} (draft-ietf-acme-ari), or null
 * @param termsOfService          {@code meta.termsOfService}, or null when there are no terms
 * @param externalAccountRequired {@code meta.externalAccountRequired}
 */
public record AcmeDirectory(URI newNonce, URI newAccount, URI newOrder, URI revokeCert, URI keyChange,
                            URI renewalInfo, URI termsOfService, boolean externalAccountRequired) {

    public AcmeDirectory {
        if (newNonce == null || newAccount == null || newOrder == null) {
            throw new IllegalArgumentException("a directory needs newNonce, newAccount and newOrder");
        }
    }

    /**
     * Reads a directory object, resolving relative URLs against {@code base}.
     *
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    static AcmeDirectory parse(JsonNode json, URI base) {
        if (!json.isObject()) {
            throw new IllegalArgumentException("the directory is not a JSON object");
        }
        JsonNode meta = json.path("meta");
        return new AcmeDirectory(url(json, "newNonce", base), url(json, "newAccount", base),
                url(json, "newOrder", base), url(json, "revokeCert", base), url(json, "keyChange", base),
                url(json, "renewalInfo", base), url(meta, "termsOfService", base),
                meta.path("externalAccountRequired").asBoolean(false));
    }

    private static URI url(JsonNode json, String field, URI base) {
        JsonNode value = json.get(field);
        if (value == null || !value.isTextual()) {
            return null;
        }
        try {
            return base.resolve(value.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("directory field " + field + " is not a URL: " + value.asText(), e);
        }
    }
}
