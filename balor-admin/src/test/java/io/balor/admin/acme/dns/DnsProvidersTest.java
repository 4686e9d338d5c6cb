package io.balor.admin.acme.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.config.ConfigProblem;
import io.balor.config.InvalidConfigException;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DnsProviders}' reading of {@code acme_providers} and {@link ProviderSecrets}' masking. */
class DnsProvidersTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static List<String> problems(String section) throws Exception {
        InvalidConfigException refused = assertThrows(InvalidConfigException.class,
                () -> DnsProviders.configs(json(section), "acme_providers"));
        return refused.problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void readsTheOriginalsEntriesAsTheyWereWritten() throws Exception {
        List<DnsProviderConfig> configs = DnsProviders.configs(json("""
                [{"name": "cf-main", "provider": "cloudflare", "api_token": "cf-token-redacted-0123456789",
                  "zone": "example.com", "txt_prefix": "_acme-challenge", "api_base": "https://api.cloudflare.com/client/v4"},
                 {"name": "r53", "provider": "route53", "access_key": "AKIAEXAMPLE", "secret_key": "secretexample",
                  "zone": "Z123EXAMPLE", "api_base": "us-east-1"}]"""), "acme_providers");
        DnsProviderConfig cloudflare = configs.get(0);
        assertEquals("example.com", cloudflare.zone());
        assertNull(cloudflare.zoneId());
        DnsProviderConfig route53 = configs.get(1);
        assertEquals("Z123EXAMPLE", route53.zoneId(), "the original's zone is a hosted zone id");
        assertNull(route53.zone());
        assertEquals("us-east-1", route53.region(), "the original's api_base held the region");
        assertEquals("https://route53.amazonaws.com", route53.apiBase().toString());
    }

    @Test
    void appliesDefaultsAndTheNewFields() throws Exception {
        DnsProviderConfig route53 = DnsProviders.config(json("""
                {"name": "r", "provider": "route53", "access_key": "AK", "secret_key": "SK",
                 "zone_id": "/hostedzone/Z1D633PJN98FT9", "region": "eu-central-1", "resolver": "127.0.0.1:8053"}"""),
                "acme_providers[0]");
        assertEquals("Z1D633PJN98FT9", route53.zoneId());
        assertEquals("eu-central-1", route53.region());
        assertEquals(InetSocketAddress.createUnresolved("127.0.0.1", 8053), route53.resolver());
        DnsProviderConfig cloudflare = DnsProviders.config(json("""
                {"name": "c", "provider": "cloudflare", "api_token": "t", "zone": "023e105f4ecef8ad9ca31a8372d0c353",
                 "resolver": "[::1]"}"""), "acme_providers[0]");
        assertEquals("023e105f4ecef8ad9ca31a8372d0c353", cloudflare.zoneId(), "a 32-hex zone is an id");
        assertEquals("https://api.cloudflare.com/client/v4", cloudflare.apiBase().toString());
        assertEquals(53, cloudflare.resolver().getPort());
        assertEquals("_acme-challenge.www.example.com.", cloudflare.recordName("_acme-challenge.WWW.example.com"));
        assertEquals(List.of("www.example.com", "example.com"), cloudflare.zoneCandidates("_acme-challenge.www.example.com."));
    }

    @Test
    void namesEveryProblemByItsPath() throws Exception {
        List<String> problems = problems("""
                [{"name": "cf", "provider": "cloudflare", "access_key": "AK", "zone_id": "nothex", "colour": "blue"},
                 {"name": "r53", "provider": "route53", "secret_key": 7, "region": "moon-1", "api_base": "ftp://x",
                  "txt_prefix": "bad prefix!", "resolver": "127.0.0.1:x"},
                 {"name": "hook", "provider": "generic", "delete_url": "not a url", "zone_id": "x"},
                 {"provider": "bind"},
                 {"name": "cf", "provider": "cloudflare", "api_token": "t"},
                 "text"]""");
        assertEquals(List.of(
                "acme_providers[0].colour: unknown key (known here: " + String.join(", ", DnsProviders.KEYS) + ")",
                "acme_providers[0].api_token: is required by a cloudflare provider",
                "acme_providers[0].access_key: is not used by a cloudflare provider",
                "acme_providers[0].zone_id: a Cloudflare zone id is 32 hexadecimal digits",
                "acme_providers[1].secret_key: must be a string",
                "acme_providers[1].access_key: is required by a route53 provider",
                "acme_providers[1].api_base: 'ftp://x' is not an http(s) URL (with no user or fragment)",
                "acme_providers[1].region: 'moon-1' is not an AWS region (such as us-east-1)",
                "acme_providers[1].txt_prefix: 'bad prefix!' is not one or more DNS labels (such as _acme-challenge)",
                "acme_providers[1].resolver: '127.0.0.1:x' is not host:port (such as 127.0.0.1:53)",
                "acme_providers[2].api_base: is required by a generic provider",
                "acme_providers[2].zone_id: is not used by a generic provider",
                "acme_providers[2].delete_url: 'not a url' is not an http(s) URL (with no user or fragment)",
                "acme_providers[3].name: is required",
                "acme_providers[3].provider: unknown provider 'bind' (known: cloudflare, route53, generic)",
                "acme_providers[4].name: duplicate name 'cf' (also at acme_providers[0])",
                "acme_providers[5]: must be an object"), problems);
    }

    @Test
    void noProblemQuotesASecret() throws Exception {
        List<String> problems = problems("""
                [{"name": "r", "provider": "route53", "access_key": "AK", "secret_key": "s3cr3t-value",
                  "api_token": "t0ken-value", "region": "us-east-1", "api_base": "eu-west-1"}]""");
        assertEquals(2, problems.size(), problems.toString());
        for (String problem : problems) {
            assertFalse(problem.contains("s3cr3t-value") || problem.contains("t0ken-value"), problem);
        }
        DnsProviderConfig config = DnsProviders.config(json("""
                {"name": "r", "provider": "route53", "access_key": "AK", "secret_key": "s3cr3t-value"}"""), "p");
        assertFalse(config.toString().contains("s3cr3t-value"), config.toString());
        assertTrue(config.toString().contains("secret_key=<redacted>"), config.toString());
    }

    @Test
    void masksSecretsForReadsAndKeepsTheStoredValueWhenTheMaskIsSentBack() throws Exception {
        JsonNode stored = json("""
                [{"name": "cf", "provider": "cloudflare", "api_token": "cf-secret", "zone": "example.com"},
                 {"name": "r53", "provider": "route53", "access_key": "AK", "secret_key": "aws-secret",
                  "eab": {"kid": "k1", "hmac_key": "eab-secret"}}]""");
        JsonNode shown = ProviderSecrets.redact(stored.deepCopy());
        assertEquals(json("""
                [{"name": "cf", "provider": "cloudflare", "api_token": "<redacted>", "zone": "example.com"},
                 {"name": "r53", "provider": "route53", "access_key": "AK", "secret_key": "<redacted>",
                  "eab": {"kid": "k1", "hmac_key": "<redacted>"}}]"""), shown);

        JsonNode written = shown.deepCopy();
        ((ObjectNode) written.get(0)).put("zone", "example.org");
        assertEquals(List.of(), ProviderSecrets.restoreAll(written, stored, "acme_providers"));
        assertEquals("cf-secret", written.get(0).get("api_token").asText());
        assertEquals("example.org", written.get(0).get("zone").asText());
        assertEquals("eab-secret", written.get(1).get("eab").get("hmac_key").asText());

        JsonNode fresh = json("""
                [{"name": "new", "provider": "cloudflare", "api_token": "<redacted>"}]""");
        List<ConfigProblem> missing = ProviderSecrets.restoreAll(fresh, stored, "acme_providers");
        assertEquals(List.of("acme_providers[0].api_token"), missing.stream().map(ConfigProblem::path).toList());
        assertTrue(ProviderSecrets.secret("API_TOKEN") && ProviderSecrets.secret("eab_hmac_key"));
        assertFalse(ProviderSecrets.secret("access_key") || ProviderSecrets.secret("zone"));
    }
}
