package io.balor.admin.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One issuance, RFC 8555 §7.4 step by step: {@code newOrder}; for each authorization (§7.5) not
 * yet valid, publish the chosen challenge's answer (§8.3 HTTP-01: the key authorization under the
 * token; §8.4 DNS-01: {@code base64url(SHA-256(keyAuthorization))} as TXT at
 * {@code _acme-challenge.NAME.}, the wildcard's {@code *.} dropped), tell the CA to validate
 * ({@code POST {}} to the challenge), poll the authorization until it is valid or invalid, and
 * withdraw the answer whatever happened; then wait for the order to be {@code ready},
 * {@code finalize} with a CSR for a new key, wait for {@code valid}, and download the chain.
 *
 * <p>Authorizations are solved one after another, so a name and its wildcard (which share one TXT
 * name) never overlap. Every wait honours {@code Retry-After}, falls back to
 * {@link AcmeOptions#pollInterval()}, and ends at {@link AcmeOptions#validationTimeout()}. Used
 * once, on the caller's thread.
 */
final class OrderFlow {

    private static final System.Logger LOG = System.getLogger(OrderFlow.class.getName());
    private static final String PEM_CHAIN = "application/pem-certificate-chain";

    private final AcmeClient client;
    private final AcmeAccount account;
    private final OrderRequest order;
    private final Http01Challenges http01;
    private final TxtRecords dns01;
    private final AccountSigner signer;

    OrderFlow(AcmeClient client, AcmeAccount account, OrderRequest order, Http01Challenges http01, TxtRecords dns01) {
        this.client = client;
        this.account = account;
        this.order = order;
        this.http01 = http01;
        this.dns01 = dns01;
        this.signer = account.signer();
    }

    IssuedCertificate run() throws AcmeException {
        ObjectNode payload = Jws.MAPPER.createObjectNode();
        ArrayNode identifiers = payload.putArray("identifiers");
        for (String name : order.names()) {
            identifiers.addObject().put("type", "dns").put("value", name);
        }
        AcmeTransport.Response created = client.post(client.directory().newOrder(), payload, signer, null, "newOrder");
        URI orderUrl = created.location();
        if (orderUrl == null) {
            throw new AcmeException("newOrder", "the CA answered without the order URL (Location)");
        }
        JsonNode orderJson = created.json("newOrder");
        for (JsonNode authorization : orderJson.path("authorizations")) {
            authorize(url(authorization, "newOrder"));
        }
        orderJson = await(orderUrl, "order", "ready", "pending");
        KeyPair key = order.keyType().generate();
        byte[] csr = CertificateSigningRequest.der(order.names(), key, order.keyType());
        ObjectNode finalize = Jws.MAPPER.createObjectNode().put("csr", Jws.base64url(csr));
        client.post(url(orderJson.path("finalize"), "finalize"), finalize, signer, null, "finalize");
        orderJson = await(orderUrl, "finalize", "valid", "ready", "processing");
        URI certificateUrl = url(orderJson.path("certificate"), "certificate");
        String chain = client.post(certificateUrl, null, signer, PEM_CHAIN, "certificate").text();
        return result(chain, key, certificateUrl);
    }

    /** One authorization: solved unless already valid (an authorization the CA reused). */
    private void authorize(URI url) throws AcmeException {
        JsonNode authz = client.post(url, null, signer, null, "authorization").json("authorization");
        String value = authz.path("identifier").path("value").asText();
        boolean wildcard = authz.path("wildcard").asBoolean(false);
        String step = "authorization for " + (wildcard ? "*." + value : value);
        String status = authz.path("status").asText();
        if ("valid".equals(status)) {
            return;
        }
        if (!"pending".equals(status)) {
            throw refused(step, authz, status);
        }
        String type = order.challenge().wireName();
        JsonNode challenge = null;
        List<String> offered = new ArrayList<>();
        for (JsonNode candidate : authz.path("challenges")) {
            offered.add(candidate.path("type").asText());
            if (type.equals(candidate.path("type").asText())) {
                challenge = candidate;
            }
        }
        if (challenge == null) {
            throw new AcmeException(step, "the CA offers no " + type + " challenge (offers " + offered + ")");
        }
        String token = challenge.path("token").asText();
        String keyAuthorization = token + "." + Jws.thumbprint(account.keyPair().getPublic());
        if (order.challenge() == ChallengeType.HTTP_01) {
            http01.publish(token, keyAuthorization);
            try {
                validate(url, challenge, step);
            } finally {
                http01.withdraw(token);
            }
        } else {
            String fqdn = "_acme-challenge." + value + ".";
            String txt = Jws.base64url(Jws.sha256(keyAuthorization.getBytes(StandardCharsets.US_ASCII)));
            try {
                dns01.present(fqdn, txt);
            } catch (IOException e) {
                throw new AcmeException(step, "the DNS provider could not create TXT " + fqdn + ": " + e.getMessage(), e);
            }
            try {
                validate(url, challenge, step);
            } finally {
                try {
                    dns01.cleanUp(fqdn, txt);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "ACME: could not remove TXT " + fqdn + ": " + e.getMessage());
                }
            }
        }
    }

    /** Asks the CA to validate {@code challenge}, then waits for the authorization's verdict. */
    private void validate(URI authorization, JsonNode challenge, String step) throws AcmeException {
        client.post(url(challenge.path("url"), step), Jws.MAPPER.createObjectNode(), signer, null, step);
        await(authorization, step, "valid", "pending");
    }

    /**
     * Polls {@code url} (POST-as-GET) while its status is one of {@code waiting}, until it is
     * {@code wanted}; any other status ({@code invalid}, {@code expired} ...) is a failure of
     * {@code step} with the CA's problem. After {@code finalize} an order may still say
     * {@code ready} for a moment before {@code processing} (RFC 8555 §7.1.6), hence a set.
     */
    private JsonNode await(URI url, String step, String wanted, String... waiting) throws AcmeException {
        Duration timeout = client.options().validationTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            AcmeTransport.Response response = client.post(url, null, signer, null, step);
            JsonNode json = response.json(step);
            String status = json.path("status").asText();
            if (wanted.equals(status)) {
                return json;
            }
            if (!List.of(waiting).contains(status)) {
                throw refused(step, json, status);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AcmeException(step, "still " + status + " after " + timeout.toSeconds() + " s");
            }
            pause(Math.min(left, wait(response).toNanos()), step);
        }
    }

    /** A URL the CA gave in a JSON field: absolute https, else the answer is malformed. */
    private static URI url(JsonNode field, String step) throws AcmeException {
        try {
            URI url = new URI(field.asText());
            if ("https".equals(url.getScheme()) && url.getHost() != null) {
                return url;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        throw new AcmeException(step, "the CA sent no usable https URL where one was due: '" + field.asText() + "'");
    }

    /** The server's {@code Retry-After} when it sent one (RFC 8555 §7.5.1), else the poll interval. */
    private Duration wait(AcmeTransport.Response response) {
        Instant now = client.clock().instant();
        Instant retryAfter = AcmeTransport.retryAfter(response.headers(), now);
        if (retryAfter == null) {
            return client.options().pollInterval();
        }
        Duration asked = Duration.between(now, retryAfter);
        return asked.isNegative() ? Duration.ZERO : asked;
    }

    private static void pause(long nanos, String step) throws AcmeException {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AcmeException(step, "interrupted while waiting for the CA", e);
        }
    }

    /**
     * The failure of an authorization or order that ended badly: its {@code error}, or the error of
     * the challenge that failed, or just its status.
     */
    private static AcmeException refused(String step, JsonNode json, String status) {
        JsonNode error = json.path("error");
        for (JsonNode challenge : json.path("challenges")) {
            if (challenge.path("error").isObject()) {
                error = challenge.path("error");
            }
        }
        if (error.isObject()) {
            return new AcmeException(step, AcmeProblem.parse(error, 0), null);
        }
        return new AcmeException(step, "ended " + (status.isEmpty() ? "without a status" : status));
    }

    private IssuedCertificate result(String chain, KeyPair key, URI certificateUrl) throws AcmeException {
        X509Certificate leaf;
        try {
            leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(chain.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException | ClassCastException e) {
            throw new AcmeException("certificate", "the CA sent no PEM certificate chain: " + e.getMessage(), e);
        }
        if (!leaf.getPublicKey().equals(key.getPublic())) {
            throw new AcmeException("certificate", "the CA's certificate is not for the key the CSR carried");
        }
        String keyPem = PemText.encode("PRIVATE KEY", key.getPrivate().getEncoded());
        return new IssuedCertificate(chain, keyPem, leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(),
                order.names(), certificateUrl);
    }
}
