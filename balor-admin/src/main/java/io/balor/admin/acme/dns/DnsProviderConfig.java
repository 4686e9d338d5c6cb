package io.balor.admin.acme.dns;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One checked entry of the state file's {@code acme_providers}: a DNS provider that DNS-01 uses
 * to publish its TXT records. Read by {@link DnsProviders#config}; immutable, any thread.
 *
 * <p>{@link #toString} never shows {@link #apiToken} or {@link #secretKey}: a config may be
 * logged or put in an exception message, its secrets may not.
 *
 * @param name      the provider's name, which a route's {@code acme.provider} refers to
 * @param kind      which API it speaks
 * @param apiToken  Cloudflare's API token; the generic webhook's bearer token (optional)
 * @param accessKey Route53's AWS access key id
 * @param secretKey Route53's AWS secret access key
 * @param zone      the zone's name ({@code example.com}); null to find it from the record's name
 *                  (Cloudflare, Route53) or to send none (generic)
 * @param zoneId    Cloudflare's zone id or Route53's hosted zone id; null to look it up by name
 * @param txtPrefix the first label(s) of the record's name instead of {@code _acme-challenge}
 *                  (for a CNAME that delegates the challenge elsewhere); null for the default
 * @param apiBase   the API's base URL (the webhook's URL for generic); never null
 * @param region    Route53's signing region ({@code us-east-1} by default: Route53 is global)
 * @param deleteUrl generic only: where removals are POSTed; null to send DELETE to {@code apiBase}
 * @param resolver  the DNS server asked whether a record is visible yet; null when the caller
 *                  chooses one
 */
public record DnsProviderConfig(String name, Kind kind, String apiToken, String accessKey, String secretKey,
                                String zone, String zoneId, String txtPrefix, URI apiBase, String region,
                                URI deleteUrl, InetSocketAddress resolver) {

    /** The label ACME puts in front of a name for its TXT record (RFC 8555 §8.4). */
    public static final String ACME_LABEL = "_acme-challenge";

    /** The provider APIs, by their {@code provider} value. */
    public enum Kind {
        CLOUDFLARE("cloudflare", "https://api.cloudflare.com/client/v4"),
        ROUTE53("route53", "https://route53.amazonaws.com"),
        GENERIC("generic", null);

        private final String wire;
        private final String defaultBase;

        Kind(String wire, String defaultBase) {
            this.wire = wire;
            this.defaultBase = defaultBase;
        }

        public String wire() {
            return wire;
        }

        /** The API base used when {@code api_base} is absent; null when it is required. */
        public String defaultBase() {
            return defaultBase;
        }

        /** The kind written {@code text}, or null. */
        public static Kind parse(String text) {
            for (Kind kind : values()) {
                if (kind.wire.equals(text)) {
                    return kind;
                }
            }
            return null;
        }
    }

    /**
     * The name of the TXT record to write for {@code fqdn} ({@code _acme-challenge.www.example.com.}):
     * the same name, its first label replaced by {@link #txtPrefix} when one is set. Always
     * absolute (a trailing dot) and lower case.
     */
    public String recordName(String fqdn) {
        String name = fqdn.endsWith(".") ? fqdn : fqdn + ".";
        name = name.toLowerCase(Locale.ROOT);
        if (txtPrefix != null && name.startsWith(ACME_LABEL + ".")) {
            name = txtPrefix.toLowerCase(Locale.ROOT) + name.substring(ACME_LABEL.length());
        }
        return name;
    }

    /**
     * The zone names to try for {@code recordName} (absolute, from {@link #recordName}), best first:
     * {@link #zone} when set, otherwise each suffix of the name from its parent down to two labels
     * ({@code www.example.com}, {@code example.com}), without the trailing dot.
     */
    public List<String> zoneCandidates(String recordName) {
        if (zone != null) {
            return List.of(zone.endsWith(".") ? zone.substring(0, zone.length() - 1) : zone);
        }
        String name = recordName.endsWith(".") ? recordName.substring(0, recordName.length() - 1) : recordName;
        List<String> candidates = new ArrayList<>();
        for (int dot = name.indexOf('.'); dot >= 0 && name.indexOf('.', dot + 1) >= 0; dot = name.indexOf('.', dot + 1)) {
            candidates.add(name.substring(dot + 1));
        }
        return candidates;
    }

    @Override
    public String toString() {
        return "DnsProviderConfig[name=" + name + ", provider=" + kind.wire()
                + (apiToken == null ? "" : ", api_token=" + ProviderSecrets.REDACTED)
                + (accessKey == null ? "" : ", access_key=" + accessKey)
                + (secretKey == null ? "" : ", secret_key=" + ProviderSecrets.REDACTED)
                + (zone == null ? "" : ", zone=" + zone) + (zoneId == null ? "" : ", zone_id=" + zoneId)
                + (txtPrefix == null ? "" : ", txt_prefix=" + txtPrefix) + ", api_base=" + apiBase
                + (region == null ? "" : ", region=" + region) + (deleteUrl == null ? "" : ", delete_url=" + deleteUrl)
                + (resolver == null ? "" : ", resolver=" + resolver) + "]";
    }
}
