package io.balor.admin.acme;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 7807 problem document as an ACME server sends it (RFC 8555 §6.7): {@code type} such as
 * {@code urn:ietf:params:acme:error:unauthorized}, the human {@code detail}, the HTTP
 * {@code status}, and {@code subproblems} per identifier (§6.7.1). Immutable.
 *
 * @param type        the problem type URI; {@code about:blank} when the server gave none
 * @param detail      the server's explanation, or empty
 * @param status      the HTTP status the document carries (or the response's), 0 when unknown
 * @param identifier  the identifier a subproblem is about ({@code x.test}), or null
 * @param subproblems per-identifier problems, possibly empty
 */
public record AcmeProblem(String type, String detail, int status, String identifier, List<AcmeProblem> subproblems) {

    /** The ACME error namespace (RFC 8555 §6.7). */
    public static final String ACME_ERROR = "urn:ietf:params:acme:error:";
    public static final String BAD_NONCE = ACME_ERROR + "badNonce";
    public static final String RATE_LIMITED = ACME_ERROR + "rateLimited";
    public static final String ACCOUNT_DOES_NOT_EXIST = ACME_ERROR + "accountDoesNotExist";

    public AcmeProblem {
        type = type == null || type.isEmpty() ? "about:blank" : type;
        detail = detail == null ? "" : detail;
        subproblems = List.copyOf(subproblems);
    }

    /**
     * Reads a problem document; fields missing or of the wrong kind become their defaults, and
     * {@code fallbackStatus} (the response's) stands in for a missing {@code status}.
     */
    public static AcmeProblem parse(JsonNode json, int fallbackStatus) {
        List<AcmeProblem> subs = new ArrayList<>();
        JsonNode list = json.path("subproblems");
        if (list.isArray()) {
            for (JsonNode sub : list) {
                subs.add(parse(sub, 0));
            }
        }
        JsonNode identifier = json.path("identifier").path("value");
        return new AcmeProblem(json.path("type").asText(""), json.path("detail").asText(""),
                json.path("status").asInt(fallbackStatus),
                identifier.isTextual() ? identifier.asText() : null, subs);
    }

    /** Whether this is {@code rateLimited} (RFC 8555 §6.6): retry after the server's Retry-After. */
    public boolean rateLimited() {
        return RATE_LIMITED.equals(type);
    }

    /** "TYPE: DETAIL" and the subproblems, for a status message. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(type);
        if (identifier != null) {
            text.append(" (").append(identifier).append(')');
        }
        if (!detail.isEmpty()) {
            text.append(": ").append(detail);
        }
        for (AcmeProblem sub : subproblems) {
            text.append("; ").append(sub);
        }
        return text.toString();
    }
}
