package io.balor.admin.acme.dns;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.admin.acme.TxtRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link CloudflareDns} against {@link FakeCloudflare}, which speaks Cloudflare's JSON and checks the token. */
class CloudflareDnsTest {

    private static final String ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353";
    private static final String FQDN = "_acme-challenge.www.example.com.";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private FakeCloudflare cloudflare;

    @BeforeEach
    void start() throws Exception {
        cloudflare = new FakeCloudflare();
        cloudflare.zones.put("example.com", ZONE_ID);
    }

    @AfterEach
    void stop() {
        cloudflare.close();
    }

    private TxtRecords provider(String... fields) {
        ObjectNode entry = new ObjectMapper().createObjectNode().put("name", "cf").put("provider", "cloudflare")
                .put("api_token", FakeCloudflare.TOKEN).put("api_base", cloudflare.base());
        for (int i = 0; i < fields.length; i += 2) {
            entry.put(fields[i], fields[i + 1]);
        }
        return DnsProviders.of(entry, "acme_providers[0]", http);
    }

    @Test
    void createsBesideOtherValuesAndRemovesOnlyItsOwn() throws Exception {
        TxtRecords records = provider("zone", "example.com");
        records.present(FQDN, "first");
        records.present(FQDN, "first");             // an identical record (81058) counts as done
        records.present(FQDN, "second");
        assertEquals(List.of("first", "second"), cloudflare.contents("_acme-challenge.www.example.com"));
        assertEquals(60, cloudflare.records.get(0).ttl());
        assertEquals("TXT", cloudflare.records.get(0).type());

        records.cleanUp(FQDN, "first");
        assertEquals(List.of("second"), cloudflare.contents("_acme-challenge.www.example.com"));
        records.cleanUp(FQDN, "first");             // already gone: not an error
        records.cleanUp(FQDN, "second");
        assertTrue(cloudflare.records.isEmpty());
    }

    @Test
    void removesAValueCloudflareHoldsInQuotes() throws Exception {
        cloudflare.records.add(new FakeCloudflare.Record("0f1e2d", ZONE_ID, "TXT", "_acme-challenge.www.example.com",
                "\"quoted\"", 60));
        provider("zone_id", ZONE_ID).cleanUp(FQDN, "quoted");
        assertTrue(cloudflare.records.isEmpty());
    }

    @Test
    void findsTheZoneFromTheRecordsNameWhenNoneIsConfigured() throws Exception {
        provider().present("_acme-challenge.a.b.example.com.", "v");
        assertEquals(List.of("v"), cloudflare.contents("_acme-challenge.a.b.example.com"));
        assertTrue(cloudflare.calls.get(0).startsWith("GET /zones {name=a.b.example.com}"), cloudflare.calls.toString());
        assertTrue(cloudflare.calls.get(2).startsWith("GET /zones {name=example.com}"), cloudflare.calls.toString());
    }

    @Test
    void usesAZoneIdWithoutLookingItUp() throws Exception {
        provider("zone_id", ZONE_ID).present(FQDN, "v");
        assertEquals(1, cloudflare.calls.size(), cloudflare.calls.toString());
        assertTrue(cloudflare.calls.get(0).startsWith("POST /zones/" + ZONE_ID + "/dns_records"));
        provider("zone", ZONE_ID).cleanUp(FQDN, "v");      // the original's zone may hold an id
        assertTrue(cloudflare.records.isEmpty());
    }

    @Test
    void txtPrefixReplacesTheFirstLabel() throws Exception {
        provider("zone", "example.com", "txt_prefix", "_delegated").present(FQDN, "v");
        assertEquals(List.of("v"), cloudflare.contents("_delegated.www.example.com"));
    }

    @Test
    void aRefusedTokenIsAnErrorWithCloudflaresCodeAndNoToken() {
        ObjectNode entry = new ObjectMapper().createObjectNode().put("name", "cf").put("provider", "cloudflare")
                .put("api_token", "wrong-token-5150").put("zone_id", ZONE_ID).put("api_base", cloudflare.base());
        DnsApiException refused = assertThrows(DnsApiException.class,
                () -> DnsProviders.of(entry, "acme_providers[0]", http).present(FQDN, "v"));
        assertEquals(403, refused.status());
        assertEquals(List.of("10000"), refused.codes());
        assertTrue(refused.getMessage().contains("[10000] Authentication error"), refused.getMessage());
        assertFalse(refused.getMessage().contains("wrong-token-5150"), refused.getMessage());
    }

    @Test
    void anUnknownZoneIsAnErrorWithCloudflaresCode() {
        DnsApiException refused = assertThrows(DnsApiException.class,
                () -> provider("zone_id", "f".repeat(32)).present(FQDN, "v"));
        assertEquals(404, refused.status());
        assertEquals(List.of("7003"), refused.codes());
        DnsApiException missing = assertThrows(DnsApiException.class,
                () -> provider("zone", "example.org").present("_acme-challenge.example.org.", "v"));
        assertTrue(missing.getMessage().contains("no zone example.org"), missing.getMessage());
    }
}
