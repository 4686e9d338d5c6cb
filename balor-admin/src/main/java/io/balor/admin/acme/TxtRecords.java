package io.balor.admin.acme;

import java.io.IOException;

/**
 * Where DNS-01 answers are published: a DNS provider (Cloudflare, Route53, a webhook) that
 * creates a TXT record and removes it again. Called from ACME's own threads, never from an event
 * loop or an admin worker; each call may block on the provider's API, within its own timeout.
 */
public interface TxtRecords {

    /**
     * Creates TXT record {@code fqdn} (such as {@code _acme-challenge.www.example.com.}, with the
     * trailing dot) holding {@code value}, beside any other values it has.
     *
     * @throws IOException when the provider refuses or cannot be reached; the message says why
     */
    void present(String fqdn, String value) throws IOException;

    /** Removes the value {@link #present} created; one already gone is not an error. */
    void cleanUp(String fqdn, String value) throws IOException;
}
