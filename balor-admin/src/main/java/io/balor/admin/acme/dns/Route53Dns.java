package io.balor.admin.acme.dns;

import io.balor.admin.acme.TxtRecords;
import org.w3c.dom.Document;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DNS-01 through Amazon Route53's API (2013-04-01), each request signed with {@link SigV4}
 * (service {@code route53}, the configured region, {@code us-east-1} by default). Immutable;
 * called from ACME's threads (each call blocks on the API, within {@link ProviderHttp}'s timeout).
 *
 * <p>The calls, relative to {@code api_base} ({@code https://route53.amazonaws.com}):
 * <ol>
 *   <li>the hosted zone: {@code zone_id} when configured, otherwise
 *       {@code GET /2013-04-01/hostedzonesbyname?dnsname=NAME&maxitems=1} for the configured zone
 *       or each parent of the record's name in turn, until a zone of that exact name comes back;</li>
 *   <li>the record set as it is: {@code GET /2013-04-01/hostedzone/{id}/rrset?name=NAME&type=TXT&maxitems=1}
 *       (a TXT set holds every value of its name, and two challenges may share one name, as a
 *       wildcard and its apex do);</li>
 *   <li>{@link #present}: {@code POST /2013-04-01/hostedzone/{id}/rrset} with a ChangeBatch
 *       {@code UPSERT} of the set with the value added (in double quotes, as TXT needs);</li>
 *   <li>{@link #cleanUp}: the same {@code POST} with {@code DELETE} of the set as it is when the
 *       value is its only one, or {@code UPSERT} of the others; nothing when the value is gone.</li>
 * </ol>
 * An error answer ({@code <ErrorResponse><Error><Code>, <Message>}) is a {@link DnsApiException}
 * with the HTTP status and the codes.
 */
final class Route53Dns implements TxtRecords {

    static final String VERSION = "/2013-04-01";
    static final long TTL = 60;
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final DnsProviderConfig config;
    private final ProviderHttp http;
    private final Clock clock;
    private final SigV4 signer;
    private final String base;

    Route53Dns(DnsProviderConfig config, ProviderHttp http, Clock clock) {
        this.config = config;
        this.http = http;
        this.clock = clock;
        this.signer = new SigV4(config.accessKey(), config.secretKey(), config.region(), "route53");
        String text = config.apiBase().toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    public void present(String fqdn, String value) throws IOException {
        String name = config.recordName(fqdn);
        String zone = zoneId(name);
        Route53Xml.TxtSet set = current(zone, name);
        List<String> values = new ArrayList<>(set == null ? List.of() : set.values());
        String quoted = Route53Xml.quote(value);
        if (!values.contains(quoted)) {
            values.add(quoted);
            change(zone, "UPSERT", name, TTL, values);
        }
    }

    @Override
    public void cleanUp(String fqdn, String value) throws IOException {
        String name = config.recordName(fqdn);
        String zone = zoneId(name);
        Route53Xml.TxtSet set = current(zone, name);
        String quoted = Route53Xml.quote(value);
        if (set == null || !set.values().contains(quoted)) {
            return;
        }
        List<String> others = new ArrayList<>(set.values());
        others.remove(quoted);
        if (others.isEmpty()) {
            change(zone, "DELETE", name, set.ttl(), set.values());      // DELETE must match the set exactly
        } else {
            change(zone, "UPSERT", name, set.ttl(), others);
        }
    }

    private void change(String zone, String action, String name, long ttl, List<String> values) throws IOException {
        String xml = Route53Xml.changeBatch(action, name, ttl, values, "Balor ACME DNS-01");
        call("POST", VERSION + "/hostedzone/" + zone + "/rrset", xml.getBytes(StandardCharsets.UTF_8),
                "route53: " + action + " TXT " + name);
    }

    private Route53Xml.TxtSet current(String zone, String name) throws IOException {
        Document answer = call("GET", VERSION + "/hostedzone/" + zone + "/rrset?name=" + SigV4.encode(name)
                + "&type=TXT&maxitems=1", new byte[0], "route53: read TXT " + name);
        return Route53Xml.txtSet(answer, name);
    }

    private String zoneId(String name) throws IOException {
        if (config.zoneId() != null) {
            return config.zoneId();
        }
        List<String> candidates = config.zoneCandidates(name);
        for (String candidate : candidates) {
            Document answer = call("GET", VERSION + "/hostedzonesbyname?dnsname=" + SigV4.encode(candidate + ".")
                    + "&maxitems=1", new byte[0], "route53: find hosted zone " + candidate);
            String id = Route53Xml.hostedZoneId(answer, candidate);
            if (id != null) {
                return id;
            }
        }
        throw new DnsApiException("route53: no hosted zone " + String.join(" or ", candidates)
                + " is visible to this access key (set zone or zone_id)", 200, List.of());
    }

    /** Sends a signed request; its parsed answer when it succeeded. */
    private Document call(String method, String pathAndQuery, byte[] body, String what) throws IOException {
        URI uri = URI.create(base + pathAndQuery);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("host", hostHeader(uri));
        headers.put("x-amz-date", AMZ_DATE.format(clock.instant()));
        if (body.length > 0) {
            headers.put("content-type", "text/xml");
        }
        SigV4.Signature signature = signer.sign(method, uri, headers, body);
        HttpRequest.Builder request = http.request(uri).header("Authorization", signature.authorization())
                .header("X-Amz-Date", headers.get("x-amz-date"))
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body.length > 0) {
            request.header("Content-Type", headers.get("content-type"));
        }
        ProviderHttp.Answer answer = http.send(request.build(), what);
        Document document = Route53Xml.parse(answer.body());
        if (answer.ok() && document != null) {
            return document;
        }
        if (document == null) {
            throw new DnsApiException(what + ": HTTP " + answer.status() + " with no XML: " + http.excerpt(answer),
                    answer.status(), List.of());
        }
        Route53Xml.Error error = Route53Xml.error(document);
        throw new DnsApiException(http.scrub(what + ": HTTP " + answer.status() + ": " + String.join(", ", error.codes())
                + (error.message().isEmpty() ? "" : ": " + error.message())), answer.status(), error.codes());
    }

    /** The Host header java.net.http sends for {@code uri}: the port only when it is not the scheme's default. */
    static String hostHeader(URI uri) {
        int port = uri.getPort();
        boolean standard = port < 0 || ("https".equals(uri.getScheme()) && port == 443)
                || ("http".equals(uri.getScheme()) && port == 80);
        return standard ? uri.getHost() : uri.getHost() + ":" + port;
    }
}
