package io.balor.admin.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

/**
 * A hand-written RFC 8555 client for one ACME directory: reads the directory, registers or finds
 * an account, issues certificates ({@link #issue}, the order flow of §7.4 in {@link OrderFlow}),
 * and asks when to renew one ({@link #renewalWindow}, ARI). HTTP, nonces and {@code badNonce}
 * retries are {@link AcmeTransport}'s; signatures {@link Jws}'s.
 *
 * <p>Blocking: every method runs on the caller's thread (the job runner's executor), each HTTP
 * exchange bounded by {@link AcmeOptions#requestTimeout()} and each wait for the CA by
 * {@link AcmeOptions#validationTimeout()}; nothing here touches an event loop. Thread-safe, though
 * one job at a time per client is the expected use. Failures are {@link AcmeException}s naming
 * the step.
 */
public final class AcmeClient {

    /** Let's Encrypt's production directory. */
    public static final URI LETS_ENCRYPT = URI.create("https://acme-v02.api.letsencrypt.org/directory");
    /** Let's Encrypt's staging directory (untrusted certificates, generous limits). */
    public static final URI LETS_ENCRYPT_STAGING = URI.create("https://acme-staging-v02.api.letsencrypt.org/directory");

    private final URI directoryUrl;
    private final AcmeOptions options;
    private final Clock clock;
    private final AcmeTransport transport;
    private volatile AcmeDirectory directory;

    /**
     * A client of {@code directoryUrl}; nothing is sent yet.
     *
     * @throws IOException when {@link AcmeOptions#trustedCaFile()} cannot be read as PEM certificates
     */
    public AcmeClient(URI directoryUrl, AcmeOptions options) throws IOException {
        this(directoryUrl, options, Clock.systemUTC());
    }

    AcmeClient(URI directoryUrl, AcmeOptions options, Clock clock) throws IOException {
        if (!"https".equals(directoryUrl.getScheme())) {
            throw new IllegalArgumentException("an ACME directory URL is https (RFC 8555 §6.1): " + directoryUrl);
        }
        this.directoryUrl = directoryUrl;
        this.options = options;
        this.clock = clock;
        this.transport = new AcmeTransport(options, clock);
    }

    /**
     * A directory URL from config: {@code letsencrypt}, {@code letsencrypt-staging}, or a URL.
     *
     * @throws IllegalArgumentException when it is neither a known name nor an https URL
     */
    public static URI directoryUrl(String nameOrUrl) {
        switch (nameOrUrl.strip().toLowerCase(Locale.ROOT)) {
            case "letsencrypt", "lets-encrypt", "production":
                return LETS_ENCRYPT;
            case "letsencrypt-staging", "lets-encrypt-staging", "staging":
                return LETS_ENCRYPT_STAGING;
            default:
                URI url = URI.create(nameOrUrl.strip());
                if (!"https".equals(url.getScheme()) || url.getHost() == null) {
                    throw new IllegalArgumentException("not an ACME directory name or https URL: " + nameOrUrl);
                }
                return url;
        }
    }

    public URI directoryUrl() {
        return directoryUrl;
    }

    /** The directory, fetched on first use (RFC 8555 §7.1.1). */
    public AcmeDirectory directory() throws AcmeException {
        AcmeDirectory known = directory;
        if (known == null) {
            AcmeTransport.Response response = transport.get(directoryUrl, "directory");
            try {
                known = AcmeDirectory.parse(response.json("directory"), directoryUrl);
            } catch (IllegalArgumentException e) {
                throw new AcmeException("directory", e.getMessage() + " (" + directoryUrl + ")", e);
            }
            directory = known;
        }
        return known;
    }

    /**
     * Registers {@code key} (RFC 8555 §7.3), or finds the account it already has (the server
     * answers 200 then: {@link AcmeAccount#created()} false).
     *
     * @throws AcmeException step {@code newAccount}: the terms are not accepted although the CA
     *                       has some (refused before anything is sent to it but the directory
     *                       read), the CA requires External Account Binding and none was given, or
     *                       the CA refused (e.g. {@code invalidContact})
     */
    public AcmeAccount register(KeyPair key, AccountRequest request) throws AcmeException {
        AcmeDirectory dir = directory();
        if (dir.termsOfService() != null && !request.termsAccepted()) {
            throw new AcmeException("newAccount", "the CA's terms of service must be accepted before an account is"
                    + " created: read " + dir.termsOfService() + " and set terms accepted in the ACME settings");
        }
        if (dir.externalAccountRequired() && request.binding() == null) {
            throw new AcmeException("newAccount", "this CA requires External Account Binding: give the key id and"
                    + " HMAC key it issued (" + directoryUrl + ")");
        }
        ObjectNode payload = Jws.MAPPER.createObjectNode();
        if (request.termsAccepted()) {
            payload.put("termsOfServiceAgreed", true);
        }
        ArrayNode contact = payload.putArray("contact");
        for (String email : request.emails()) {
            contact.add("mailto:" + email);
        }
        if (request.binding() != null) {
            payload.set("externalAccountBinding",
                    Jws.externalAccountBinding(request.binding(), key.getPublic(), dir.newAccount().toString()));
        }
        return account(key, payload, "newAccount");
    }

    /**
     * The account {@code key} already has (RFC 8555 §7.3.1, {@code onlyReturnExisting}).
     *
     * @throws AcmeException step {@code account lookup}, with problem type
     *                       {@value AcmeProblem#ACCOUNT_DOES_NOT_EXIST} when the key has none
     */
    public AcmeAccount findAccount(KeyPair key) throws AcmeException {
        ObjectNode payload = Jws.MAPPER.createObjectNode();
        payload.put("onlyReturnExisting", true);
        return account(key, payload, "account lookup");
    }

    private AcmeAccount account(KeyPair key, ObjectNode payload, String step) throws AcmeException {
        AccountSigner withJwk = new AccountSigner(key, null);
        AcmeTransport.Response response = post(directory().newAccount(), payload, withJwk, null, step);
        URI url = response.location();
        if (url == null) {
            throw new AcmeException(step, "the CA answered without the account URL (Location)");
        }
        JsonNode body = response.json(step);
        return new AcmeAccount(url, key, body.path("status").asText("valid"), response.status() == 201);
    }

    /**
     * Orders, validates and downloads a certificate for {@code order}'s names (RFC 8555 §7.4):
     * challenges are published through {@code http01} or {@code dns01}, whichever the order's
     * challenge type needs (the other may be null), and always withdrawn again.
     *
     * @throws AcmeException naming the step that failed ({@code newOrder}, {@code authorization
     *                       for NAME}, {@code finalize}, {@code certificate}), with the CA's
     *                       problem when it sent one
     */
    public IssuedCertificate issue(AcmeAccount account, OrderRequest order, Http01Challenges http01, TxtRecords dns01)
            throws AcmeException {
        if (order.challenge() == ChallengeType.HTTP_01 && http01 == null
                || order.challenge() == ChallengeType.DNS_01 && dns01 == null) {
            throw new IllegalArgumentException(order.challenge().wireName() + " needs its publisher");
        }
        return new OrderFlow(this, account, order, http01, dns01).run();
    }

    /**
     * The CA's suggested renewal window for {@code leaf} (draft-ietf-acme-ari), or empty when the
     * CA offers no {@code renewalInfo}. An unauthenticated GET.
     *
     * @throws AcmeException step {@code renewalInfo}: the CA refused or answered malformed
     */
    public Optional<RenewalWindow> renewalWindow(X509Certificate leaf) throws AcmeException {
        URI base = directory().renewalInfo();
        if (base == null) {
            return Optional.empty();
        }
        String id;
        try {
            id = RenewalWindow.certificateId(leaf);
        } catch (IllegalArgumentException e) {
            throw new AcmeException("renewalInfo", e.getMessage(), e);
        }
        URI url = URI.create(base.toString().replaceAll("/+$", "") + "/" + id);
        AcmeTransport.Response response = transport.get(url, "renewalInfo");
        try {
            return Optional.of(RenewalWindow.parse(response.json("renewalInfo"), url,
                    AcmeTransport.retryAfter(response.headers(), clock.instant())));
        } catch (IllegalArgumentException e) {
            throw new AcmeException("renewalInfo", e.getMessage() + " (" + url + ")", e);
        }
    }

    AcmeOptions options() {
        return options;
    }

    Clock clock() {
        return clock;
    }

    /** How many POSTs were retried after {@code badNonce} (a test hook). */
    int badNonceRetries() {
        return transport.badNonceRetries();
    }

    /** A signed POST (null payload: POST-as-GET) through the transport, with this directory's newNonce. */
    AcmeTransport.Response post(URI url, JsonNode payload, AccountSigner signer, String accept, String step)
            throws AcmeException {
        return transport.post(url, payload, signer, directory().newNonce(), accept, step);
    }
}
