package io.balor.admin.acme.dns;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.admin.acme.TxtRecords;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;

/**
 * DNS-01 through a webhook of the operator's own (the {@code generic} provider): two HTTP calls
 * that a small script in front of any DNS server can answer. Immutable; called from ACME's threads
 * (each call blocks, within {@link ProviderHttp}'s timeout).
 *
 * <p>The wire shape, exactly:
 * <pre>
 * create:  POST {api_base}
 * remove:  DELETE {api_base}              (or POST {delete_url} when delete_url is set)
 *
 * both with
 *   Content-Type: application/json
 *   Authorization: Bearer {api_token}     (only when api_token is set)
 * and the body
 *   {"type": "TXT", "name": "_acme-challenge.www.example.com.", "value": "…", "ttl": 60, "zone": "example.com"}
 * </pre>
 * {@code name} is the record's absolute name (a trailing dot; its first label is
 * {@code txt_prefix} when that is set), {@code value} the TXT value as is (no quotes), {@code zone}
 * the configured {@code zone} as written, or JSON {@code null} when none is set. Creating a value
 * that exists must succeed and keep the other values of the name; removing one must leave the
 * others. Any 2xx answer is success (its body is ignored); a 404 to a removal means it is already
 * gone; anything else is a {@link DnsApiException} quoting the start of the answer.
 */
final class WebhookDns implements TxtRecords {

    static final int TTL = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DnsProviderConfig config;
    private final ProviderHttp http;

    WebhookDns(DnsProviderConfig config, ProviderHttp http) {
        this.config = config;
        this.http = http;
    }

    @Override
    public void present(String fqdn, String value) throws IOException {
        call("POST", config.apiBase(), fqdn, value, "create");
    }

    @Override
    public void cleanUp(String fqdn, String value) throws IOException {
        if (config.deleteUrl() != null) {
            call("POST", config.deleteUrl(), fqdn, value, "remove");
        } else {
            call("DELETE", config.apiBase(), fqdn, value, "remove");
        }
    }

    private void call(String method, URI uri, String fqdn, String value, String action) throws IOException {
        String name = config.recordName(fqdn);
        ObjectNode body = JSON.createObjectNode().put("type", "TXT").put("name", name).put("value", value)
                .put("ttl", TTL).put("zone", config.zone());
        HttpRequest.Builder request = http.request(uri).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        if (config.apiToken() != null) {
            request.header("Authorization", "Bearer " + config.apiToken());
        }
        String what = "webhook " + config.name() + ": " + action + " TXT " + name;
        ProviderHttp.Answer answer = http.send(request.build(), what);
        if (answer.ok() || ("remove".equals(action) && answer.status() == 404)) {
            return;
        }
        throw new DnsApiException(what + ": HTTP " + answer.status() + ": " + http.excerpt(answer),
                answer.status(), List.of(Integer.toString(answer.status())));
    }
}
