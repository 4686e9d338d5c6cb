package io.balor.admin.acme.dns;

import com.fasterxml.jackson.databind.JsonNode;
import io.balor.admin.acme.TxtRecords;
import io.balor.admin.acme.dns.DnsProviderConfig.Kind;
import io.balor.config.ConfigProblem;
import io.balor.config.InvalidConfigException;
import io.balor.config.Names;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the state file's {@code acme_providers} entries and makes the {@link TxtRecords} each one
 * describes. Stateless; any thread.
 *
 * <p>An entry is {@code {name, provider, api_token?, access_key?, secret_key?, zone?, zone_id?,
 * txt_prefix?, api_base?, region?, delete_url?, resolver?}}, the original Balor's shape plus
 * {@code zone_id}, {@code region}, {@code delete_url} and {@code resolver}. Reading is strict:
 * an unknown key, a key the provider does not use, a missing required key, a value of the wrong
 * type or form is a {@link ConfigProblem} named by its path ({@code acme_providers[0].region}),
 * and every problem of the entry is reported at once. A problem never quotes a secret's value.
 *
 * <table>
 *   <caption>Keys by provider (R required, o optional, - refused)</caption>
 *   <tr><th>key</th><th>cloudflare</th><th>route53</th><th>generic</th></tr>
 *   <tr><td>api_token</td><td>R</td><td>-</td><td>o (bearer token)</td></tr>
 *   <tr><td>access_key, secret_key</td><td>-</td><td>R</td><td>-</td></tr>
 *   <tr><td>zone</td><td>o (a 32-hex zone id, as the original allowed, or a name)</td>
 *       <td>o (a hosted zone id, as the original wrote it, or a name)</td><td>o (sent as is)</td></tr>
 *   <tr><td>zone_id</td><td>o</td><td>o</td><td>-</td></tr>
 *   <tr><td>api_base</td><td>o (https://api.cloudflare.com/client/v4)</td>
 *       <td>o (https://route53.amazonaws.com; a region name, as the original wrote it, is read as
 *       {@code region})</td><td>R (the webhook)</td></tr>
 *   <tr><td>region</td><td>-</td><td>o (us-east-1)</td><td>-</td></tr>
 *   <tr><td>delete_url</td><td>-</td><td>-</td><td>o</td></tr>
 *   <tr><td>txt_prefix, resolver</td><td>o</td><td>o</td><td>o</td></tr>
 * </table>
 * Without a zone or zone id, Cloudflare and Route53 look for the zone whose name is the longest
 * suffix of the record's name.
 */
public final class DnsProviders {

    /** How long one call to a provider's API may take by default. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    public static final List<String> KEYS = List.of("name", "provider", "api_token", "access_key", "secret_key",
            "zone", "zone_id", "txt_prefix", "api_base", "region", "delete_url", "resolver");

    private static final Map<Kind, Set<String>> REQUIRED = Map.of(
            Kind.CLOUDFLARE, Set.of("api_token"),
            Kind.ROUTE53, Set.of("access_key", "secret_key"),
            Kind.GENERIC, Set.of("api_base"));
    private static final Map<Kind, Set<String>> REFUSED = Map.of(
            Kind.CLOUDFLARE, Set.of("access_key", "secret_key", "region", "delete_url"),
            Kind.ROUTE53, Set.of("api_token", "delete_url"),
            Kind.GENERIC, Set.of("access_key", "secret_key", "zone_id", "region"));

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");
    private static final Pattern CLOUDFLARE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern ROUTE53_ID = Pattern.compile("(/hostedzone/)?[A-Z0-9]{1,32}");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?i)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\\.?");
    private static final Pattern PREFIX = Pattern.compile("(?i)[a-z0-9_][a-z0-9_-]{0,62}(\\.[a-z0-9_][a-z0-9_-]{0,62})*");

    private DnsProviders() {
    }

    /**
     * The providers of the section {@code node} (the state file's {@code acme_providers}); an
     * empty list when it is null, missing or JSON null.
     *
     * @throws InvalidConfigException listing every problem of every entry, and duplicate names
     */
    public static List<DnsProviderConfig> configs(JsonNode node, String path) {
        List<DnsProviderConfig> configs = new ArrayList<>();
        if (node == null || node.isMissingNode() || node.isNull()) {
            return configs;
        }
        List<ConfigProblem> problems = new ArrayList<>();
        if (!node.isArray()) {
            throw new InvalidConfigException(List.of(new ConfigProblem(path, "must be an array of DNS providers")));
        }
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < node.size(); i++) {
            String at = path + "[" + i + "]";
            DnsProviderConfig config = read(node.get(i), at, problems);
            String name = node.get(i).path("name").textValue();
            String first = name == null ? null : seen.putIfAbsent(name, at);
            if (first != null) {
                problems.add(new ConfigProblem(at + ".name", "duplicate name '" + name + "' (also at " + first + ")"));
            }
            if (config != null) {
                configs.add(config);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return configs;
    }

    /**
     * The provider described by {@code entry}.
     *
     * @param path where the entry is ({@code acme_providers[0]}); problems are named from it
     * @throws InvalidConfigException listing every problem of the entry
     */
    public static DnsProviderConfig config(JsonNode entry, String path) {
        List<ConfigProblem> problems = new ArrayList<>();
        DnsProviderConfig config = read(entry, path, problems);
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return config;
    }

    /**
     * {@link #config} and {@link #create} in one: the provider {@code entry} describes, ready to
     * use, on the system clock with {@link #CALL_TIMEOUT}.
     */
    public static TxtRecords of(JsonNode entry, String path, HttpClient http) {
        return create(config(entry, path), http, Clock.systemUTC(), CALL_TIMEOUT);
    }

    /**
     * The {@link TxtRecords} that speaks {@code config}'s API through {@code http} (which should
     * not follow redirects, so that a token is only ever sent to {@code api_base}'s host).
     *
     * @param clock   the time Route53's requests are signed with
     * @param timeout how long one HTTP call may take, answer included
     */
    public static TxtRecords create(DnsProviderConfig config, HttpClient http, Clock clock, Duration timeout) {
        ProviderHttp calls = new ProviderHttp(http, timeout, config.apiToken(), config.secretKey());
        return switch (config.kind()) {
            case CLOUDFLARE -> new CloudflareDns(config, calls);
            case ROUTE53 -> new Route53Dns(config, calls, clock);
            case GENERIC -> new WebhookDns(config, calls);
        };
    }

    private static DnsProviderConfig read(JsonNode entry, String at, List<ConfigProblem> problems) {
        if (entry == null || !entry.isObject()) {
            problems.add(new ConfigProblem(at, "must be an object"));
            return null;
        }
        int before = problems.size();
        for (Map.Entry<String, JsonNode> field : entry.properties()) {
            if (!KEYS.contains(field.getKey())) {
                problems.add(new ConfigProblem(at + "." + field.getKey(),
                        "unknown key (known here: " + String.join(", ", KEYS) + ")"));
            }
        }
        Map<String, String> text = new HashMap<>();
        for (String key : KEYS) {
            JsonNode value = entry.get(key);
            if (value == null || value.isNull()) {
                continue;
            }
            if (!value.isTextual()) {
                problems.add(new ConfigProblem(at + "." + key, "must be a string"));
            } else if (value.textValue().isBlank()) {
                problems.add(new ConfigProblem(at + "." + key, "must not be empty"));
            } else {
                text.put(key, value.textValue());
            }
        }
        String name = text.get("name");
        if (name == null && !entry.hasNonNull("name")) {
            problems.add(new ConfigProblem(at + ".name", "is required"));
        } else if (name != null && Names.problem(name) != null) {
            problems.add(new ConfigProblem(at + ".name", Names.problem(name)));
        }
        Kind kind = text.containsKey("provider") ? Kind.parse(text.get("provider")) : null;
        if (!entry.hasNonNull("provider")) {
            problems.add(new ConfigProblem(at + ".provider", "is required (cloudflare, route53 or generic)"));
        } else if (text.containsKey("provider") && kind == null) {
            problems.add(new ConfigProblem(at + ".provider", "unknown provider '" + text.get("provider")
                    + "' (known: cloudflare, route53, generic)"));
        }
        if (kind == null) {
            return null;
        }
        String region = text.get("region");
        String base = text.get("api_base");
        if (kind == Kind.ROUTE53 && base != null && REGION.matcher(base).matches()) {
            // The original kept Route53's region in api_base: read it as the region it is.
            if (region != null) {
                problems.add(new ConfigProblem(at + ".api_base", "'" + base + "' is a region; region is "
                        + region + " already: api_base is the API's URL"));
            }
            region = base;
            base = null;
        }
        for (String key : REQUIRED.get(kind)) {
            if (!entry.hasNonNull(key)) {
                problems.add(new ConfigProblem(at + "." + key, "is required by a " + kind.wire() + " provider"));
            }
        }
        for (String key : REFUSED.get(kind)) {
            if (entry.hasNonNull(key)) {
                problems.add(new ConfigProblem(at + "." + key, "is not used by a " + kind.wire() + " provider"));
            }
        }
        URI apiBase = url(base == null ? kind.defaultBase() : base, at + ".api_base", problems);
        URI deleteUrl = url(text.get("delete_url"), at + ".delete_url", problems);
        String zone = text.get("zone");
        String zoneId = text.get("zone_id");
        if (zone != null && zoneId == null && kind == Kind.CLOUDFLARE && CLOUDFLARE_ID.matcher(zone).matches()) {
            zoneId = zone;      // the original's zone held an id or a name
            zone = null;
        } else if (zone != null && zoneId == null && kind == Kind.ROUTE53 && zone.indexOf('.') < 0
                && ROUTE53_ID.matcher(zone).matches()) {
            zoneId = zone;      // the original's zone was the hosted zone id
            zone = null;
        }
        if (zone != null && !DOMAIN.matcher(zone).matches()) {
            problems.add(new ConfigProblem(at + ".zone", "'" + zone + "' is not a domain name"));
        }
        if (zoneId != null && kind == Kind.CLOUDFLARE && !CLOUDFLARE_ID.matcher(zoneId).matches()) {
            problems.add(new ConfigProblem(at + ".zone_id", "a Cloudflare zone id is 32 hexadecimal digits"));
        } else if (zoneId != null && kind == Kind.ROUTE53 && !ROUTE53_ID.matcher(zoneId).matches()) {
            problems.add(new ConfigProblem(at + ".zone_id", "'" + zoneId
                    + "' is not a hosted zone id (upper-case letters and digits, such as Z1D633PJN98FT9)"));
        }
        if (zoneId != null && zoneId.startsWith("/hostedzone/")) {
            zoneId = zoneId.substring("/hostedzone/".length());
        }
        if (region != null && !REGION.matcher(region).matches()) {
            problems.add(new ConfigProblem(at + ".region", "'" + region + "' is not an AWS region (such as us-east-1)"));
        }
        if (kind == Kind.ROUTE53 && region == null) {
            region = "us-east-1";
        }
        String prefix = text.get("txt_prefix");
        if (prefix != null && !PREFIX.matcher(prefix).matches()) {
            problems.add(new ConfigProblem(at + ".txt_prefix", "'" + prefix
                    + "' is not one or more DNS labels (such as _acme-challenge)"));
        }
        InetSocketAddress resolver = resolver(text.get("resolver"), at + ".resolver", problems);
        if (problems.size() != before) {
            return null;
        }
        return new DnsProviderConfig(name, kind, text.get("api_token"), text.get("access_key"),
                text.get("secret_key"), zone, zoneId, prefix, apiBase, region, deleteUrl, resolver);
    }

    private static URI url(String text, String at, List<ConfigProblem> problems) {
        if (text == null) {
            return null;
        }
        try {
            URI uri = new URI(text);
            if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawUserInfo() == null && uri.getRawFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add(new ConfigProblem(at, "'" + text + "' is not an http(s) URL (with no user or fragment)"));
        return null;
    }

    /** {@code host:port} (port 53 when left out; an IPv6 literal in brackets) as a socket address. */
    private static InetSocketAddress resolver(String text, String at, List<ConfigProblem> problems) {
        if (text == null) {
            return null;
        }
        try {
            URI uri = new URI("dns://" + text);
            if (uri.getHost() != null && uri.getRawPath().isEmpty() && uri.getRawUserInfo() == null
                    && uri.getRawQuery() == null && uri.getPort() != 0) {
                String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                        : uri.getHost();
                return InetSocketAddress.createUnresolved(host, uri.getPort() < 0 ? 53 : uri.getPort());
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add(new ConfigProblem(at, "'" + text + "' is not host:port (such as 127.0.0.1:53)"));
        return null;
    }
}
