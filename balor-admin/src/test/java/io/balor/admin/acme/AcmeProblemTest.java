package io.balor.admin.acme;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How error responses, directories and requests are read, without a CA: problem documents
 * (RFC 7807, RFC 8555 §6.7) with subproblems, rate limits with {@code Retry-After} in both forms,
 * and the directory's optional fields.
 */
class AcmeProblemTest {

    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    private static final URI URL = URI.create("https://ca.test/acme/new-order");

    @Test
    void rateLimitIsSurfacedWithItsRetryAfterInSeconds() {
        AcmeException e = AcmeTransport.failure(response(429, "application/problem+json", "120",
                "{\"type\":\"urn:ietf:params:acme:error:rateLimited\",\"detail\":\"too many certificates\",\"status\":429}"),
                "newOrder", NOW);
        assertTrue(e.rateLimited());
        assertEquals("newOrder", e.step());
        assertEquals(NOW.plusSeconds(120), e.retryAfter().orElseThrow());
        assertEquals(429, e.problem().orElseThrow().status());
        assertEquals("newOrder: urn:ietf:params:acme:error:rateLimited: too many certificates (retry after "
                + NOW.plusSeconds(120) + ")", e.getMessage());
    }

    @Test
    void retryAfterMayBeAnHttpDate() {
        AcmeException e = AcmeTransport.failure(response(503, "text/plain", "Sun, 06 Dec 2026 12:05:00 GMT", "busy"),
                "finalize", NOW);
        assertEquals(Instant.parse("2026-12-06T12:05:00Z"), e.retryAfter().orElseThrow());
        assertEquals("about:blank", e.problem().orElseThrow().type(), "no problem document: made up from the status");
        assertEquals(503, e.problem().orElseThrow().status());
        assertFalse(e.rateLimited());
        assertTrue(AcmeTransport.failure(response(503, "text/plain", "soon", ""), "x", NOW).retryAfter().isEmpty());
    }

    @Test
    void subproblemsKeepTheirIdentifiers() {
        AcmeException e = AcmeTransport.failure(response(400, "application/problem+json", null, """
                {"type": "urn:ietf:params:acme:error:malformed", "detail": "some identifiers were refused",
                 "subproblems": [
                   {"type": "urn:ietf:params:acme:error:rejectedIdentifier", "detail": "forbidden",
                    "identifier": {"type": "dns", "value": "bad.x.test"}}]}"""), "newOrder", NOW);
        AcmeProblem problem = e.problem().orElseThrow();
        assertEquals(400, problem.status(), "the response's status stands in for a missing one");
        assertEquals(1, problem.subproblems().size());
        assertEquals("bad.x.test", problem.subproblems().get(0).identifier());
        assertTrue(e.getMessage().contains("rejectedIdentifier (bad.x.test): forbidden"), e.getMessage());
        assertTrue(e.retryAfter().isEmpty());
    }

    @Test
    void directoryReadsOptionalFieldsAndResolvesRelativeUrls() {
        AcmeDirectory directory = AcmeDirectory.parse(Jws.MAPPER.valueToTree(Map.of(
                "newNonce", "/nonce", "newAccount", "https://ca.test/acct", "newOrder", "order",
                "renewalInfo", "https://ca.test/ari",
                "meta", Map.of("termsOfService", "https://ca.test/tos.pdf", "externalAccountRequired", true))),
                URI.create("https://ca.test/dir"));
        assertEquals(URI.create("https://ca.test/nonce"), directory.newNonce());
        assertEquals(URI.create("https://ca.test/order"), directory.newOrder());
        assertEquals(URI.create("https://ca.test/ari"), directory.renewalInfo());
        assertNull(directory.keyChange());
        assertNull(directory.revokeCert());
        assertEquals(URI.create("https://ca.test/tos.pdf"), directory.termsOfService());
        assertTrue(directory.externalAccountRequired());
        assertThrows(IllegalArgumentException.class, () -> AcmeDirectory.parse(
                Jws.MAPPER.valueToTree(Map.of("newNonce", "/n")), URI.create("https://ca.test/dir")));
    }

    @Test
    void requestsAreCheckedWhenMade() {
        OrderRequest order = OrderRequest.of(ChallengeType.DNS_01, "WWW.X.test.", "www.x.test", "*.x.test");
        assertEquals(List.of("www.x.test", "*.x.test"), order.names());
        assertThrows(IllegalArgumentException.class, () -> OrderRequest.of(ChallengeType.HTTP_01, "*.x.test"));
        assertThrows(IllegalArgumentException.class, () -> OrderRequest.of(ChallengeType.HTTP_01, "a..b"));
        assertThrows(IllegalArgumentException.class, () -> OrderRequest.of(ChallengeType.HTTP_01, "x_y.test"));
        assertThrows(IllegalArgumentException.class, () -> OrderRequest.of(ChallengeType.HTTP_01));
        assertThrows(IllegalArgumentException.class, () -> AccountRequest.of("not-an-email", true));
        assertThrows(IllegalArgumentException.class, () -> AccountRequest.of("a@b,c@d", true));
        assertThrows(IllegalArgumentException.class, () -> new ExternalAccountBinding("kid", "not base64!"));
        assertEquals(AcmeClient.LETS_ENCRYPT_STAGING, AcmeClient.directoryUrl("letsencrypt-staging"));
        assertThrows(IllegalArgumentException.class, () -> AcmeClient.directoryUrl("http://ca.test/dir"));
    }

    private static AcmeTransport.Response response(int status, String contentType, String retryAfter, String body) {
        Map<String, List<String>> headers = retryAfter == null
                ? Map.of("Content-Type", List.of(contentType))
                : Map.of("Content-Type", List.of(contentType), "Retry-After", List.of(retryAfter));
        return new AcmeTransport.Response(status, HttpHeaders.of(headers, (name, value) -> true),
                body.getBytes(StandardCharsets.UTF_8), URL);
    }
}
