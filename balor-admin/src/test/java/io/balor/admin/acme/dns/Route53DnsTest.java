package io.balor.admin.acme.dns;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.balor.admin.acme.TxtRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Route53Dns} against {@link FakeRoute53}, which verifies every request's SigV4 signature. */
class Route53DnsTest {

    private static final String FQDN = "_acme-challenge.www.example.com.";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private FakeRoute53 route53;

    @BeforeEach
    void start() throws Exception {
        route53 = new FakeRoute53();
        route53.zones.put("example.com.", "Z1D633PJN98FT9");
        route53.zones.put("example.net.", "Z2OTHER");
    }

    @AfterEach
    void stop() {
        route53.close();
    }

    private TxtRecords provider(String... fields) {
        ObjectNode entry = new ObjectMapper().createObjectNode().put("name", "r53").put("provider", "route53")
                .put("access_key", FakeRoute53.ACCESS_KEY).put("secret_key", FakeRoute53.SECRET)
                .put("api_base", route53.base());
        for (int i = 0; i < fields.length; i += 2) {
            entry.put(fields[i], fields[i + 1]);
        }
        return DnsProviders.of(entry, "acme_providers[0]", http);
    }

    @Test
    void upsertsBesideOtherValuesThenDeletesTheSetExactly() throws Exception {
        TxtRecords records = provider("zone_id", "Z1D633PJN98FT9");
        records.present(FQDN, "first");
        assertEquals(new FakeRoute53.TxtSet(60, List.of("\"first\"")), route53.sets.get(FQDN));
        records.present(FQDN, "second");
        assertEquals(List.of("\"first\"", "\"second\""), route53.sets.get(FQDN).values());

        records.cleanUp(FQDN, "first");
        assertEquals(List.of("\"second\""), route53.sets.get(FQDN).values());
        records.cleanUp(FQDN, "second");
        assertNull(route53.sets.get(FQDN));
        int calls = route53.calls.size();
        records.cleanUp(FQDN, "second");            // already gone: read, and nothing to change
        assertEquals(calls + 1, route53.calls.size(), route53.calls.toString());
        assertEquals(List.of("us-east-1"), route53.regions.stream().distinct().toList());
    }

    @Test
    void findsTheHostedZoneByNameAndSignsForTheConfiguredRegion() throws Exception {
        provider("region", "eu-west-1").present(FQDN, "v");
        assertEquals(List.of("\"v\""), route53.sets.get(FQDN).values());
        assertEquals("GET /2013-04-01/hostedzonesbyname", route53.calls.get(0));
        assertEquals("GET /2013-04-01/hostedzonesbyname", route53.calls.get(1));
        assertEquals("GET /2013-04-01/hostedzone/Z1D633PJN98FT9/rrset", route53.calls.get(2));
        assertEquals("POST /2013-04-01/hostedzone/Z1D633PJN98FT9/rrset", route53.calls.get(3));
        assertEquals(List.of("eu-west-1"), route53.regions.stream().distinct().toList());

        provider("zone", "example.com").cleanUp(FQDN, "v");
        provider("zone", "Z1D633PJN98FT9").present(FQDN, "w");       // the original's zone: a hosted zone id
        assertEquals(List.of("\"w\""), route53.sets.get(FQDN).values());
    }

    @Test
    void aWrongSecretIsRefusedByTheSignatureCheckWithoutShowingIt() {
        ObjectNode entry = new ObjectMapper().createObjectNode().put("name", "r53").put("provider", "route53")
                .put("access_key", FakeRoute53.ACCESS_KEY).put("secret_key", "not-the-secret-8086")
                .put("zone_id", "Z1D633PJN98FT9").put("api_base", route53.base());
        DnsApiException refused = assertThrows(DnsApiException.class,
                () -> DnsProviders.of(entry, "acme_providers[0]", http).present(FQDN, "v"));
        assertEquals(403, refused.status());
        assertEquals(List.of("SignatureDoesNotMatch"), refused.codes());
        assertFalse(refused.getMessage().contains("not-the-secret-8086"), refused.getMessage());
        assertTrue(route53.sets.isEmpty());
    }

    @Test
    void anUnknownHostedZoneIsAnErrorWithRoute53sCodeAndMessage() {
        DnsApiException refused = assertThrows(DnsApiException.class,
                () -> provider("zone_id", "ZNOSUCHZONE").present(FQDN, "v"));
        assertEquals(404, refused.status());
        assertEquals(List.of("NoSuchHostedZone"), refused.codes());
        assertTrue(refused.getMessage().contains("No hosted zone found with ID: ZNOSUCHZONE"), refused.getMessage());
        DnsApiException missing = assertThrows(DnsApiException.class,
                () -> provider().present("_acme-challenge.example.org.", "v"));
        assertTrue(missing.getMessage().contains("no hosted zone example.org"), missing.getMessage());
    }

    @Test
    void readsRoute53sInvalidChangeBatch() {
        Document answer = Route53Xml.parse(("<?xml version=\"1.0\"?><InvalidChangeBatch xmlns=\""
                + Route53Xml.NAMESPACE + "\"><Messages><Message>Tried to delete resource record set but it was not"
                + " found</Message></Messages></InvalidChangeBatch>").getBytes());
        Route53Xml.Error error = Route53Xml.error(answer);
        assertEquals(List.of("InvalidChangeBatch"), error.codes());
        assertEquals("Tried to delete resource record set but it was not found", error.message());
    }

    @Test
    void refusesADoctypeInAnAnswer() {
        byte[] entity = ("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<ErrorResponse><Error><Code>&x;</Code></Error></ErrorResponse>").getBytes();
        assertNull(Route53Xml.parse(entity));
    }
}
