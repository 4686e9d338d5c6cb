package io.balor.admin.acme.dns;

import java.io.IOException;
import java.util.List;

/**
 * A DNS provider's API refused a call: its HTTP status and the error codes it gave (Cloudflare's
 * numeric codes, Route53's {@code NoSuchHostedZone} ...), with the provider's own messages in
 * {@link #getMessage}. The message never holds a secret. Immutable.
 */
public final class DnsApiException extends IOException {

    private final int status;
    private final List<String> codes;

    public DnsApiException(String message, int status, List<String> codes) {
        super(message);
        this.status = status;
        this.codes = List.copyOf(codes);
    }

    /** The HTTP status of the answer. */
    public int status() {
        return status;
    }

    /** The provider's error codes, in the order it gave them; empty when it gave none. */
    public List<String> codes() {
        return codes;
    }
}
