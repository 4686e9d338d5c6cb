package io.balor.admin.acme.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.admin.acme.TxtRecords;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * DNS-01 through Cloudflare's API v4. Immutable; called from ACME's threads (each call blocks on
 * the API, within {@link ProviderHttp}'s timeout).
 *
 * <p>The calls, all with {@code Authorization: Bearer <api_token>}, relative to {@code api_base}
 * ({@code https://api.cloudflare.com/client/v4}):
 * <ol>
 *   <li>the zone: {@code zone_id} when configured, otherwise {@code GET /zones?name=NAME} for the
 *       configured {@code zone}, or for each parent of the record's name in turn, longest first;
 *       the first zone in {@code result} is used;</li>
 *   <li>{@link #present}: {@code POST /zones/{id}/dns_records} with
 *       {@code {"type":"TXT","name":NAME,"content":VALUE,"ttl":60}}, NAME without the trailing
 *       dot; Cloudflare's error 81058 (an identical record already exists) counts as done;</li>
 *   <li>{@link #cleanUp}: {@code GET /zones/{id}/dns_records?type=TXT&name=NAME&per_page=100},
 *       then {@code DELETE /zones/{id}/dns_records/{record id}} for each record whose content is
 *       the value (none found, or a 404 on delete, means it is already gone). The content is
 *       matched here rather than with the API's {@code content} filter because Cloudflare may
 *       hold a TXT value in double quotes ({@code "VALUE"}), which that exact filter would miss;
 *       both forms match.</li>
 * </ol>
 * Every answer is Cloudflare's envelope {@code {"success", "errors": [{"code", "message"}],
 * "result"}}; a failure is a {@link DnsApiException} with the HTTP status and the error codes.
 */
final class CloudflareDns implements TxtRecords {

    /** Cloudflare's code for "An identical record already exists." */
    static final int IDENTICAL_RECORD = 81058;
    static final int TTL = 60;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DnsProviderConfig config;
    private final ProviderHttp http;
    private final String base;

    CloudflareDns(DnsProviderConfig config, ProviderHttp http) {
        this.config = config;
        this.http = http;
        String text = config.apiBase().toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    public void present(String fqdn, String value) throws IOException {
        String name = bare(config.recordName(fqdn));
        String zone = zoneId(name);
        ObjectNode record = JSON.createObjectNode().put("type", "TXT").put("name", name)
                .put("content", value).put("ttl", TTL);
        HttpRequest request = authorized("/zones/" + zone + "/dns_records")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(record))).build();
        String what = "cloudflare: create TXT " + name;
        ProviderHttp.Answer answer = http.send(request, what);
        JsonNode body = parse(answer, what);
        if (!answer.ok() || !body.path("success").asBoolean(false)) {
            DnsApiException refusal = refusal(answer, body, what);
            if (!refusal.codes().equals(List.of(Integer.toString(IDENTICAL_RECORD)))) {
                throw refusal;
            }
        }
    }

    @Override
    public void cleanUp(String fqdn, String value) throws IOException {
        String name = bare(config.recordName(fqdn));
        String zone = zoneId(name);
        String what = "cloudflare: find TXT " + name;
        JsonNode found = call(authorized("/zones/" + zone + "/dns_records?type=TXT&name=" + query(name)
                + "&per_page=100").GET().build(), what);
        for (JsonNode record : found.path("result")) {
            String id = record.path("id").asText("");
            if (id.isEmpty() || !sameContent(record.path("content").asText(""), value)) {
                continue;
            }
            String remove = "cloudflare: delete TXT " + name;
            ProviderHttp.Answer answer = http.send(authorized("/zones/" + zone + "/dns_records/" + segment(id))
                    .DELETE().build(), remove);
            if (answer.status() != 404) {
                JsonNode body = parse(answer, remove);
                if (!answer.ok() || !body.path("success").asBoolean(false)) {
                    throw refusal(answer, body, remove);
                }
            }
        }
    }

    /** The id of the zone {@code name} (no trailing dot) is in. */
    private String zoneId(String name) throws IOException {
        if (config.zoneId() != null) {
            return config.zoneId();
        }
        List<String> candidates = config.zoneCandidates(name);
        for (String candidate : candidates) {
            JsonNode found = call(authorized("/zones?name=" + query(candidate)).GET().build(),
                    "cloudflare: find zone " + candidate);
            for (JsonNode zone : found.path("result")) {
                String id = zone.path("id").asText("");
                if (!id.isEmpty()) {
                    return id;
                }
            }
        }
        throw new DnsApiException("cloudflare: no zone " + String.join(" or ", candidates)
                + " is visible to this API token (set zone or zone_id)", 200, List.of());
    }

    /** Sends {@code request}; its parsed body when Cloudflare says it succeeded. */
    private JsonNode call(HttpRequest request, String what) throws IOException {
        ProviderHttp.Answer answer = http.send(request, what);
        JsonNode body = parse(answer, what);
        if (!answer.ok() || !body.path("success").asBoolean(false)) {
            throw refusal(answer, body, what);
        }
        return body;
    }

    private JsonNode parse(ProviderHttp.Answer answer, String what) throws IOException {
        try {
            JsonNode body = JSON.readTree(answer.body());
            if (body != null && body.isObject()) {
                return body;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new DnsApiException(what + ": HTTP " + answer.status() + " with no Cloudflare JSON envelope: "
                + http.excerpt(answer), answer.status(), List.of());
    }

    private DnsApiException refusal(ProviderHttp.Answer answer, JsonNode body, String what) {
        List<String> codes = new ArrayList<>();
        StringBuilder message = new StringBuilder(what).append(": HTTP ").append(answer.status());
        for (JsonNode error : body.path("errors")) {
            String code = error.path("code").asText("?");
            codes.add(code);
            message.append(codes.size() == 1 ? ": " : "; ").append('[').append(code).append("] ")
                    .append(error.path("message").asText(""));
        }
        if (codes.isEmpty()) {
            message.append(": success=false with no errors");
        }
        return new DnsApiException(http.scrub(message.toString()), answer.status(), codes);
    }

    /** Whether Cloudflare's {@code content} is {@code value}, bare or in double quotes. */
    static boolean sameContent(String content, String value) {
        return content.equals(value) || content.equals('"' + value + '"');
    }

    private HttpRequest.Builder authorized(String path) {
        return http.request(URI.create(base + path)).header("Authorization", "Bearer " + config.apiToken());
    }

    private static String bare(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
